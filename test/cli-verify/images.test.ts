/**
 * `slimgo verify` and `slimgo inspect` through the real CLI on images podman built, read from every
 * kind of source: an OCI layout, a docker-archive, podman's storage and a registry started here.
 * Each deliberately wrong image fails exactly its check (exit 1); the image built from `slimgo init`'s
 * Dockerfile passes (exit 0); `inspect --json` agrees with `skopeo inspect` on the same images.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyModule, runSlimgo, type CliResult } from "../support/cli.js";
import { podmanBuild, removeImages, runTool } from "../support/podman.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { ensureStandInImages } from "../support/standins.js";
import { BinaryImages } from "../support/binary-images.js";
import { skipContainers, skipUnless } from "../support/tools.js";

const skip = skipContainers() || skipUnless("skopeo", "gcc", "docker-registry");
const images: string[] = [];
const dirs: string[] = [];
const made = new BinaryImages("cli-verify");
let exports = "";
let registry: TestRegistry | undefined;

type Source = "oci" | "docker-archive" | "podman" | "registry";

/** The image `tag` from podman's storage as a slimgo reference of the given kind (and the skopeo name for it). */
async function exportAs(tag: string, source: Source, name: string): Promise<{ ref: string; skopeo: string[] }> {
  switch (source) {
    case "oci": {
      const dir = join(exports, `${name}-oci`);
      await runTool("skopeo", ["copy", "-q", `containers-storage:${tag}`, `oci:${dir}:latest`]);
      return { ref: `oci:${dir}:latest`, skopeo: [`oci:${dir}:latest`] };
    }
    case "docker-archive": {
      const file = join(exports, `${name}.tar`);
      await runTool("skopeo", ["copy", "-q", `containers-storage:${tag}`, `docker-archive:${file}:${tag}`]);
      return { ref: `docker-archive:${file}`, skopeo: [`docker-archive:${file}`] };
    }
    case "podman":
      return { ref: `podman:${tag}`, skopeo: [`containers-storage:${tag}`] };
    case "registry": {
      const remote = `${registry!.host}/slimgo-test/${name}:v1`;
      await runTool("skopeo", ["copy", "-q", "--dest-tls-verify=false", `containers-storage:${tag}`, `docker://${remote}`]);
      return { ref: remote, skopeo: ["--tls-verify=false", `docker://${remote}`] };
    }
  }
}

function slimgoArgs(command: string, ref: string, ...rest: string[]): string[] {
  const insecure = registry !== undefined && ref.startsWith(registry.host) ? ["--insecure-registry", registry.host] : [];
  return [command, ref, ...insecure, ...rest];
}

interface CheckJson {
  name: string;
  status: string;
  message: string;
  evidence: string[];
}

function checksOf(result: CliResult): CheckJson[] {
  const doc = JSON.parse(result.stdout) as { reports: { checks: CheckJson[] }[] };
  assert.equal(doc.reports.length, 1);
  return doc.reports[0]!.checks;
}

function explain(checks: CheckJson[]): string {
  return checks.map((c) => `${c.status} ${c.name}: ${c.message}\n  ${c.evidence.join("\n  ")}`).join("\n");
}

