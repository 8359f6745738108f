/**
 * Run from outside the module (`slimgo build sub/mod`), the files build and init name in their errors,
 * go's compile errors among them, are paths from the working directory, as the module's directory was given.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { goOutputFromCwd } from "../../src/fsutil/display-path.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();
const env = { SLIMGO_NO_SPECULATION: "1" };

test("go's paths are made relative to slimgo's working directory when go ran elsewhere", () => {
  const text = "# example.com/m/internal/x\n./main.go:26:40: undefined: x\ninternal/x/x.go:3:9: undefined: y\nnote: module requires Go 1.21\n";
  const cwd = process.cwd();
  assert.equal(goOutputFromCwd(text, cwd), text, "unchanged when go ran here");
  assert.equal(goOutputFromCwd(text, join(cwd, "sub", "mod")), "# example.com/m/internal/x\nsub/mod/main.go:26:40: undefined: x\nsub/mod/internal/x/x.go:3:9: undefined: y\nnote: module requires Go 1.21\n");
  assert.equal(goOutputFromCwd("./main.go:1:2: bad\n", "/elsewhere/mod"), "/elsewhere/mod/main.go:1:2: bad\n", "absolute outside the working directory");
});

test("slimgo build sub/mod names a compile error's files from here, in the package and below it", async () => {
  const dir = await fixture("root-main");
  await mkdir(join(dir, "internal", "x"), { recursive: true });
  await writeFile(join(dir, "internal", "x", "x.go"), "package x\n\nvar Y = undefinedZ\n");
  await writeFile(join(dir, "main.go"), 'package main\n\nimport _ "example.com/rootmain/internal/x"\n\nfunc main() { undefinedW() }\n');
  const r = await runSlimgo(["build", basename(dir), "--oci-layout", join(await temp.make("slimgo-paths-"), "layout")], { cwd: dirname(dir), env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^${basename(dir)}/internal/x/x\\.go:3:9: undefined: undefinedZ$`, "m"));
  await writeFile(join(dir, "internal", "x", "x.go"), "package x\n");
  const inMain = await runSlimgo(["build", basename(dir), "--oci-layout", join(await temp.make("slimgo-paths-"), "layout")], { cwd: dirname(dir), env });
  assert.match(inMain.stderr, new RegExp(`^${basename(dir)}/main\\.go:5:15: undefined: undefinedW$`, "m"), inMain.stderr);
  assert.doesNotMatch(inMain.stderr, /^\.\/main\.go/m);
});

test("build's go.mod toolchain refusal names go.mod from here", async () => {
  const dir = await fixture("toolchain-line");
  const r = await runSlimgo(["build", basename(dir), "--oci-layout", join(await temp.make("slimgo-paths-"), "layout")], { cwd: dirname(dir), env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^slimgo: ${basename(dir)}/go\\.mod:4: the module needs Go 1\\.21 \\(go line\\)`, "m"));
});

test("build's and init's cgo refusals name the file from here", async () => {
  const dir = await fixture("cgo");
  const built = await runSlimgo(["build", basename(dir), "--oci-layout", join(await temp.make("slimgo-paths-"), "layout")], { cwd: dirname(dir), env });
  assert.equal(built.code, 2, built.stderr);
  assert.match(built.stderr, new RegExp(`^slimgo: ${basename(dir)}/main\\.go:9: cgosum needs cgo`, "m"));
  const init = await runSlimgo(["init", basename(dir), "--runtime", "scratch", "--stdout"], { cwd: dirname(dir) });
  assert.equal(init.code, 2, init.stderr);
  assert.match(init.stderr, new RegExp(`^slimgo: ${basename(dir)}/main\\.go:9: cgosum needs cgo, which links glibc`, "m"));
});

test("build's notes name the Go source from here: a file read at run time, and the serve subcommand it runs", async () => {
  const dir = await fixture("embed");
  const r = await runSlimgo(["build", basename(dir), "--oci-layout", join(await temp.make("slimgo-paths-"), "layout"), "--json"], { cwd: dirname(dir), env });
  assert.equal(r.code, 0, r.stderr);
  const note = `${basename(dir)}/main.go:41: templates is read at run time but is not in the image: embed it with //go:embed, or add it with --assets`;
  assert.ok((JSON.parse(r.stdout) as { programs: { notes: string[] }[] }).programs[0]!.notes.includes(note), r.stdout);
  assert.match(r.stderr, new RegExp(`^warning: embedded: ${basename(dir)}/main\\.go:41: templates is read at run time`, "m"));

  const sub = await fixture("subcommand");
  const served = await runSlimgo(["build", basename(sub), "--oci-layout", join(await temp.make("slimgo-paths-"), "layout")], { cwd: dirname(sub), env });
  assert.equal(served.code, 0, served.stderr);
  assert.match(served.stderr, new RegExp(`the server runs under that subcommand \\(${basename(sub)}/main\\.go:23\\)`));
});

test("init's reasons name their evidence from here, absolute outside the working directory; --json keeps them relative to the root it gives", async () => {
  const dir = await fixture("zoneinfo");
  const zoneinfo = (name: string) => new RegExp(`^\\s+zoneinfo\\s+Go's zoneinfo\\.zip copied, ZONEINFO set: the program loads time zones \\(${name.replaceAll(".", "\\.")}:27\\)$`, "m");
  const below = await runSlimgo(["init", "--dry-run", basename(dir)], { cwd: dirname(dir) });
  assert.equal(below.code, 0, below.stderr);
  assert.match(below.stdout, zoneinfo(`${basename(dir)}/main.go`));
  const outside = await runSlimgo(["init", "--dry-run", dir], { cwd: await temp.make("slimgo-paths-") });
  assert.match(outside.stdout, zoneinfo(join(dir, "main.go")));
  const json = JSON.parse((await runSlimgo(["init", "--dry-run", "--json", basename(dir)], { cwd: dirname(dir) })).stdout) as { root: string; decisions: { topic: string; evidence: { file: string; line: number }[] }[] };
  assert.equal(json.root, dir);
  assert.deepEqual(json.decisions.find((d) => d.topic === "zoneinfo")?.evidence.map((e) => `${e.file}:${e.line}`), ["main.go:27"]);
});
