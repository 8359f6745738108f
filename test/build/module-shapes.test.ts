/**
 * `slimgo build` on the shapes Go repositories take: a module in a workspace, vendored modules,
 * main packages in directories that are not image names, a Go environment set for other builds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();
const FIXED_TIME = { SOURCE_DATE_EPOCH: "1700000000" };

async function builds(args: string[], env: Record<string, string> = {}) {
  const r = await runSlimgo(["build", "--json", ...args], { env: { ...FIXED_TIME, ...env } });
  assert.equal(r.code, 0, `slimgo build ${args.join(" ")}:\n${r.stderr}`);
  return { ...r, result: JSON.parse(r.stdout) as { programs: { binary: string; digest: string; published: { reference: string }[] }[] } };
}

test("a vendored module builds from vendor/: in a go.work workspace, and with a go line before 1.14 (which does not imply -mod=vendor)", { skip: skipUnless("go") }, async () => {
  // The workspace the vendored module sits in, next to another module; vendor/ holds example.com/greet, which no module cache has.
  const ws = await temp.make("slimgo-vendored-ws-");
  await cp(await fixture("vendored"), join(ws, "app"), { recursive: true });
  await mkdir(join(ws, "other"));
  await writeFile(join(ws, "other", "go.mod"), "module example.com/other\n\ngo 1.19\n");
  await writeFile(join(ws, "go.work"), "go 1.19\n\nuse (\n\t./app\n\t./other\n)\n");
  const out = await temp.make("slimgo-vendored-out-");
  const env = { GOPROXY: "off", GOFLAGS: "-mod=mod" };
  const inWorkspace = await builds([join(ws, "app"), "--oci-layout", join(out, "ws")], env);
  assert.equal(inWorkspace.result.programs[0]!.binary, "vendored");

  const old = await fixture("vendored");
  const goMod = join(old, "go.mod");
  await writeFile(goMod, (await readFile(goMod, "utf8")).replace(/^go 1\.19$/m, "go 1.13"));
  await builds([old, "--oci-layout", join(out, "old")], env);
});

test("a main package in a directory with upper case or other characters a reference cannot hold is published as a valid name", { skip: skipUnless("go") }, async () => {
  const dir = await temp.make("slimgo-names-");
  await writeFile(join(dir, "go.mod"), "module example.com/tools/v2\n\ngo 1.19\n");
  for (const name of ["My.Tool", "api+v2"]) {
    await mkdir(join(dir, "cmd", name), { recursive: true });
    await writeFile(join(dir, "cmd", name, "main.go"), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n');
  }
  const out = await temp.make("slimgo-names-out-");
  const { result } = await builds([join(dir, "cmd", "My.Tool"), join(dir, "cmd", "api+v2"), "--oci-layout", join(out, "layout")]);
  assert.deepEqual(
    result.programs.map((p) => [p.binary, p.published[0]!.reference.replace(/@sha256:.*/, "")]),
    [
      ["My.Tool", `oci:${join(out, "layout")}:localhost/my.tool:latest`],
      ["api+v2", `oci:${join(out, "layout")}:localhost/api-v2:latest`],
    ],
  );
});

test("-buildmode=pie in GOFLAGS (as distributions recommend), set in the environment or with go env -w, still gives static binaries that start in slimgo's base", { skip: skipUnless("go") }, async () => {
  const out = await temp.make("slimgo-pie-");
  const goEnvFile = join(out, "go-env");
  await writeFile(goEnvFile, "GOFLAGS=-buildmode=pie\n");
  // zoneinfo gets slimgo's health probe, which go builds with the env file's GOFLAGS too.
  const cases: [string, Record<string, string>][] = [
    ["root-main", { GOFLAGS: "-trimpath -buildmode=pie -mod=readonly" }],
    ["zoneinfo", { GOENV: goEnvFile }],
  ];
  for (const [name, env] of cases) {
    const layout = join(out, name);
    const { result } = await builds([await fixture(name), "--oci-layout", layout], env);
    const verified = await runSlimgo(["verify", `oci:${layout}:localhost/${result.programs[0]!.binary}:latest`]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /PASS {2}SV003 linking: every Go binary is statically linked/, name);
  }
});

test("with no HOME (env -i, a service manager) go's build cache goes in slimgo's cache, with a warning, and the image is the same", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("root-main");
  const out = await temp.make("slimgo-no-home-");
  const usual = await builds([dir, "--oci-layout", join(out, "usual")]);
  const cache = join(out, "cache");
  // The go cache the usual build used, where the fallback looks: the test does not compile the standard library cold.
  await mkdir(cache);
  await symlink(execFileSync("go", ["env", "GOCACHE"], { encoding: "utf8" }).trim(), join(cache, "go-build"));
  const noHome = await builds([dir, "--oci-layout", join(out, "no-home")], { HOME: "", XDG_CACHE_HOME: "", GOCACHE: "", SLIMGO_CACHE_DIR: cache });
  assert.match(noHome.stderr, new RegExp(`^warning: go's build cache: neither \\$XDG_CACHE_HOME nor \\$HOME is set; go build keeps it in ${join(cache, "go-build")}: set GOCACHE`, "m"));
  assert.equal(noHome.result.programs[0]!.digest, usual.result.programs[0]!.digest);
  // A GOCACHE that go env -w wrote is go's answer: kept, without a warning.
  const goEnvFile = join(out, "go-env");
  await writeFile(goEnvFile, `GOCACHE=${execFileSync("go", ["env", "GOCACHE"], { encoding: "utf8" }).trim()}\n`);
  const configured = await builds([dir, "--oci-layout", join(out, "configured")], { HOME: "", XDG_CACHE_HOME: "", GOCACHE: "", GOENV: goEnvFile, SLIMGO_CACHE_DIR: cache });
  assert.doesNotMatch(configured.stderr, /go's build cache/);
});