describe("slimgo verify and inspect on podman-built images from every source", { skip, concurrency: 1 }, () => {
  before(async () => {
    await ensureStandInImages();
    exports = await mkdtemp(join(tmpdir(), "slimgo-cli-verify-exports-"));
    dirs.push(exports);
    await made.hostBuild("cli-tool", "wordcount");
    await made.hostBuild("tls-client", "tlsclient");
    await made.hostBuild("zoneinfo", "zoneinfo");
    await made.hostBuild("cgo", "cgosum", true);
    registry = await startRegistry();
  });

  after(async () => {
    await registry?.stop();
    await removeImages(...images, ...made.images);
    await Promise.all([...dirs, ...made.dirs].map((d) => rm(d, { recursive: true, force: true })));
  });

  const wrong: { name: string; check: string; source: Source; dockerfile: string; extra?: Record<string, string>; evidence: RegExp }[] = [
    {
      name: "cgo-on-scratch",
      check: "linking",
      source: "oci",
      dockerfile: 'FROM scratch\nCOPY cgosum /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
      evidence: /\/app: dynamic, missing interpreter \/lib64\/ld-linux-x86-64\.so\.2/,
    },
    { name: "root-user", check: "non-root-user", source: "docker-archive", dockerfile: 'FROM scratch\nCOPY wordcount /app\nENTRYPOINT ["/app"]\n', evidence: /User is empty/ },
    {
      name: "tls-without-certs",
      check: "ca-certificates",
      source: "registry",
      dockerfile: 'FROM scratch\nCOPY tlsclient /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
      evidence: /\/app links crypto\/tls/,
    },
    {
      name: "zoneinfo-missing",
      check: "zoneinfo",
      source: "podman",
      dockerfile: 'FROM scratch\nCOPY zoneinfo /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
      evidence: /\/app links time\.LoadLocation/,
    },
    {
      name: "shell-form-on-scratch",
      check: "entrypoint",
      source: "oci",
      dockerfile: "FROM scratch\nCOPY wordcount /app\nUSER 65532\nENTRYPOINT /app -w\n",
      evidence: /Entrypoint \["\/bin\/sh","-c","\/app -w"\]/,
    },
    {
      name: "dotenv-copied",
      check: "no-secret-files",
      source: "docker-archive",
      dockerfile: 'FROM scratch\nCOPY wordcount /app\nCOPY .env /srv/.env\nUSER 65532\nENTRYPOINT ["/app"]\n',
      extra: { ".env": "DATABASE_PASSWORD=hunter2\n" },
      evidence: /\.env file: \/srv\/\.env/,
    },
  ];

  for (const c of wrong) {
    test(`${c.name} read from ${c.source} fails ${c.check} with exit 1`, async () => {
      const tag = await made.build(c.name, c.dockerfile, c.extra);
      const { ref } = await exportAs(tag, c.source, c.name);
      // podman: references are saved to a temp file; a private TMPDIR shows it is gone afterwards.
      const privateTemp = await mkdtemp(join(tmpdir(), "slimgo-cli-verify-tmp-"));
      dirs.push(privateTemp);
      const result = await runSlimgo(slimgoArgs("verify", ref, "--json"), { env: { TMPDIR: privateTemp } });
      assert.deepEqual(await readdir(privateTemp), [], "slimgo left temp files behind");
      assert.equal(result.code, 1, result.stderr);
      const checks = checksOf(result);
      assert.deepEqual(checks.filter((r) => r.status === "fail").map((r) => r.name), [c.check], explain(checks));
      const failed = checks.find((r) => r.name === c.check)!;
      assert.ok(failed.evidence.some((e) => c.evidence.test(e)), `evidence ${JSON.stringify(failed.evidence)} lacks ${c.evidence}`);
      // The text report names the failed check too.
      const text = await runSlimgo(slimgoArgs("verify", ref));
      assert.equal(text.code, 1);
      assert.match(text.stdout, new RegExp(`FAIL  SV\\d+ ${c.check}:`));
    });
  }

  test("the image built from `slimgo init`'s Dockerfile passes verify from every source, and inspect agrees with skopeo", async () => {
    const dir = await copyModule("tls-client");
    dirs.push(dir);
    const init = await runSlimgo(["init", dir]);
    assert.equal(init.code, 0, init.stderr);
    const tag = "localhost/slimgo-test/cli-verify-init-tls-client:latest";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });

    for (const source of ["oci", "docker-archive", "podman", "registry"] as const) {
      const { ref, skopeo } = await exportAs(tag, source, `init-${source}`);
      const verify = await runSlimgo(slimgoArgs("verify", ref, "--json"));
      assert.equal(verify.code, 0, `${source}: ${verify.stderr}\n${verify.stdout}`);
      const checks = checksOf(verify);
      for (const name of ["entrypoint", "linking", "architecture", "non-root-user", "ca-certificates"]) {
        assert.equal(checks.find((r) => r.name === name)?.status, "pass", `${source} ${name}\n${explain(checks)}`);
      }

      const inspect = await runSlimgo(slimgoArgs("inspect", ref, "--json"));
      assert.equal(inspect.code, 0, inspect.stderr);
      const doc = JSON.parse(inspect.stdout);
      const ours = doc.images[0];
      const theirs = JSON.parse((await runTool("skopeo", ["inspect", ...skopeo])).stdout);
      const config = JSON.parse((await runTool("skopeo", ["inspect", "--config", "--raw", ...skopeo])).stdout);
      // Digests: skopeo makes up a manifest for containers-storage and docker-archive, as slimgo does for the archive; compare where one is stored.
      if (source === "oci" || source === "registry") assert.equal(ours.digest, theirs.Digest, source);
      assert.deepEqual(ours.layers.map((l: { digest: string }) => l.digest), theirs.Layers, `${source} layers`);
      assert.deepEqual(ours.layers.map((l: { diffId: string }) => l.diffId), config.rootfs.diff_ids, `${source} diff ids`);
      assert.equal(ours.platform, `${config.os}/${config.architecture}`);
      assert.equal(ours.created, config.created);
      assert.deepEqual(ours.config.entrypoint, config.config.Entrypoint);
      assert.equal(ours.config.user, config.config.User);
      assert.deepEqual(ours.config.env, config.config.Env);
      assert.deepEqual(ours.config.labels, config.config.Labels ?? {});
      assert.deepEqual(ours.config.exposedPorts, Object.keys(config.config.ExposedPorts ?? {}).sort());
      assert.deepEqual(ours.config.healthcheck?.test, config.config.Healthcheck?.Test);
      assert.equal(ours.layerCount, theirs.Layers.length);
      // The service and the health probe slimgo init adds are found and read from the layers.
      const paths = ours.goBinaries.map((b: { path: string }) => b.path).sort();
      assert.deepEqual(paths, ["/usr/local/bin/tlsclient", "/usr/local/libexec/slimgo/healthcheck"], JSON.stringify(ours.goBinaries));
      const service = ours.goBinaries.find((b: { path: string }) => b.path === "/usr/local/bin/tlsclient");
      assert.equal(service.linking, "static");
      assert.match(service.goVersion, /^go1\./);
      assert.equal(service.module.path, "example.com/tlsclient");
      assert.ok(service.runtimeNeeds.some((n: string) => /TLS client/.test(n)), JSON.stringify(service));
    }
  });

  test("a toolchain left in a single-stage golang image fails no-toolchain, read through podman save", async () => {
    const context = await copyModule("cli-tool");
    dirs.push(context);
    await writeFile(
      join(context, "Dockerfile"),
      ["FROM golang:1.19", "WORKDIR /src", "COPY go.mod main.go ./", "RUN go build -o /usr/local/bin/wordcount .", "USER nobody", 'ENTRYPOINT ["/usr/local/bin/wordcount"]', ""].join("\n"),
    );
    const tag = "localhost/slimgo-test/cli-verify-toolchain:latest";
    images.push(tag);
    await podmanBuild({ context, tag, noCache: true, format: "docker" });
    const result = await runSlimgo(["verify", `podman:${tag}`, "--json"]);
    assert.equal(result.code, 1, result.stderr);
    const checks = checksOf(result);
    const toolchain = checks.find((r) => r.name === "no-toolchain")!;
    assert.equal(toolchain.status, "fail", explain(checks));
    assert.ok(toolchain.evidence.some((e) => /Go installation at \/usr\/local\/go/.test(e)), explain(checks));
    assert.match(result.stderr, /saving .* with podman save/);
  });

  test("a name podman does not know is a one-line error with exit 2", async () => {
    const result = await runSlimgo(["inspect", "podman:localhost/slimgo-test/no-such-image:1"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /slimgo: podman save failed: .*podman images/);
  });
});
