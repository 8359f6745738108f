/**
 * Values `slimgo build` cannot use are usage errors (exit 2) that say what to give instead, before
 * anything is compiled.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();

/** Runs the build, expects exit 2 with `message`, before any compile; gives stderr. */
async function refused(args: string[], message: RegExp, env: Record<string, string> = {}): Promise<string> {
  const r = await runSlimgo(["build", ...args], { env });
  assert.equal(r.code, 2, `${args.join(" ")}:\n${r.stderr}`);
  assert.match(r.stderr, message, args.join(" "));
  assert.doesNotMatch(r.stderr, /internal error|compiling|warning/, `${args.join(" ")}: refused alone, before the compile`);
  return r.stderr;
}

test("--healthcheck takes a path with its leading slash: the probe would send GET healthz and never be healthy", async () => {
  const dir = await fixture("root-main");
  const layout = join(await temp.make("slimgo-health-"), "layout");
  await refused([dir, "--healthcheck", "healthz", "--oci-layout", layout], /^slimgo: --healthcheck healthz: expected a path starting with "\/" and without spaces \(e\.g\. \/healthz\), an http:\/\/ URL, or none$/m);
  await refused([dir, "--healthcheck", "./ready", "--oci-layout", layout], /^slimgo: --healthcheck \.\/ready: expected a path .*\(e\.g\. \/ready\)/m);
  await refused([dir, "--healthcheck", "/health z", "--oci-layout", layout], /^slimgo: --healthcheck \/health z: expected a path starting with "\/" and without spaces/m);
});

test("a value from slimgo.yaml that build cannot use is named by its file, line and key, not by a flag", async () => {
  const layout = join(await temp.make("slimgo-config-values-"), "layout");
  const withConfig = async (name: string, yaml: string) => {
    const dir = await fixture(name);
    await writeFile(join(dir, "slimgo.yaml"), yaml);
    return dir;
  };
  await refused([await withConfig("root-main", "build:\n  env: [A=1]\n"), "--oci-layout", layout], /^slimgo: \S+\/slimgo\.yaml:2: build\.env: must be a map of NAME: value, .*not a list: write \{ A: "1" \}$/m);
  await refused(
    [await withConfig("root-main", "# where to build for\nbuild:\n  platforms:\n    - linux/amd64\n    - linux/foo\n"), "--oci-layout", layout],
    /^slimgo: \S+\/slimgo\.yaml:5: build\.platforms\[1\]: linux\/foo: expected linux\/ARCH/m,
  );
  await refused([await withConfig("multi-cmd", "main: ./cmd/nope\n"), "--oci-layout", layout], /^slimgo: \S+\/slimgo\.yaml:1: main: \.\/cmd\/nope: not a main package of example\.com\/multi/m);
  await refused([await withConfig("root-main", "build:\n  base: oci:/nonexistent\n"), "--oci-layout", layout], /^slimgo: \S+\/slimgo\.yaml:2: build\.base: \/nonexistent is not an OCI layout/m);
  // Assets are read while go compiles: the error comes then, named the same way.
  const assets = await runSlimgo(["build", await withConfig("root-main", "build:\n  assets: ../../etc\n"), "--oci-layout", layout]);
  assert.equal(assets.code, 2, assets.stderr);
  assert.match(assets.stderr, /^slimgo: \S+\/slimgo\.yaml:2: build\.assets: \.\.\/\.\.\/etc: must be a file or directory inside the module/m);
});

test("go-env in slimgo.yaml cannot set what --platform and --cgo set: the binary would not be what the image says", async () => {
  const layout = join(await temp.make("slimgo-go-env-"), "layout");
  const withGoEnv = async (goEnv: string) => {
    const dir = await fixture("root-main");
    await writeFile(join(dir, "slimgo.yaml"), `build:\n  go-env:\n    GOFLAGS: -mod=mod\n    ${goEnv}\n`);
    return dir;
  };
  await refused([await withGoEnv('CGO_ENABLED: "1"'), "--oci-layout", layout], /^slimgo: \S+\/slimgo\.yaml:4: build\.go-env\.CGO_ENABLED: slimgo sets CGO_ENABLED itself, .*: use --cgo with a --base that has the C library instead$/m);
  await refused([await withGoEnv("GOARCH: arm64"), "--oci-layout", layout], /^slimgo: \S+\/slimgo\.yaml:4: build\.go-env\.GOARCH: slimgo sets GOARCH itself, .*: use --platform \(or build\.platforms\) instead$/m);
  await refused([await withGoEnv("GOOS: windows"), "--oci-layout", layout], /^slimgo: \S+\/slimgo\.yaml:4: build\.go-env\.GOOS: .*use --platform/m);
  assert.deepEqual(await readdir(join(layout, "..")), [], "nothing written");
});

