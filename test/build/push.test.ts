/** `slimgo build --push` against the real distribution registry, with auth and injected faults. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyModule, runSlimgo } from "../support/cli.js";
import { freePort, runTool } from "../support/podman.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { startFaultProxy } from "../registry/support/proxy.js";
import { skipContainers, skipUnless } from "../support/tools.js";
import { ensureStandInImages } from "../support/standins.js";
import { makeTestImage } from "../registry/support/image.js";
import { RegistryClient } from "../../src/registry/client.js";

const temps: string[] = [];
const registries: TestRegistry[] = [];
let module = "";
const env = { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_CACHE_DIR: join(tmpdir(), `slimgo-push-cache-${process.pid}`) };
temps.push(env.SLIMGO_CACHE_DIR);

interface BuildJson {
  programs: { digest: string; published: { kind: string; reference: string; digest: string; blobs?: { uploaded: number; existing: number; mounted: number } }[] }[];
}

async function push(registry: string, repo: string, extra: string[] = [], extraEnv: Record<string, string> = {}) {
  return runSlimgo(["build", "--json", module, "--push", `${registry}/${repo}`, "--insecure-registry", registry, ...extra], { env: { ...env, ...extraEnv } });
}

async function skopeoInspect(registry: TestRegistry, ref: string, raw = false): Promise<Record<string, any>> {
  const creds = registry.auth === "none" ? [] : ["--creds", `${registry.users[0]!.user}:${registry.users[0]!.password}`];
  return JSON.parse((await runTool("skopeo", ["inspect", ...(raw ? ["--raw"] : []), "--tls-verify=false", ...creds, `docker://${registry.host}/${ref}`])).stdout);
}

describe("slimgo build --push", { skip: skipUnless("go", "docker-registry", "skopeo", "htpasswd"), concurrency: 1 }, () => {
  before(async () => {
    module = await copyModule("root-main");
    temps.push(module);
  });
  after(async () => {
    await Promise.all(registries.map((r) => r.stop()));
    await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
  });

  test("anonymous: skopeo reads back the image; a second push uploads nothing", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const first = await push(registry.host, "team/rootmain", ["-t", "1.0"]);
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(first.stdout) as BuildJson;
    const published = result.programs[0]!.published[0]!;
    assert.equal(published.reference, `${registry.host}/team/rootmain:1.0@${result.programs[0]!.digest}`);
    assert.ok(published.blobs!.uploaded >= 3, "base, probe and binary layers plus config");
    const inspected = await skopeoInspect(registry, "team/rootmain:1.0");
    assert.equal(inspected.Digest, published.digest);
    assert.equal(inspected.Labels["org.opencontainers.image.created"], "2023-11-14T22:13:20Z");

    const second = JSON.parse((await push(registry.host, "team/rootmain", ["-t", "1.0"])).stdout) as BuildJson;
    assert.equal(second.programs[0]!.digest, published.digest, "reproducible");
    assert.equal(second.programs[0]!.published[0]!.blobs!.uploaded, 0, "every blob was already there");
  });

  test("the tag in --push REPO:TAG is the only tag pushed; -t adds more; neither gives latest", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const listTags = async (repo: string) =>
      (JSON.parse((await runTool("skopeo", ["list-tags", "--tls-verify=false", `docker://${registry.host}/${repo}`])).stdout) as { Tags: string[] }).Tags.filter((t) => !t.startsWith("sha256-")).sort(); // the SBOM's referrers tag aside
    const tagged = await push(registry.host, "tagged/app:abcdef1");
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.deepEqual(await listTags("tagged/app"), ["abcdef1"]);
    const more = await push(registry.host, "more/app:abcdef1", ["-t", "1.2.0"]);
    assert.equal(more.code, 0, more.stderr);
    assert.deepEqual(await listTags("more/app"), ["1.2.0", "abcdef1"]);
    const bare = await push(registry.host, "bare/app");
    assert.equal(bare.code, 0, bare.stderr);
    assert.deepEqual(await listTags("bare/app"), ["latest"]);
  });

  test("two platforms push an index that skopeo reads for each architecture", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const r = await push(registry.host, "multi", ["--platform", "linux/amd64,linux/arm64", "-t", "2.0"]);
    assert.equal(r.code, 0, r.stderr);
    const raw = await skopeoInspect(registry, "multi:2.0", true);
    assert.equal(raw.mediaType, "application/vnd.docker.distribution.manifest.list.v2+json", "Docker format: the image has a HEALTHCHECK");
    assert.deepEqual(raw.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture), ["amd64", "arm64"]);
    const arm = JSON.parse((await runTool("skopeo", ["inspect", "--tls-verify=false", "--override-arch", "arm64", `docker://${registry.host}/multi:2.0`])).stdout);
    assert.equal(arm.Architecture, "arm64");
  });

  test("basic auth with credentials from the environment; wrong ones give a clear error without the password", async () => {
    const registry = await startRegistry({ auth: "basic" });
    registries.push(registry);
    const { user, password } = registry.users[0]!;
    const ok = await push(registry.host, "private/app", [], { SLIMGO_REGISTRY_USERNAME: user, SLIMGO_REGISTRY_PASSWORD: password });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await skopeoInspect(registry, "private/app:latest")).Digest, (JSON.parse(ok.stdout) as BuildJson).programs[0]!.digest);

    const bad = await push(registry.host, "private/app", [], { SLIMGO_REGISTRY_USERNAME: user, SLIMGO_REGISTRY_PASSWORD: "wrong-password-123" });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, new RegExp(`slimgo: ${registry.host.replace(/\./g, "\\.")}: authentication failed for user ${user}`));
    assert.doesNotMatch(bad.stdout + bad.stderr, /wrong-password-123|Basic [A-Za-z0-9+/=]{8,}/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
  });

  test("bearer tokens from a token endpoint, credentials from ~/.docker/config.json", async () => {
    const registry = await startRegistry({ auth: "token" });
    registries.push(registry);
    const dockerConfig = await mkdtemp(join(tmpdir(), "slimgo-dockercfg-"));
    temps.push(dockerConfig);
    const { user, password } = registry.users[0]!;
    await writeFile(join(dockerConfig, "config.json"), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${user}:${password}`).toString("base64") } } }));
    const r = await push(registry.host, "tokened/app", [], { DOCKER_CONFIG: dockerConfig });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(registry.tokenRequests > 0, "the token endpoint was used");
    assert.equal((await skopeoInspect(registry, "tokened/app:latest")).Digest, (JSON.parse(r.stdout) as BuildJson).programs[0]!.digest);
  });

  test("SLIMGO_REGISTRY_* log in to the --push registry only: a --base in another registry logs in with the Docker config", async () => {
    const pushTo = await startRegistry({ auth: "basic" });
    const baseIn = await startRegistry({ auth: "basic", users: [{ user: "base-reader", password: "base-reader-pw" }] });
    registries.push(pushTo, baseIn);
    const reader = baseIn.users[0]!;
    const image = makeTestImage("base in another registry\n");
    const baseClient = new RegistryClient(baseIn.host, { insecure: true, credentials: { username: reader.user, password: reader.password, source: "test" } });
    for (const blob of [image.layer, image.config]) await baseClient.pushBlob("base/files", blob);
    await baseClient.putManifest("base/files", "1", image.manifest.bytes, image.manifest.mediaType);
    const dockerConfig = await mkdtemp(join(tmpdir(), "slimgo-dockercfg-"));
    temps.push(dockerConfig);
    await writeFile(join(dockerConfig, "config.json"), JSON.stringify({ auths: { [baseIn.host]: { auth: Buffer.from(`${reader.user}:${reader.password}`).toString("base64") } } }));
    const { user, password } = pushTo.users[0]!;
    const r = await push(pushTo.host, "elsewhere/app", ["--base", `${baseIn.host}/base/files:1`, "--insecure-registry", baseIn.host], {
      DOCKER_CONFIG: dockerConfig,
      SLIMGO_REGISTRY_USERNAME: user,
      SLIMGO_REGISTRY_PASSWORD: password,
    });
    assert.equal(r.code, 0, r.stderr);
    const app = await skopeoInspect(pushTo, "elsewhere/app:latest");
    assert.equal(app.Labels["org.opencontainers.image.base.name"], `${baseIn.host}/base/files:1`);
  });

  test("a --base layer whose bytes do not match its digest fails the build with exit 2, and no output is written", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const image = makeTestImage("base whose layer is corrupted on the way\n");
    const client = new RegistryClient(registry.host, { insecure: true, credentials: null });
    for (const blob of [image.layer, image.config]) await client.pushBlob("base/corrupt", blob);
    await client.putManifest("base/corrupt", "1", image.manifest.bytes, image.manifest.mediaType);
    // The registry serves the manifest as pushed; the proxy flips a byte of every blob it passes.
    const proxy = await startFaultProxy(registry.host, (req) => (req.method === "GET" && req.path.includes(`/blobs/${image.layer.digest}`) ? "corrupt" : "pass"));
    try {
      const out = await mkdtemp(join(tmpdir(), "slimgo-corrupt-base-"));
      temps.push(out);
      const r = await runSlimgo(["build", module, "--base", `${proxy.host}/base/corrupt:1`, "--insecure-registry", proxy.host, "--oci-layout", join(out, "layout"), "--tarball", join(out, "image.tar")], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^slimgo: 127\.0\.0\.1:\d+: blob sha256:[0-9a-f]{12} from base\/corrupt does not match its digest \(got sha256:[0-9a-f]{64}, \d+ bytes\)$/m);
      assert.deepEqual(await readdir(out), [], "neither the layout nor the tarball");
    } finally {
      await proxy.stop();
    }
  });

  test("a base image pushed to the registry first is used through --base, for the right platform", { skip: skipContainers() }, async () => {
    await ensureStandInImages();
    const registry = await startRegistry();
    registries.push(registry);
    await runTool("skopeo", ["copy", "--dest-tls-verify=false", "containers-storage:gcr.io/distroless/static-debian12:nonroot", `docker://${registry.host}/base/static:nonroot`]);
    const base = await skopeoInspect(registry, "base/static:nonroot");
    const r = await push(registry.host, "onbase/app", ["--base", `${registry.host}/base/static:nonroot`]);
    assert.equal(r.code, 0, r.stderr);
    const app = await skopeoInspect(registry, "onbase/app:latest");
    assert.deepEqual(app.Layers.slice(0, base.Layers.length), base.Layers, "the base's layers come first, unchanged");
    const blobs = (JSON.parse(r.stdout) as BuildJson).programs[0]!.published[0]!.blobs!;
    assert.equal(blobs.mounted, base.Layers.length, "the base's layers are mounted from its repository, not sent again");
    assert.equal(app.Layers.length, base.Layers.length + 2, "then the health probe and the binary; no slimgo base layer");
    assert.equal(app.Labels["org.opencontainers.image.base.name"], `${registry.host}/base/static:nonroot`);
    assert.equal(app.Labels["org.opencontainers.image.base.digest"], base.Digest);
    const config = JSON.parse((await runTool("skopeo", ["inspect", "--config", "--raw", "--tls-verify=false", `docker://${registry.host}/onbase/app:latest`])).stdout);
    assert.ok(config.config.Env.some((e: string) => e.startsWith("SSL_CERT_FILE=")), "the base's environment is kept");
    assert.equal(config.config.User, "65532:65532");
  });

  test("a registry that drops uploads and answers 500, then recovers, ends with a correct image", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    let faults = 0;
    const proxy = await startFaultProxy(registry.host, (req) => {
      if (faults < 2 && (req.method === "PUT" || req.method === "PATCH") && req.path.includes("/blobs/uploads/")) {
        faults++;
        return faults === 1 ? "drop" : { status: 500 };
      }
      return "pass";
    });
    try {
      const r = await push(proxy.host, "flaky/app");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(faults, 2, "both faults were injected");
      assert.equal((await skopeoInspect(registry, "flaky/app:latest")).Digest, (JSON.parse(r.stdout) as BuildJson).programs[0]!.digest);
    } finally {
      await proxy.stop();
    }
  });

  test("a registry that keeps failing: a clear error after bounded retries, and nothing written locally", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const proxy = await startFaultProxy(registry.host, (req) => (req.method === "GET" && req.path === "/v2/" ? "pass" : { status: 503 }));
    const out = await mkdtemp(join(tmpdir(), "slimgo-push-fail-"));
    temps.push(out);
    try {
      const r = await push(proxy.host, "down/app", ["--oci-layout", join(out, "layout"), "--tarball", join(out, "app.tar")]);
      assert.equal(r.code, 2, "a failing registry is not a finding about the image");
      assert.match(r.stderr, new RegExp(`slimgo: ${proxy.host.replace(/\./g, "\\.")}.*503.*gave up after \\d+ tries`));
      assert.deepEqual(await readdir(out), [], "the push runs before local outputs, so nothing was written");
    } finally {
      await proxy.stop();
    }
  });
});

test("a registry that is down is exit 2 however slimgo meets it: build --push, build --base and verify", { skip: skipUnless("go") }, async () => {
  // After the describe above, whose after() has removed its temps: this test removes its own.
  const dir = await copyModule("root-main");
  try {
    const down = `127.0.0.1:${await freePort()}`;
    const refused = new RegExp(`^slimgo: (--base: )?${down.replace(/\./g, "\\.")}: .*connection refused: is the registry running and the port right\\?$`, "m");
    const runs = {
      "build --push": ["build", dir, "--push", `${down}/app`, "--insecure-registry", down],
      "build --base": ["build", dir, "--base", `${down}/base:1`, "--insecure-registry", down],
      verify: ["verify", `${down}/app:1`, "--insecure-registry", down],
    };
    for (const [what, args] of Object.entries(runs)) {
      const r = await runSlimgo(args, { env });
      assert.equal(r.code, 2, `${what}:\n${r.stderr}`);
      assert.match(r.stderr, refused, what);
    }
  } finally {
    await Promise.all([dir, env.SLIMGO_CACHE_DIR].map((d) => rm(d, { recursive: true, force: true })));
  }
});

