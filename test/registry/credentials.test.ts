import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { RegistryClient } from "../../src/registry/client.js";
import { resolveCredentials } from "../../src/registry/credentials.js";
import { RegistryError } from "../../src/registry/errors.js";
import { skipUnlessRegistryTools } from "./support/skip.js";
import { blobOf, makeTestImage } from "./support/image.js";
import { runSlimgo, type CliResult } from "../support/cli.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";

const base64 = (s: string) => Buffer.from(s).toString("base64");

/** Every temp DOCKER_CONFIG, removed once the file's tests are done (also those of a case that failed before using it). */
const dockerConfigDirs: string[] = [];
after(() => dockerConfigDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A temp DOCKER_CONFIG with config.json and a docker-credential-test helper that knows one server. */
function makeDockerConfig(config: object, helperServer = "", helperUser = "", helperSecret = "") {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-docker-config-"));
  dockerConfigDirs.push(dir);
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const helper = join(dir, "docker-credential-test");
  writeFileSync(
    helper,
    `#!/bin/sh
[ "$1" = get ] || exit 2
read -r server
echo "$server" >> "${join(dir, "asked")}"
if [ "$server" = "${helperServer}" ]; then
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$server" "${helperUser}" "${helperSecret}"
else
  echo "credentials not found in native keychain"
  exit 1
fi
`,
  );
  chmodSync(helper, 0o755);
  const env: NodeJS.ProcessEnv = { PATH: `${dir}:${process.env.PATH ?? ""}`, DOCKER_CONFIG: dir, HOME: dir };
  const asked = () => {
    try {
      return readFileSync(join(dir, "asked"), "utf8").split("\n").filter((l) => l !== "");
    } catch {
      return [];
    }
  };
  return { dir, env, asked };
}

describe("credentials from the Docker config and the environment", () => {

  test("auths entries give user and password, whatever form the key has", async () => {
    const { env } = makeDockerConfig({
      auths: {
        "https://registry.example.com/v1/": { auth: base64("bob:pa:ss") },
        "https://index.docker.io/v1/": { auth: base64("hubuser:hubpass") },
        "127.0.0.1:5000": { identitytoken: "refresh-me" },
      },
    });
    assert.deepEqual(await resolveCredentials("registry.example.com", { env }), {
      username: "bob",
      password: "pa:ss",
      source: join(env.DOCKER_CONFIG as string, "config.json"),
    });
    assert.equal((await resolveCredentials("docker.io", { env }))?.username, "hubuser");
    assert.equal((await resolveCredentials("127.0.0.1:5000", { env }))?.identityToken, "refresh-me");
    assert.equal(await resolveCredentials("other.example.com", { env }), undefined);
  });

  test("credHelpers come first, then credsStore, then auths", async () => {
    const { env, asked } = makeDockerConfig(
      {
        credHelpers: { "helped.example.com": "test" },
        credsStore: "test",
        auths: { "helped.example.com": { auth: base64("file:ignored") }, "filed.example.com": { auth: base64("file:used") } },
      },
      "helped.example.com",
      "helperuser",
      "helpersecret",
    );
    assert.deepEqual(await resolveCredentials("helped.example.com", { env }), {
      username: "helperuser",
      password: "helpersecret",
      source: "docker-credential-test",
    });
    // The store does not know this one, so the auths entry is used.
    assert.equal((await resolveCredentials("filed.example.com", { env }))?.password, "used");
    assert.deepEqual(asked(), ["helped.example.com", "filed.example.com"]);
  });

  test("a helper answering <token> gives an identity token; Docker Hub is asked by its v1 URL", async () => {
    const { env, asked } = makeDockerConfig({ credsStore: "test" }, "https://index.docker.io/v1/", "<token>", "oauth-refresh");
    assert.deepEqual(await resolveCredentials("docker.io", { env }), { identityToken: "oauth-refresh", source: "docker-credential-test" });
    assert.deepEqual(asked(), ["https://index.docker.io/v1/"]);
  });

  test("SLIMGO_REGISTRY_USERNAME and SLIMGO_REGISTRY_PASSWORD override the Docker config", async () => {
    const { env } = makeDockerConfig({ auths: { "r.example.com": { auth: base64("file:user") } } });
    const withVars = { ...env, SLIMGO_REGISTRY_USERNAME: "ci", SLIMGO_REGISTRY_PASSWORD: "ci-token" };
    assert.deepEqual(await resolveCredentials("r.example.com", { env: withVars }), {
      username: "ci",
      password: "ci-token",
      source: "SLIMGO_REGISTRY_USERNAME/SLIMGO_REGISTRY_PASSWORD",
    });
    await assert.rejects(resolveCredentials("r.example.com", { env: { ...env, SLIMGO_REGISTRY_USERNAME: "ci" } }), /set both SLIMGO_REGISTRY_USERNAME and SLIMGO_REGISTRY_PASSWORD/);
  });

  test("a missing helper and a broken config.json are one-line errors", async () => {
    const { env } = makeDockerConfig({ credHelpers: { "x.example.com": "nosuchhelper" } });
    await assert.rejects(resolveCredentials("x.example.com", { env }), /docker-credential-nosuchhelper is not on PATH/);
    const broken = makeDockerConfig({});
    writeFileSync(join(broken.dir, "config.json"), "{ not json");
    await assert.rejects(resolveCredentials("x.example.com", { env: broken.env }), /config\.json is not valid JSON: fix it or point DOCKER_CONFIG/);
  });

  test("no config at all means anonymous", async () => {
    const { env, dir } = makeDockerConfig({});
    rmSync(join(dir, "config.json"));
    assert.equal(await resolveCredentials("x.example.com", { env }), undefined);
  });
});

describe("credentials from the Docker configs users have, against a registry with basic auth", { skip: skipUnlessRegistryTools("htpasswd") }, () => {
  let registry: TestRegistry;
  const user = () => registry.users[0]?.user ?? "";
  const password = () => registry.users[0]?.password ?? "";
  before(async () => {
    registry = await startRegistry({ auth: "basic" });
    const image = makeTestImage("private\n");
    const client = new RegistryClient(registry.host, { insecure: true, credentials: { username: user(), password: password(), source: "test" } });
    for (const blob of [image.layer, image.config]) await client.pushBlob("creds/app", blob);
    await client.putManifest("creds/app", "1", image.manifest.bytes, image.manifest.mediaType);
  });
  after(async () => {
    await registry?.stop();
  });

  test("pushes with an auths entry and with a credential helper", async () => {
    const fromAuths = makeDockerConfig({ auths: { [`http://${registry.host}`]: { auth: base64(`${user()}:${password()}`) } } });
    const fromHelper = makeDockerConfig({ credHelpers: { [registry.host]: "test" } }, registry.host, user(), password());
    for (const { env } of [fromAuths, fromHelper]) {
      const client = new RegistryClient(registry.host, { insecure: true, credentials: () => resolveCredentials(registry.host, { env }) });
      const result = await client.pushBlob("creds", blobOf(Buffer.from(`pushed with ${env.DOCKER_CONFIG}\n`)));
      assert.equal(result.outcome, "uploaded");
    }
  });

  test("a helper with a wrong secret gives an error that names the registry and user only", async () => {
    const secret = "helper-wrong-secret";
    const made = makeDockerConfig({ credsStore: "test" }, registry.host, user(), secret);
    const client = new RegistryClient(registry.host, { insecure: true, credentials: () => resolveCredentials(registry.host, { env: made.env }) });
    await assert.rejects(client.ping(), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.match(err.message, new RegExp(`^${registry.host.replace(/\./g, "\\.")}: authentication failed for user ${user()} \\(401\\)`));
      assert.ok(!`${inspect(err, { depth: 10 })}${err.stack}`.includes(secret));
      return true;
    });
  });

  /** `slimgo inspect` of the private image with this Docker config and no SLIMGO_REGISTRY_* unless given. */
  async function inspectWith(made: ReturnType<typeof makeDockerConfig>, extraEnv: Record<string, string> = {}): Promise<CliResult> {
    const env = { ...(made.env as Record<string, string>), SLIMGO_REGISTRY_USERNAME: "", SLIMGO_REGISTRY_PASSWORD: "", ...extraEnv };
    return runSlimgo(["inspect", "--json", "--insecure-registry", registry.host, `${registry.host}/creds/app:1`], { env });
  }

  test("an empty config.json is no login, as for docker: the registry's 401 is reported, not the file", async () => {
    for (const text of ["", " \n"]) {
      const made = makeDockerConfig({});
      writeFileSync(join(made.dir, "config.json"), text);
      const result = await inspectWith(made);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /authentication required \(401\): log in \(docker login\)/);
      assert.doesNotMatch(result.stderr, /not valid JSON/);
    }
  });

  test("a credHelpers entry of \"\" sends that registry to auths, past a credsStore, as docker does", async () => {
    // "desktop" is not installed here: the common leftover of Docker Desktop on Linux.
    const made = makeDockerConfig({
      credsStore: "desktop",
      credHelpers: { [registry.host]: "" },
      auths: { [registry.host]: { auth: base64(`${user()}:${password()}`) } },
    });
    const result = await inspectWith(made);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).reference, `${registry.host}/creds/app:1`);
  });

  test("a helper that is missing or fails names the setting and file to fix and how to see why, in one line", async () => {
    const missingStore = makeDockerConfig({ auths: { "https://index.docker.io/v1/": {} }, credsStore: "desktop" });
    const missingHelper = makeDockerConfig({ credHelpers: { [`https://${registry.host}`]: "nosuch" } });
    const failing = makeDockerConfig({ credsStore: "broken" });
    const broken = join(failing.dir, "docker-credential-broken");
    writeFileSync(broken, "#!/bin/sh\nread -r server\necho 'cannot reach the secret service'\nexit 1\n");
    chmodSync(broken, 0o755);
    const crashing = makeDockerConfig({ credsStore: "crashing" });
    const crasher = join(crashing.dir, "docker-credential-crashing");
    writeFileSync(crasher, "#!/bin/sh\nread -r server\nkill -KILL $$\n");
    chmodSync(crasher, 0o755);
    const cases: Array<[ReturnType<typeof makeDockerConfig>, (dir: string) => string]> = [
      [missingStore, (dir) => `credential helper docker-credential-desktop is not on PATH: install it, or remove "credsStore": "desktop" from ${join(dir, "config.json")}`],
      [missingHelper, (dir) => `credential helper docker-credential-nosuch is not on PATH: install it, or remove the credHelpers entry "https://${registry.host}" from ${join(dir, "config.json")}`],
      [failing, () => `credential helper docker-credential-broken failed (exit 1): see why with: echo ${registry.host} | docker-credential-broken get`],
      [crashing, () => `credential helper docker-credential-crashing was killed by SIGKILL: see why with: echo ${registry.host} | docker-credential-crashing get`],
    ];
    for (const [made, message] of cases) {
      const result = await inspectWith(made);
      assert.equal(result.code, 2, result.stderr);
      assert.ok(result.stderr.includes(`slimgo: ${registry.host}: ${message(made.dir)}\n`), result.stderr);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    }
  });

  test("a refused login names where it came from, so the user knows what to fix, and never shows the secret", async () => {
    const wrong = "refused-Pa55:word";
    const goodAuths = { auths: { [registry.host]: { auth: base64(`${user()}:${password()}`) } } };
    const cases: Array<{ made: ReturnType<typeof makeDockerConfig>; env?: Record<string, string>; from: (dir: string) => string }> = [
      {
        // The variables win over a config.json that would have worked.
        made: makeDockerConfig(goodAuths),
        env: { SLIMGO_REGISTRY_USERNAME: user(), SLIMGO_REGISTRY_PASSWORD: wrong },
        from: () => "SLIMGO_REGISTRY_USERNAME/SLIMGO_REGISTRY_PASSWORD, which take precedence over the Docker config: correct or unset them",
      },
      {
        made: makeDockerConfig({ auths: { [`http://${registry.host}`]: { auth: base64(`${user()}:${wrong}`) } } }),
        from: (dir) => `${join(dir, "config.json")}: log in again (docker login ${registry.host})`,
      },
      {
        made: makeDockerConfig({ credHelpers: { [registry.host]: "test" } }, registry.host, user(), wrong),
        from: () => `docker-credential-test: log in again (docker login ${registry.host})`,
      },
    ];
    for (const { made, env, from } of cases) {
      const result = await inspectWith(made, env);
      assert.equal(result.code, 2, result.stderr);
      assert.ok(
        result.stderr.includes(`slimgo: ${registry.host}: authentication failed for user ${user()} (401): the registry refused the login from ${from(made.dir)}\n`),
        result.stderr,
      );
      for (const secret of [wrong, base64(`${user()}:${wrong}`)]) assert.ok(!`${result.stdout}${result.stderr}`.includes(secret), "secret printed");
    }
  });
});