test("with several main packages, build says to name one as a target: it has no --main", async () => {
  const dir = await fixture("multi-cmd");
  const layout = join(await temp.make("slimgo-mains-"), "layout");
  const several = await runSlimgo(["build", dir, "--oci-layout", layout]);
  assert.equal(several.code, 2, several.stderr);
  assert.match(several.stderr, /several main packages and none is primary \(\.\/cmd\/api, \.\/cmd\/worker\): give one as a target \(slimgo build \S*\/cmd\/api\), or pass --all for an image each$/m);
  const library = await runSlimgo(["build", join(dir, "internal", "upstream"), "--oci-layout", layout]);
  assert.equal(library.code, 2, library.stderr);
  assert.match(library.stderr, /^slimgo: \S*\/internal\/upstream: not a main package of example\.com\/multi; choose one of \.\/cmd\/api, \.\/cmd\/worker$/m);
  for (const r of [several, library]) assert.doesNotMatch(r.stderr, /--main|compiling/);
});

test("one package given twice as a target (./cmd/api and cmd/api/) is built once", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("multi-cmd");
  const out = await temp.make("slimgo-same-target-");
  const r = await runSlimgo(["build", "./cmd/api", "cmd/api/", "--oci-layout", join(out, "layout"), "--json"], { cwd: dir, env: { SLIMGO_CACHE_DIR: join(out, "cache") } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { programs: { binary: string }[] }).programs.map((p) => p.binary), ["api"]);
  assert.match(r.stderr, /^compiling 1 binary /m);
});

test("several programs: --name is not used and says so; --tarball writes one tarball each, named after the binary, as --help says", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("multi-cmd");
  const out = await temp.make("slimgo-several-");
  const r = await runSlimgo(["build", "./cmd/api", "./cmd/worker", "--name", "custom", "--tarball", join(out, "two.tar")], { cwd: dir, env: { SLIMGO_CACHE_DIR: join(out, "cache") } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^warning: --name custom is not used: it names one image, and 2 programs are built, each named localhost\/BINARY \(localhost\/api, localhost\/worker\)/m);
  assert.deepEqual((await readdir(out)).filter((f) => f.endsWith(".tar")).sort(), ["two-api.tar", "two-worker.tar"]);
  const help = await runSlimgo(["build", "--help"]);
  assert.match(help.stdout.replace(/\s+/g, " "), /--tarball <file> write a tarball that docker load and podman load accept \(several programs: one each, FILE-BINARY\.tar, e\.g\. app-api\.tar\)/);
});

test("a SOURCE_DATE_EPOCH that is not a whole number of seconds is an error naming the variable and the accepted form", async () => {
  const dir = await fixture("root-main");
  const layout = join(await temp.make("slimgo-epoch-"), "layout");
  for (const value of ["abc", "99999999999999", "-1", "1.5"]) {
    await refused(
      [dir, "--oci-layout", layout],
      new RegExp(`^slimgo: SOURCE_DATE_EPOCH=${value.replace(".", "\\.")} is not a time slimgo can use: give a whole number of seconds since 1970-01-01 UTC from 0 to 253402300799 \\(the year 9999\\)`, "m"),
      { SOURCE_DATE_EPOCH: value },
    );
  }
});

test("an empty value (an unset shell variable, --push \"$IMAGE\") is a usage error, not the option left out and a build that publishes nothing", async () => {
  const dir = await fixture("root-main");
  const layout = join(await temp.make("slimgo-empty-values-"), "layout");
  for (const option of ["--push", "--oci-layout", "--tarball", "--sbom-dir", "--base", "--platform", "--insecure-registry", "--config", "--version", "--load"]) {
    await refused([dir, option, "", "--oci-layout", layout], new RegExp(`^slimgo: option '${option} [^']*' argument '' is invalid\\. is empty \\(an unset shell variable\\?\\): give a value, or leave the option out$`, "m"));
  }
});

test("a --healthcheck URL the probe cannot dial is a usage error naming it, not an internal error", async () => {
  const dir = await fixture("root-main");
  const layout = join(await temp.make("slimgo-health-url-"), "layout");
  await refused([dir, "--healthcheck", "http://127.0.0.1:99999/healthz", "--oci-layout", layout], /^slimgo: --healthcheck http:\/\/127\.0\.0\.1:99999\/healthz: not a valid URL \(a port is a number from 1 to 65535\)/m);
  await refused([dir, "--healthcheck", "ftp://127.0.0.1/healthz", "--oci-layout", layout], /^slimgo: --healthcheck ftp:\/\/127\.0\.0\.1\/healthz: the health probe GETs plain http:\/\/ on localhost or an IPv4 address/m);
  // A password is neither dropped without a word nor printed.
  const withPassword = await refused([dir, "--healthcheck", "http://probe:s3cr3t-pw@127.0.0.1:8080/healthz", "--oci-layout", layout], /^slimgo: --healthcheck http:\/\/\*\*\*@127\.0\.0\.1:8080\/healthz: the health probe sends no credentials/m);
  assert.doesNotMatch(withPassword, /s3cr3t-pw/);
  const badPort = await refused([dir, "--healthcheck", "http://probe:s3cr3t-pw@127.0.0.1:99999/healthz", "--oci-layout", layout], /not a valid URL/);
  assert.doesNotMatch(badPort, /s3cr3t-pw/);
});

