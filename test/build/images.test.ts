/**
 * `slimgo build` proved with the real tools: skopeo and umoci read its OCI layouts, podman loads
 * its tarballs and runs them, and digests are reproducible.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { copyModule, runSlimgo } from "../support/cli.js";
import { freePort, healthcheckRun, inspectImage, podman, podmanBuild, removeImages, removeStartedContainers, runContainer, runTool, waitForHttp, type ContainerHandle } from "../support/podman.js";
import { skipContainers, skipUnless } from "../support/tools.js";
import { readElf } from "../../src/gobinary/index.js";
import { ensureStandInImages } from "../support/standins.js";
import { busyboxImage } from "../transports/fixture.js";
import { appendLayers, emptyImage, withAnnotations, withConfig } from "../../src/image/mutate.js";
import { layerFromFile } from "../../src/image/layer.js";
import { sha256 } from "../../src/image/digest.js";
import { layerFromFiles } from "../../src/tar/layer.js";
import { hostPlatform } from "../../src/build/platforms.js";
import { writeOciLayout } from "../../src/transports/oci-layout.js";

const temps: string[] = [];
const images: string[] = [];
async function temp(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), `slimgo-build-${prefix}-`));
  temps.push(d);
  return d;
}
async function fixture(name: string, from: "fixtures" | "examples" = "fixtures"): Promise<string> {
  const d = await copyModule(name, from);
  temps.push(d);
  return d;
}
const FIXED_TIME = { SOURCE_DATE_EPOCH: "1700000000" };

after(async () => {
  await removeStartedContainers();
  await removeImages(...images);
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function build(args: string[], env: Record<string, string> = FIXED_TIME) {
  const r = await runSlimgo(["build", "--json", ...args], { env });
  assert.equal(r.code, 0, `slimgo build ${args.join(" ")} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as {
    programs: { binary: string; digest: string; platforms: { platform: string }[]; args: string[]; healthcheck: string[] | null; published: { kind: string; reference: string; digest: string }[] }[];
  };
}

async function processUid(container: ContainerHandle): Promise<number> {
  const pid = (await container.inspect()).State.Pid as number;
  return Number(/^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1]);
}

describe("slimgo build", { skip: skipUnless("go"), concurrency: 1 }, () => {
  test("the example builds to an OCI layout that skopeo and umoci accept", { skip: skipUnless("skopeo", "umoci") }, async () => {
    const dir = await fixture("notes", "examples");
    const out = await temp("layout");
    const layout = join(out, "layout");
    const result = await build([dir, "--oci-layout", layout, "-t", "1.0"]);
    const published = result.programs[0]!.published[0]!;
    assert.match(published.reference, /^oci:.*:localhost\/notes:1\.0@sha256:[0-9a-f]{64}$/);
    const inspect = JSON.parse((await runTool("skopeo", ["inspect", `oci:${layout}:localhost/notes:1.0`])).stdout);
    assert.equal(inspect.Digest, published.digest);
    assert.equal(inspect.Architecture, process.arch === "arm64" ? "arm64" : "amd64");
    assert.equal(inspect.Layers.length, 2, "base, then the binary (no probe: the example has its own -health flag)");
    const config = JSON.parse((await runTool("skopeo", ["inspect", "--config", "--raw", `oci:${layout}:localhost/notes:1.0`])).stdout);
    assert.deepEqual(config.config.Entrypoint, ["/usr/local/bin/notes"]);
    assert.equal(config.config.User, "65532:65532");
    assert.deepEqual(Object.keys(config.config.ExposedPorts), ["8080/tcp"]);
    assert.equal(config.created, "2023-11-14T22:13:20Z", "created comes from SOURCE_DATE_EPOCH");
    assert.match(config.history.at(-1).created_by, /go build -trimpath/);
    const bundle = join(out, "bundle");
    await runTool("umoci", ["unpack", "--image", `${layout}:localhost/notes:1.0`, bundle]);
    const passwd = await readFile(join(bundle, "rootfs/etc/passwd"), "utf8");
    assert.match(passwd, /^nonroot:x:65532:65532:/m);
  });

  test("the tarball loads into podman and runs: health, non-root, HEALTHCHECK, time zones, SIGTERM", { skip: skipContainers() }, async () => {
    const dir = await fixture("notes", "examples");
    const tarball = join(await temp("tar"), "notes.tar");
    await build([dir, "--tarball", tarball, "-t", "build-test"]);
    images.push("localhost/notes:build-test");
    const loaded = await podman(["load", "-i", tarball]);
    assert.match(loaded.stdout + loaded.stderr, /localhost\/notes:build-test/);
    const port = await freePort();
    const c = await runContainer({ image: "localhost/notes:build-test", env: { PORT: String(port) } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/healthz`), 200);
      assert.equal(await processUid(c), 65532);
      const health = await healthcheckRun(c.id);
      assert.ok(health.healthy, `podman runs the image's HEALTHCHECK: ${health.output}`);
      await fetch(`http://127.0.0.1:${port}/notes`, { method: "POST", body: JSON.stringify({ text: "hi" }) });
      const zoned = await (await fetch(`http://127.0.0.1:${port}/notes?tz=Europe/Madrid`)).text();
      assert.match(zoned, /\+0[12]:00"/, `time zones load in the image: ${zoned}`);
      // From the toolchain's zoneinfo.zip in the base layer (decoded from zipdata.go where Go ships only that), not built into the binary.
      const env = JSON.parse((await podman(["image", "inspect", "localhost/notes:build-test"])).stdout)[0].Config.Env as string[];
      assert.ok(env.includes("ZONEINFO=/usr/share/zoneinfo/zoneinfo.zip"), env.join(" "));
      const stop = await c.stop(10);
      assert.equal(stop.exitCode, 0);
      assert.ok(stop.ms < 5000);
    } finally {
      await c.remove();
    }
  });

  test("--compression none stores the same layers uncompressed: skopeo and umoci read them, podman runs the image", { skip: skipContainers() || skipUnless("skopeo", "umoci") }, async () => {
    const dir = await fixture("notes", "examples");
    const out = await temp("uncompressed");
    const [plain, gzipped] = [join(out, "plain"), join(out, "gzipped")];
    const none = await build([dir, "--compression", "none", "--oci-layout", plain, "--tarball", join(out, "notes.tar"), "-t", "plain"]);
    await build([dir, "--oci-layout", gzipped, "-t", "plain"]);
    const again = await build([dir, "--compression", "none"]);
    assert.equal(again.programs[0]!.digest, none.programs[0]!.digest, "reproducible uncompressed too");
    const manifest = async (layout: string) => JSON.parse((await runTool("skopeo", ["inspect", "--raw", `oci:${layout}:localhost/notes:plain`])).stdout) as { layers: { mediaType: string; digest: string }[] };
    const config = async (layout: string) => JSON.parse((await runTool("skopeo", ["inspect", "--config", "--raw", `oci:${layout}:localhost/notes:plain`])).stdout) as { rootfs: { diff_ids: string[] } };
    const [m, c] = [await manifest(plain), await config(plain)];
    assert.deepEqual(m.layers.map((l) => l.mediaType), ["application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar"]);
    assert.deepEqual(m.layers.map((l) => l.digest), c.rootfs.diff_ids, "an uncompressed layer's digest is its diffID");
    assert.deepEqual(c.rootfs.diff_ids, (await config(gzipped)).rootfs.diff_ids, "the same tars as the gzip build");
    assert.ok((await manifest(gzipped)).layers.every((l) => l.mediaType.endsWith("+gzip")));
    const bundle = join(out, "bundle");
    await runTool("umoci", ["unpack", "--image", `${plain}:localhost/notes:plain`, bundle]);
    assert.match(await readFile(join(bundle, "rootfs/etc/passwd"), "utf8"), /^nonroot:x:65532:65532:/m);

    images.push("localhost/notes:plain");
    await podman(["load", "-i", join(out, "notes.tar")]);
    const port = await freePort();
    const container = await runContainer({ image: "localhost/notes:plain", env: { PORT: String(port) } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/healthz`), 200);
      assert.ok((await healthcheckRun(container.id)).healthy);
    } finally {
      await container.remove();
    }
  });

  test("--load puts the image into the local podman under its name and tags", { skip: skipContainers() }, async () => {
    const dir = await fixture("cli-tool");
    const result = await build([dir, "--load", "podman", "-t", "load-a", "-t", "load-b"]);
    const binary = result.programs[0]!.binary;
    images.push(`localhost/${binary}:load-a`, `localhost/${binary}:load-b`);
    assert.match(result.programs[0]!.published[0]!.reference, new RegExp(`^podman:localhost/${binary}:load-a@sha256:`));
    for (const tag of ["load-a", "load-b"]) {
      const run = await podman(["run", "--rm", "-i", `localhost/${binary}:${tag}`, "-w"], { input: "a b c d\n" });
      assert.equal(run.stdout.trim(), "4");
    }

    const host = process.arch === "arm64" ? "arm64" : "amd64";
    const several = await runSlimgo(["build", dir, "--platform", "linux/amd64,linux/arm64", "--load", "podman", "-t", "load-multi"], { env: FIXED_TIME });
    images.push(`localhost/${binary}:load-multi`);
    assert.equal(several.code, 0, several.stderr);
    assert.match(several.stderr, new RegExp(`note: podman runs one platform: loaded linux/${host} of the 2 built \\(--oci-layout, --tarball or --push keep them all\\)`));
    assert.equal((await podman(["image", "inspect", "--format", "{{.Architecture}}", `localhost/${binary}:load-multi`])).stdout.trim(), host);
  });

  test("TLS roots are in the image when the program calls out, and the probe checks health without a shell", { skip: skipContainers() }, async () => {
    const dir = await fixture("tls-client");
    const tarball = join(await temp("tls"), "tls.tar");
    const result = await build([dir, "--tarball", tarball, "-t", "build-test"]);
    assert.deepEqual(result.programs[0]!.healthcheck, ["/usr/local/libexec/slimgo/healthcheck", "127.0.0.1:8080", "/healthz", "PORT"]);
    images.push("localhost/tlsclient:build-test");
    await podman(["load", "-i", tarball]);
    const port = await freePort();
    const c = await runContainer({ image: "localhost/tlsclient:build-test", env: { PORT: String(port), ZEN_URL: "https://127.0.0.1:1/zen" } });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      assert.ok((await healthcheckRun(c.id)).healthy, "the compiled probe follows PORT");
      const certs = await podman(["run", "--rm", "--entrypoint", "/usr/local/libexec/slimgo/healthcheck", "localhost/tlsclient:build-test", "x"], { allowFailure: true });
      assert.notEqual(certs.code, 127, "the probe binary exists and runs");
      const bundle = await podman(["image", "mount", "localhost/tlsclient:build-test"]);
      const pem = await readFile(join(bundle.stdout.trim(), "etc/ssl/certs/ca-certificates.crt"), "utf8");
      assert.ok((pem.match(/BEGIN CERTIFICATE/g) ?? []).length > 100, "Mozilla's root store is in the image");
      await podman(["image", "unmount", "localhost/tlsclient:build-test"]);
    } finally {
      await c.remove();
    }
  });

  test("a vendored dependency's https calls and time zones put CA certificates and zoneinfo in the image; the program finds both", { skip: skipContainers() }, async () => {
    const dir = await fixture("dependency-needs");
    const tarball = join(await temp("depneeds"), "depneeds.tar");
    await build([dir, "--tarball", tarball, "-t", "build-test"]);
    images.push("localhost/depneeds:build-test");
    await podman(["load", "-i", tarball]);
    const bundle = await podman(["image", "mount", "localhost/depneeds:build-test"]);
    try {
      const pem = await readFile(join(bundle.stdout.trim(), "etc/ssl/certs/ca-certificates.crt"), "utf8");
      assert.ok((pem.match(/BEGIN CERTIFICATE/g) ?? []).length > 100, "Mozilla's root store is in the image");
      assert.ok((await readFile(join(bundle.stdout.trim(), "usr/share/zoneinfo/zoneinfo.zip"))).length > 100_000, "zoneinfo.zip is in the image");
    } finally {
      await podman(["image", "unmount", "localhost/depneeds:build-test"]);
    }
    const run = await podman(["run", "--rm", "localhost/depneeds:build-test", "-zone", "Asia/Tokyo"]);
    assert.match(run.stdout.trim(), /^Asia\/Tokyo JST \+0900, \d{3,} trusted root certificates$/);
  });

  test("a server under a subcommand gets it as the image's arguments (Cmd [\"serve\"]); --arg replaces it", { skip: skipUnless("skopeo") }, async () => {
    // test/build/containers.test.ts runs this image: it serves and becomes healthy.
    const dir = await fixture("subcommand");
    const cmd = async (extra: string[]) => {
      const layout = join(await temp("subcommand"), "layout");
      const summary = await build([dir, ...extra, "--platform", "linux/amd64,linux/arm64", "--oci-layout", layout]);
      const config = (JSON.parse((await runTool("skopeo", ["inspect", "--config", "--raw", "--override-arch", "arm64", `oci:${layout}:localhost/subcommand:latest`])).stdout) as { config: { Cmd?: string[] } }).config;
      assert.deepEqual(summary.programs[0]!.args, config.Cmd, "--json says what the image runs");
      return config.Cmd;
    };
    assert.deepEqual(await cmd([]), ["serve"]);
    assert.deepEqual(await cmd(["--arg", "migrate"]), ["migrate"]);
  });

  test("a directory the program reads at run time is named when neither //go:embed nor --assets puts it in the image", async () => {
    const dir = await fixture("embed");
    const notes = async (extra: string[]) => {
      const layout = join(await temp("embed-notes"), "layout");
      const r = await runSlimgo(["build", dir, ...extra, "--oci-layout", layout, "--json"], { env: FIXED_TIME, cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      return { stderr: r.stderr, notes: (JSON.parse(r.stdout) as { programs: { notes: string[] }[] }).programs[0]!.notes.filter((n) => n.includes("templates")) };
    };
    const without = await notes([]);
    assert.deepEqual(without.notes, ["main.go:41: templates is read at run time but is not in the image: embed it with //go:embed, or add it with --assets"]);
    assert.match(without.stderr, /^warning: embedded: main\.go:41: templates is read at run time/m);
    assert.deepEqual((await notes(["--assets", "./templates/"])).notes, []);
  });

  test("an -X that would set nothing is named: from slimgo.yaml build.ldflags (file and line), and from a Makefile (left out of the build), as paths from where slimgo runs", async () => {
    const dir = await fixture("root-main");
    await writeFile(join(dir, "slimgo.yaml"), "build:\n  platforms: [linux/amd64]\n  ldflags: [\"-X main.Version=from-config\"]\n");
    await writeFile(join(dir, "Makefile"), "build:\n\tgo build -ldflags \"-X $(PKG).buildDate=x -X main.BuildHost=ci\" .\n");
    const layout = join(await temp("x-notes"), "layout");
    const r = await runSlimgo(["build", dir, "--oci-layout", layout, "--json"], { env: FIXED_TIME, cwd: dirname(dir) });
    assert.equal(r.code, 0, r.stderr);
    const notes = (JSON.parse(r.stdout) as { programs: { notes: string[] }[] }).programs[0]!.notes.filter((n) => n.includes("-X"));
    const shown = basename(dir);
    assert.deepEqual(notes, [
      `${shown}/Makefile:2: -X main.BuildHost is left out: the main package of . has no string variable BuildHost`,
      `${shown}/slimgo.yaml:3: build.ldflags: -X main.Version sets nothing: the main package of . has no Version, but has version (${shown}/main.go:18)`,
    ]);
    assert.ok(r.stderr.includes(`warning: rootmain: ${shown}/slimgo.yaml:3: build.ldflags: -X main.Version sets nothing`), r.stderr);
  });

  test("--healthcheck PATH is probed on the program's port, also for a binary with its own health flag", async () => {
    const dir = await fixture("health-flag");
    const healthcheck = async (extra: string[]) => (await build([dir, ...extra, "--oci-layout", join(await temp("health-path"), "layout")])).programs[0]!.healthcheck;
    assert.deepEqual(await healthcheck([]), ["/usr/local/bin/healthflag", "-health"]);
    assert.deepEqual(await healthcheck(["--healthcheck", "/healthz"]), ["/usr/local/libexec/slimgo/healthcheck", "127.0.0.1:8080", "/healthz", "PORT"]);
  });

  test("the health check probes the HTTP port its route is served on, not the gRPC-style listener found first, and becomes healthy", { skip: skipContainers() }, async () => {
    const dir = await fixture("grpc-health");
    const tarball = join(await temp("grpc-health"), "grpc-health.tar");
    const result = await build([join(dir, "cmd/grpchealth"), "--tarball", tarball, "-t", "build-test"]);
    assert.deepEqual(result.programs[0]!.healthcheck, ["/usr/local/libexec/slimgo/healthcheck", "127.0.0.1:8081", "/healthz"]);
    images.push("localhost/grpchealth:build-test");
    await podman(["load", "-i", tarball]);
    const [healthPort, apiPort] = [await freePort(), await freePort()];
    const c = await runContainer({ image: "localhost/grpchealth:build-test", ports: { 8081: healthPort, 50051: apiPort } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${healthPort}/healthz`), 200);
      assert.ok((await healthcheckRun(c.id)).healthy);
    } finally {
      await c.remove();
    }
  });

  test("two builds of the same source give the same digest; a one-line change changes only the binary layer", { skip: skipUnless("skopeo") }, async () => {
    const dir = await fixture("root-main");
    const first = await build([dir]);
    const second = await build([dir]);
    assert.equal(second.programs[0]!.digest, first.programs[0]!.digest);

    const layoutA = join(await temp("repro"), "a");
    const layoutB = join(await temp("repro"), "b");
    await build([dir, "--oci-layout", layoutA]);
    const main = join(dir, "main.go");
    await writeFile(main, (await readFile(main, "utf8")).replace('fmt.Fprintln(w, "ok")', 'fmt.Fprintln(w, "OK")'));
    await build([dir, "--oci-layout", layoutB]);
    const layers = async (l: string) => JSON.parse((await runTool("skopeo", ["inspect", `oci:${l}:localhost/rootmain:latest`])).stdout).Layers as string[];
    const [a, b] = [await layers(layoutA), await layers(layoutB)];
    assert.equal(a.length, b.length);
    assert.deepEqual(a.slice(0, -1), b.slice(0, -1), "base and probe layers are unchanged");
    assert.notEqual(a.at(-1), b.at(-1), "the binary layer changed");
  });

  test("two platforms give an index whose arm64 binary is an aarch64 ELF", { skip: skipUnless("skopeo", "umoci") }, async () => {
    const dir = await fixture("cli-tool");
    const out = await temp("multi");
    const layout = join(out, "layout");
    const result = await build([dir, "--platform", "linux/amd64,linux/arm64", "--oci-layout", layout]);
    const binary = result.programs[0]!.binary;
    assert.deepEqual(result.programs[0]!.platforms.map((p) => p.platform), ["linux/amd64", "linux/arm64"]);
    const raw = JSON.parse((await runTool("skopeo", ["inspect", "--raw", `oci:${layout}:localhost/${binary}:latest`])).stdout);
    assert.equal(raw.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.deepEqual(raw.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture), ["amd64", "arm64"]);
    const arm = join(out, "arm");
    await runTool("skopeo", ["copy", "--override-arch", "arm64", `oci:${layout}:localhost/${binary}:latest`, `oci:${arm}:arm`]);
    await runTool("umoci", ["unpack", "--image", `${arm}:arm`, join(out, "bundle")]);
    const elf = await readElf(join(out, `bundle/rootfs/usr/local/bin/${binary}`));
    assert.equal(elf.goarch, "arm64");
    assert.equal(elf.interpreter, undefined, "static");
  });

  test("--all builds every main package into its own image from one analysis, and each runs", { skip: skipContainers() }, async () => {
    const dir = await fixture("three-services");
    const tarball = join(await temp("all"), "svc.tar");
    const result = await build([dir, "--all", "--tarball", tarball, "-t", "build-all"]);
    assert.deepEqual(result.programs.map((p) => p.binary).sort(), ["admin", "api", "worker"]);
    for (const p of result.programs) {
      assert.equal(p.published[0]!.reference, `docker-archive:${tarball.replace(/\.tar$/, `-${p.binary}.tar`)}@${p.digest}`);
      images.push(`localhost/${p.binary}:build-all`);
      await podman(["load", "-i", tarball.replace(/\.tar$/, `-${p.binary}.tar`)]);
    }
    for (const binary of ["api", "admin"]) {
      const port = await freePort();
      const c = await runContainer({ image: `localhost/${binary}:build-all`, env: { PORT: String(port) } });
      try {
        const status = await waitForHttp(`http://127.0.0.1:${port}/healthz`);
        assert.ok(status >= 200 && status < 300, `${binary} answers its health endpoint`);
        assert.ok((await healthcheckRun(c.id)).healthy, `${binary} HEALTHCHECK`);
      } finally {
        await c.remove();
      }
    }
    const worker = await runContainer({ image: "localhost/worker:build-all", env: { POLL_INTERVAL: "100ms" } });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await worker.inspect()).State.Running, true, "the worker keeps running");
      const stop = await worker.stop(10);
      assert.equal(stop.exitCode, 0, await worker.logs());
    } finally {
      await worker.remove();
    }
  });

  test("every image slimgo build makes from the fixtures passes slimgo verify", async () => {
    const cases: [string, "fixtures" | "examples", string[]][] = [
      ["notes", "examples", []],
      ["root-main", "fixtures", []],
      ["health-flag", "fixtures", []],
      ["tls-client", "fixtures", []],
      ["zoneinfo", "fixtures", []],
      ["tempfiles", "fixtures", []],
      ["embed", "fixtures", []],
      ["cli-tool", "fixtures", []],
      ["vendored", "fixtures", []],
      ["dependency-needs", "fixtures", []],
      ["subcommand", "fixtures", []],
      ["multi-cmd", "fixtures", ["--all"]],
    ];
    for (const [name, from, extra] of cases) {
      const dir = await fixture(name, from);
      const layout = join(await temp(`verify-${name}`), "layout");
      const result = await build([dir, ...extra, "--oci-layout", layout]);
      for (const p of result.programs) {
        const v = await runSlimgo(["verify", `oci:${layout}:localhost/${p.binary}:latest`]);
        assert.equal(v.code, 0, `${name} (${p.binary}) fails verify:\n${v.stdout}${v.stderr}`);
      }
    }
  });

  test("--cgo builds a cgo module onto a glibc --base; the image runs and passes verify", { skip: skipContainers() || skipUnless("skopeo", "gcc") }, async () => {
    await ensureStandInImages();
    const out = await temp("cgo");
    const base = join(out, "base");
    await runTool("skopeo", ["copy", "containers-storage:gcr.io/distroless/base-debian12:nonroot", `oci:${base}:base`]);
    const dir = await fixture("cgo");
    const tarball = join(out, "cgo.tar");
    const result = await build([dir, "--cgo", "--base", `oci:${base}:base`, "--tarball", tarball, "-t", "cgo-test"]);
    const binary = result.programs[0]!.binary;
    images.push(`localhost/${binary}:cgo-test`);
    await podman(["load", "-i", tarball]);
    const run = await podman(["run", "--rm", `localhost/${binary}:cgo-test`, "-a", "40", "-b", "2"]);
    assert.equal(run.stdout.trim(), "42", "the C code runs against the base's glibc");
    const verified = await runSlimgo(["verify", `docker-archive:${tarball}`, "--json"]);
    assert.equal(verified.code, 0, verified.stdout);
    const linking = JSON.parse(verified.stdout).reports[0].checks.find((c: { id: string }) => c.id === "SV003");
    assert.equal(linking.status, "pass");
    assert.match(JSON.stringify(linking.evidence), /ld-linux|libc\.so/, "dynamic, with its loader and libc found in the image");

    const noBase = await runSlimgo(["build", dir, "--cgo", "--tarball", join(out, "x.tar")]);
    assert.equal(noBase.code, 2);
    assert.match(noBase.stderr, /--cgo links the C library, so the image needs one: add --base/);
    const cross = await runSlimgo(["build", dir, "--cgo", "--base", `oci:${base}:base`, "--platform", "linux/amd64,linux/arm64", "--tarball", join(out, "y.tar")]);
    assert.equal(cross.code, 2);
    assert.match(cross.stderr, /--cgo builds with this machine's C compiler/);
  });

  test("--base: the program runs with the arguments slimgo gives, not the base's CMD; the base's health check, stop signal and ports go, its PATH stays", { skip: skipUnless("skopeo") }, async () => {
    await ensureStandInImages();
    const out = await temp("base-config");
    // A base as images on Docker Hub are: a shell as CMD, and settings for the program it ships.
    await writeFile(join(out, "Containerfile"), 'FROM docker.io/library/alpine:3.20\nCMD ["/bin/sh"]\nSTOPSIGNAL SIGQUIT\nEXPOSE 80\nHEALTHCHECK CMD ["/bin/false"]\n');
    const baseTag = "localhost/slimgo-test-base-config:latest";
    images.push(baseTag);
    await podmanBuild({ tag: baseTag, context: out, dockerfile: join(out, "Containerfile"), format: "docker" });
    const dir = await fixture("cli-tool");
    const plain = join(out, "plain.tar");
    const result = await build([dir, "--base", `podman:${baseTag}`, "--format", "docker", "--tarball", plain, "-t", "base-config-test"]);
    const tag = `localhost/${result.programs[0]!.binary}:base-config-test`;
    images.push(tag);
    await podman(["load", "-i", plain]);
    const run = await podman(["run", "--rm", tag]);
    assert.equal(run.stdout.trim(), "0 0 0", "it counts its empty stdin, not the file /bin/sh given as its argument");
    const config = (await inspectImage(tag)).Config as Record<string, unknown>;
    assert.equal(config.Cmd, undefined);
    assert.equal(config.Healthcheck, undefined);
    assert.equal(config.StopSignal, undefined);
    assert.equal(config.ExposedPorts, undefined);
    assert.ok((config.Env as string[]).some((e) => e.startsWith("PATH=")), "the base's PATH stays");

    const withArg = join(out, "arg.tar");
    await build([dir, "--base", `podman:${baseTag}`, "--arg=-w", "--tarball", withArg, "-t", "base-config-test"]);
    await podman(["load", "-i", withArg]);
    assert.equal((await podman(["run", "--rm", tag])).stdout.trim(), "0", "--arg -w: only the word count");
  });

  test("--base: what the base's manifest annotations, labels and author say of the base is not said of the image", { skip: skipUnless("skopeo") }, async () => {
    const out = await temp("base-annotations");
    // As official images describe themselves: OCI annotations on the manifest, the same as labels, and an author.
    const about = {
      "org.opencontainers.image.title": "busybox",
      "org.opencontainers.image.description": "the base's own description",
      "org.opencontainers.image.source": "https://example.com/base-image-repo",
      "org.opencontainers.image.url": "https://example.com/base-image",
    };
    let base = await busyboxImage(join(out, "blobs"), { config: { Labels: about } });
    base = withConfig(withAnnotations(base, about), { author: "Base Image Maintainers <base@example.com>" });
    await writeOciLayout(join(out, "base"), base, { ref: "localhost/annotated-base:1" });
    const layout = join(out, "layout");
    await build([await fixture("cli-tool"), "--base", `oci:${join(out, "base")}`, "--oci-layout", layout, "--format", "oci", "--annotation", "org.opencontainers.image.title=wordcount"]);
    const manifest = JSON.parse((await runTool("skopeo", ["inspect", "--raw", `oci:${layout}`])).stdout);
    const config = JSON.parse((await runTool("skopeo", ["inspect", "--config", "--raw", `oci:${layout}`])).stdout);
    assert.equal(manifest.annotations["org.opencontainers.image.title"], "wordcount", "--annotation is kept");
    for (const key of ["org.opencontainers.image.description", "org.opencontainers.image.source", "org.opencontainers.image.url"]) {
      assert.equal(manifest.annotations[key], undefined, `the base's ${key} is not the image's`);
      assert.equal(config.config.Labels[key], undefined, `the base's ${key} label is not the image's`);
    }
    assert.equal(manifest.annotations["org.opencontainers.image.base.digest"], base.digest, "the base is named as the base");
    assert.equal(config.author, undefined, "the base's author did not make this image");
  });

  test("--base with zstd layers: an image with a health check is OCI, as Docker-format ones cannot carry zstd, and --format docker is refused", { skip: skipUnless("skopeo", "zstd") || skipContainers() }, async () => {
    const out = await temp("zstd-base");
    // As `buildx build --output compression=zstd` pushes: the base's one layer stored zstd-compressed.
    const plain = await layerFromFiles(
      [
        { path: "bin/busybox", type: "file", mode: 0o755, sourcePath: "/bin/busybox" },
        { path: "etc/passwd", type: "file", content: "root:x:0:0:root:/root:/sbin/nologin\n" },
        { path: "etc/zstd-base", type: "file", content: "from the zstd layer\n" },
        { path: "tmp", type: "dir", mode: 0o1777 },
      ],
      { mtime: 0, blobDir: join(out, "blobs"), compression: "none" },
    );
    const zstdPath = join(out, "layer.tar.zst");
    await runTool("zstd", ["-q", "-o", zstdPath, plain.storedPath!]);
    const zstdBytes = await readFile(zstdPath);
    const layer = layerFromFile(zstdPath, { digest: sha256(zstdBytes), diffId: plain.diffId, size: (await stat(zstdPath)).size, mediaType: "application/vnd.oci.image.layer.v1.tar+zstd" });
    const base = withConfig(appendLayers(emptyImage(hostPlatform()), [layer], { created_by: "zstd base" }), { config: { Env: ["PATH=/bin"] } });
    await writeOciLayout(join(out, "base"), base);
    const dir = await fixture("cli-tool");

    const refused = await runSlimgo(["build", dir, "--base", `oci:${join(out, "base")}`, "--format", "docker", "--tarball", join(out, "docker.tar")]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--base oci:.*: its layers are zstd-compressed, which Docker-format images cannot carry: use --format oci/);
    assert.doesNotMatch(refused.stderr, /internal error|compiling/, "refused before compiling");

    const tarball = join(out, "image.tar");
    const r = await runSlimgo(["build", dir, "--base", `oci:${join(out, "base")}`, "--healthcheck", "http://127.0.0.1:8080/healthz", "--tarball", tarball, "--oci-layout", join(out, "layout"), "-t", "zstd-base-test"], { env: FIXED_TIME });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the base's layers are zstd-compressed.*so the image is OCI/);
    const manifest = JSON.parse((await runTool("skopeo", ["inspect", "--raw", `oci:${join(out, "layout")}`])).stdout);
    assert.equal(manifest.mediaType, "application/vnd.oci.image.manifest.v1+json");
    assert.equal(manifest.layers[0].mediaType, "application/vnd.oci.image.layer.v1.tar+zstd", "the base's layer as it was");
    const tag = "localhost/wordcount:zstd-base-test";
    images.push(tag);
    await podman(["load", "-i", tarball]);
    const marker = await podman(["run", "--rm", "--entrypoint", "/bin/busybox", tag, "cat", "/etc/zstd-base"]);
    assert.equal(marker.stdout, "from the zstd layer\n", "podman decompressed the base's zstd layer under slimgo's");
  });

  test("--base without uid 65532 or /tmp (scratch-like, passwd whited out, alpine): slimgo adds them, so the user resolves and temp files work", { skip: skipUnless("skopeo") || skipContainers() }, async () => {
    await ensureStandInImages();
    const out = await temp("bare-base");
    // What a Go service meets: os/user (pure Go, as CGO_ENABLED=0 builds it) reads /etc/passwd, os.CreateTemp needs /tmp.
    const dir = join(out, "whoami");
    await mkdir(dir);
    await writeFile(join(dir, "go.mod"), "module example.com/whoami\n\ngo 1.19\n");
    await writeFile(
      join(dir, "main.go"),
      'package main\n\nimport (\n\t"fmt"\n\t"os"\n\t"os/user"\n)\n\nfunc main() {\n\tu, err := user.Current()\n\tif err != nil {\n\t\tfmt.Println(err)\n\t\tos.Exit(1)\n\t}\n\tf, err := os.CreateTemp("", "x-*")\n\tif err != nil {\n\t\tfmt.Println(err)\n\t\tos.Exit(1)\n\t}\n\tos.Remove(f.Name())\n\tfmt.Println(u.Username, u.HomeDir, "temp file ok")\n}\n',
    );
    // Scratch plus CA certificates, and a passwd a later layer deletes (.wh.passwd).
    const blobs = join(out, "blobs");
    const lowerLayer = await layerFromFiles([{ path: "etc/passwd", type: "file", content: "root:x:0:0:root:/root:/sbin/nologin\n" }, { path: "etc/ssl/certs/ca-certificates.crt", type: "file", content: "" }], { mtime: 0, blobDir: blobs });
    const whiteout = await layerFromFiles([{ path: "etc/.wh.passwd", type: "file", content: "" }], { mtime: 0, blobDir: blobs });
    await writeOciLayout(join(out, "bare"), appendLayers(emptyImage(hostPlatform()), [lowerLayer, whiteout], [{ created_by: "certs" }, { created_by: "rm /etc/passwd" }]));
    // podman adds a passwd entry for an unknown user itself; docker and Kubernetes do not: --passwd=false runs as they would.
    const runs = async (base: string, name: string) => {
      const tarball = join(out, `${name}.tar`);
      await build([dir, "--base", base, "--tarball", tarball, "-t", name]);
      const tag = `localhost/whoami:${name}`;
      images.push(tag);
      await podman(["load", "-i", tarball]);
      return (await podman(["run", "--rm", "--passwd=false", tag], { allowFailure: true })).stdout.trim();
    };
    assert.equal(await runs(`oci:${join(out, "bare")}`, "slimgo-base-bare"), "nonroot /home/nonroot temp file ok");
    assert.equal(await runs("podman:docker.io/library/alpine:3.20", "slimgo-base-alpine"), "nonroot /home/nonroot temp file ok");
    const passwd = (await podman(["run", "--rm", "--passwd=false", "--entrypoint", "/bin/cat", "localhost/whoami:slimgo-base-alpine", "/etc/passwd"])).stdout;
    assert.match(passwd, /^root:x:0:0:/m, "alpine's own users stay");
    assert.match(passwd, /^nobody:/m);
    assert.match(passwd, /^nonroot:x:65532:65532:nonroot:\/home\/nonroot:/m);
  });

  test("env, entrypoint args, labels, user and assets from flags and slimgo.yaml reach the image, layered by change rate", { skip: skipUnless("skopeo", "umoci") }, async () => {
    const dir = await fixture("root-main");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(dir, "static"), { recursive: true });
    await writeFile(join(dir, "static", "banner.txt"), "hello from assets\n");
    await writeFile(join(dir, "slimgo.yaml"), "build:\n  env: { GOMEMLIMIT: 64MiB, LOG_LEVEL: info }\n  labels: { team: payments }\n  assets: static\n");
    const layout = join(await temp("settings"), "layout");
    await build([dir, "--oci-layout", layout, "--env", "LOG_LEVEL=debug", "--arg", "-verbose", "--arg", "x", "--label", "tier=backend", "--user", "1000:1000", "--healthcheck", "none"]);
    const ref = `oci:${layout}:localhost/rootmain:latest`;
    const config = JSON.parse((await runTool("skopeo", ["inspect", "--config", "--raw", ref])).stdout).config;
    assert.ok(config.Env.includes("GOMEMLIMIT=64MiB"), "env from slimgo.yaml");
    assert.ok(config.Env.includes("LOG_LEVEL=debug"), "--env wins over slimgo.yaml");
    assert.ok(!config.Env.includes("LOG_LEVEL=info"));
    assert.deepEqual(config.Cmd, ["-verbose", "x"], "--arg values follow the entrypoint");
    assert.equal(config.Labels.team, "payments");
    assert.equal(config.Labels.tier, "backend");
    assert.equal(config.User, "1000:1000");
    assert.equal(config.Healthcheck, undefined, "--healthcheck none");
    const history = JSON.parse((await runTool("skopeo", ["inspect", "--config", "--raw", ref])).stdout).history.map((h: { created_by: string }) => h.created_by);
    assert.match(history[0], /^slimgo base/);
    assert.match(history[1], /assets static/);
    assert.match(history[2], /go build/, "base, then assets, then the binary");
    const bundle = join(await temp("settings-unpack"), "bundle");
    await runTool("umoci", ["unpack", "--image", `${layout}:localhost/rootmain:latest`, bundle]);
    assert.equal(await readFile(join(bundle, "rootfs/static/banner.txt"), "utf8"), "hello from assets\n");

    const bad = await runSlimgo(["build", dir, "--user", "nobody", "--oci-layout", join(await temp("bad-user"), "l")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--user <uid:gid>.*must be a numeric uid/);
    const badConfig = await fixture("root-main");
    await writeFile(join(badConfig, "slimgo.yaml"), "build:\n  user: nobody\n");
    const r = await runSlimgo(["build", badConfig]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /slimgo\.yaml:2: build\.user: must be a numeric uid/);
  });

  test("annotations from --annotation and slimgo.yaml reach each platform's manifest and the index; a Docker-format image says it has none", { skip: skipUnless("skopeo") }, async () => {
    const dir = await fixture("cli-tool");
    await writeFile(join(dir, "slimgo.yaml"), "build:\n  annotations: { team: payments, org.opencontainers.image.description: from the file }\n");
    const layout = join(await temp("annotations"), "layout");
    const description = "org.opencontainers.image.description";
    const result = await build([dir, "--platform", "linux/amd64,linux/arm64", "--format", "oci", "--oci-layout", layout, "--annotation", `${description}=Notes service`, "--annotation", "org.opencontainers.image.source=https://example.com/notes"]);
    const ref = `oci:${layout}:localhost/${result.programs[0]!.binary}:latest`;
    const index = JSON.parse((await runTool("skopeo", ["inspect", "--raw", ref])).stdout) as { annotations?: Record<string, string>; manifests: { digest: string; platform: { architecture: string } }[] };
    assert.deepEqual(index.annotations, { [description]: "Notes service", "org.opencontainers.image.source": "https://example.com/notes", team: "payments" }, "the flag wins over the file");
    assert.deepEqual(index.manifests.map((m) => m.platform.architecture), ["amd64", "arm64"]);
    for (const child of index.manifests) {
      const manifest = JSON.parse(await readFile(join(layout, "blobs", ...child.digest.split(":")), "utf8")) as { annotations?: Record<string, string>; mediaType: string };
      assert.equal(manifest.mediaType, "application/vnd.oci.image.manifest.v1+json");
      assert.equal(manifest.annotations?.[description], "Notes service", child.platform.architecture);
      assert.equal(manifest.annotations?.["org.opencontainers.image.source"], "https://example.com/notes", "the user's source replaces the one from git");
      assert.ok(manifest.annotations?.["org.opencontainers.image.created"], "slimgo's own annotations stay");
    }
    const inspected = await runSlimgo(["inspect", "--json", ref]);
    assert.equal(inspected.code, 0, inspected.stderr);
    const reports = (JSON.parse(inspected.stdout) as { images: { platform: string; annotations: Record<string, string> }[] }).images;
    assert.deepEqual(reports.map((r) => [r.platform, r.annotations[description], r.annotations.team]), [["linux/amd64", "Notes service", "payments"], ["linux/arm64", "Notes service", "payments"]], "inspect shows them");
    assert.match((await runSlimgo(["inspect", ref])).stdout, /^  annotation  org\.opencontainers\.image\.description=Notes service$/m);

    const notes = await fixture("notes", "examples");
    const docker = await runSlimgo(["build", notes, "--oci-layout", join(await temp("annotations-docker"), "layout"), "--annotation", `${description}=x`], { env: FIXED_TIME });
    assert.equal(docker.code, 0, docker.stderr);
    assert.match(docker.stderr, /annotations org\.opencontainers\.image\.description are not in the image: Docker-format manifests have none \(the image has a health check, so --format auto/);
  });

  test("--verbose prints each go build as a shell line that, run from the module root, gives the image's binary byte for byte", { skip: skipUnless("umoci") }, async () => {
    const dir = await fixture("notes", "examples");
    const layout = join(await temp("verbose"), "layout");
    const r = await runSlimgo(["build", dir, "--verbose", "--version", "1.2.3", "--oci-layout", layout], { env: { ...FIXED_TIME, SLIMGO_NO_SPECULATION: "1" } });
    assert.equal(r.code, 0, r.stderr);
    const line = /^ {2}notes linux\/\w+: (.*\bgo build .*)$/m.exec(r.stderr)?.[1];
    assert.ok(line, r.stderr);
    assert.match(line, /CGO_ENABLED=0 .*-trimpath '-ldflags=-s -w -X=main\.version=1\.2\.3/);
    const quiet = await runSlimgo(["build", dir, "--oci-layout", join(await temp("not-verbose"), "layout")], { env: FIXED_TIME });
    assert.doesNotMatch(quiet.stderr, /go build -trimpath/, "only with --verbose");

    await runTool("sh", ["-c", line], { cwd: dir });
    const bundle = join(await temp("verbose-unpack"), "bundle");
    await runTool("umoci", ["unpack", "--image", `${layout}:localhost/notes:latest`, bundle]);
    assert.ok((await readFile(join(dir, "notes"))).equals(await readFile(join(bundle, "rootfs/usr/local/bin/notes"))), "the same binary");
  });

  test("clear errors: a Go too old for go.mod, cgo, a bad platform, a reference given as -t or --name — exit 2 and nothing written", async () => {
    const out = await temp("errors");
    const tooNew = await runSlimgo(["build", await fixture("toolchain-line"), "--oci-layout", join(out, "a")]);
    assert.equal(tooNew.code, 2);
    assert.match(tooNew.stderr, /go\.mod:4: the module needs Go 1\.21 \(go line\) but go is Go 1\.\d+/);
    const cgo = await runSlimgo(["build", await fixture("cgo"), "--oci-layout", join(out, "b")]);
    assert.equal(cgo.code, 2);
    assert.match(cgo.stderr, /needs cgo.*slimgo init/);
    const platform = await runSlimgo(["build", await fixture("root-main"), "--platform", "windows/amd64", "--oci-layout", join(out, "c")]);
    assert.equal(platform.code, 2);
    assert.match(platform.stderr, /--platform windows\/amd64: expected linux\/ARCH/);
    const unpublished = await runSlimgo(["build", await fixture("root-main"), "--platform", "linux/sparc"]);
    assert.equal(unpublished.code, 2);
    assert.doesNotMatch(unpublished.stderr, /no destination given/, "a usage error comes alone, before any warning about the build");
    const dockerHabit = await runSlimgo(["build", await fixture("root-main"), "-t", "rootmain:1", "--tarball", join(out, "e.tar")]);
    assert.equal(dockerHabit.code, 2);
    assert.match(dockerHabit.stderr, /"rootmain:1" is not a tag: -t takes a tag only .*--name rootmain/);
    assert.doesNotMatch(dockerHabit.stderr, /compiling/, "refused before the compile");
    const taggedName = await runSlimgo(["build", await fixture("root-main"), "--name", "localhost:5000/rootmain:1", "--tarball", join(out, "f.tar")]);
    assert.equal(taggedName.code, 2);
    assert.match(taggedName.stderr, /--name takes the name only, tags go in -t/);
    const tlsProbe = await runSlimgo(["build", await fixture("root-main"), "--healthcheck", "https://127.0.0.1:8080/healthz", "--tarball", join(out, "g.tar")]);
    assert.equal(tlsProbe.code, 2);
    assert.match(tlsProbe.stderr, /--healthcheck https:\/\/127\.0\.0\.1:8080\/healthz: the health probe GETs plain http:\/\/ on localhost or an IPv4 address/);
    const broken = await fixture("root-main");
    await writeFile(join(broken, "main.go"), "package main\n\nfunc main() { undefined() }\n");
    const compile = await runSlimgo(["build", broken, "--oci-layout", join(out, "d")]);
    assert.equal(compile.code, 2);
    assert.match(compile.stderr, /go build of \. for linux\/\w+ failed:\n[\s\S]*main\.go:3:\d+: undefined/);
    const { readdir } = await import("node:fs/promises");
    assert.deepEqual(await readdir(out), [], "no layout was started");
  });
});