test("a --healthcheck URL on a port the program does not listen on is a warning naming the ports it does", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("root-main");
  const layout = join(await temp.make("slimgo-health-port-"), "layout");
  const r = await runSlimgo(["build", dir, "--healthcheck", "http://127.0.0.1:9999/healthz", "--oci-layout", layout, "-q"], { env: { SLIMGO_CACHE_DIR: await temp.make("slimgo-health-port-cache-") } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^warning: rootmain: --healthcheck http:\/\/127\.0\.0\.1:9999\/healthz probes port 9999, but rootmain listens on 8080 \([^)]*main\.go:\d+\): the container would be reported unhealthy/m);
  const onItsPort = await runSlimgo(["build", dir, "--healthcheck", "http://127.0.0.1:8080/healthz", "--oci-layout", layout, "-q"], { env: { SLIMGO_CACHE_DIR: await temp.make("slimgo-health-port-cache-") } });
  assert.equal(onItsPort.code, 0, onItsPort.stderr);
  assert.doesNotMatch(onItsPort.stderr, /probes port/);
});

test("a target that does not exist says so, and a .go file names its package directory", async () => {
  const dir = await fixture("multi-cmd");
  const missing = await runSlimgo(["build", "./cmd/x", "--oci-layout", join(dir, "layout")], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^slimgo: \.\/cmd\/x: does not exist: give the module directory or main package directories like \.\/cmd\/api$/m);
  const file = await runSlimgo(["build", "cmd/api/main.go", "--oci-layout", join(dir, "layout")], { cwd: dir });
  assert.equal(file.code, 2);
  assert.match(file.stderr, /^slimgo: cmd\/api\/main\.go: is a file, not a directory: give its package directory, \.\/cmd\/api$/m);
});

test("two programs whose binaries share a name (cmd/api, tools/api) are refused: each would overwrite the other's binary and image", async () => {
  const dir = await temp.make("slimgo-same-binary-");
  await writeFile(join(dir, "go.mod"), "module example.com/same\n\ngo 1.19\n");
  for (const pkg of ["cmd/api", "tools/api"]) {
    await mkdir(join(dir, pkg), { recursive: true });
    await writeFile(join(dir, pkg, "main.go"), `package main\n\nfunc main() { println("${pkg}") }\n`);
  }
  const layout = join(await temp.make("slimgo-same-binary-out-"), "layout");
  const both = /^slimgo: \S*\/cmd\/api and \S*\/tools\/api both build a binary named api, .*build them one at a time \(slimgo build \S*\/cmd\/api --name NAME \.\.\.\)/m;
  await refused([dir, "--all", "--oci-layout", layout], both);
  await refused([join(dir, "cmd/api"), join(dir, "tools/api"), "--oci-layout", layout], both);
  assert.deepEqual(await readdir(dirname(layout)), [], "nothing written");
});

test("two programs whose binaries differ only in what an image name cannot hold (cmd/My.Tool, tools/my.tool) are refused: both would be the image my.tool", async () => {
  const dir = await temp.make("slimgo-same-image-name-");
  await writeFile(join(dir, "go.mod"), "module example.com/same\n\ngo 1.19\n");
  for (const pkg of ["cmd/My.Tool", "tools/my.tool"]) {
    await mkdir(join(dir, pkg), { recursive: true });
    await writeFile(join(dir, pkg, "main.go"), `package main\n\nfunc main() { println("${pkg}") }\n`);
  }
  const layout = join(await temp.make("slimgo-same-image-name-out-"), "layout");
  await refused([dir, "--all", "--oci-layout", layout], /^slimgo: \S*\/cmd\/My\.Tool and \S*\/tools\/my\.tool build binaries named My\.Tool and my\.tool, which both give the image name my\.tool, and each image is named after its binary: build them one at a time/m);
  assert.deepEqual(await readdir(dirname(layout)), [], "nothing written");
});

test("a go.work workspace's directory is not a module: the error names the workspace's modules to build from", async () => {
  const ws = await temp.make("slimgo-workspace-");
  await mkdir(join(ws, "app", "cmd", "x"), { recursive: true });
  await writeFile(join(ws, "app", "go.mod"), "module example.com/app\n\ngo 1.19\n");
  await writeFile(join(ws, "app", "cmd", "x", "main.go"), "package main\n\nfunc main() {}\n");
  await writeFile(join(ws, "go.work"), "go 1.19\n\nuse ./app\n");
  const layout = join(await temp.make("slimgo-workspace-out-"), "layout");
  await refused([ws, "--oci-layout", layout], new RegExp(`^slimgo: no go\\.mod in ${ws} or its parents: ${join(ws, "go.work")} is a workspace, not a module: run slimgo in one of its modules \\(\\./app\\)$`, "m"));
  const fromPackage = await runSlimgo(["build", join(ws, "app", "cmd", "x"), "--oci-layout", layout]);
  assert.equal(fromPackage.code, 0, fromPackage.stderr);
});
