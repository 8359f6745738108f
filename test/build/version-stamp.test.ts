/**
 * slimgo build stamps the version variables a project's own build script names (`-X
 * example.com/x/internal/version.Version=$(VERSION)` in its Makefile), as `slimgo init` wires them,
 * not only those of the main package.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runSlimgo } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();

test("the Makefile's -X symbols of a version package are stamped into the binary", { skip: skipUnless("go", "umoci") }, async () => {
  const dir = await temp.make("slimgo-stamp-");
  await mkdir(join(dir, "internal/version"), { recursive: true });
  await writeFile(join(dir, "go.mod"), "module example.com/stamp\n\ngo 1.19\n");
  await writeFile(join(dir, "internal/version/version.go"), 'package version\n\nvar (\n\tVersion = "dev"\n\tCommit  = "none"\n)\n');
  await writeFile(join(dir, "main.go"), 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/stamp/internal/version"\n)\n\nfunc main() { fmt.Println(version.Version, version.Commit) }\n');
  await writeFile(
    join(dir, "Makefile"),
    "VERSION ?= dev\nbuild:\n\tgo build -ldflags \"-X example.com/stamp/internal/version.Version=$(VERSION) -X example.com/stamp/internal/version.Commit=$(COMMIT) -X $(PKG).Date=now\" -o bin/stamp .\n",
  );
  const layout = join(await temp.make("slimgo-stamp-out-"), "layout");
  const built = await runSlimgo(["build", dir, "--version", "1.2.3", "--oci-layout", layout, "-q"], { env: { SLIMGO_CACHE_DIR: await temp.make("slimgo-stamp-cache-") } });
  assert.equal(built.code, 0, built.stderr);
  const bundle = join(await temp.make("slimgo-stamp-bundle-"), "bundle");
  await runTool("umoci", ["unpack", "--image", `${layout}:localhost/stamp:latest`, bundle]);
  const printed = execFileSync(join(bundle, "rootfs/usr/local/bin/stamp"), { encoding: "utf8" }).trim();
  assert.match(printed, /^1\.2\.3 \S+$/, "the version package's Version is the build's version");
  assert.notEqual(printed.split(" ")[1], "none", "and its Commit is stamped too");
});

test("a --version with spaces and quotes is stamped as written, not split into go's -ldflags", { skip: skipUnless("go", "umoci") }, async () => {
  const dir = await temp.make("slimgo-stamp-spaces-");
  await writeFile(join(dir, "go.mod"), "module example.com/spaced\n\ngo 1.19\n");
  await writeFile(join(dir, "main.go"), 'package main\n\nimport "fmt"\n\nvar version = "dev"\n\nfunc main() { fmt.Println(version) }\n');
  const layout = join(await temp.make("slimgo-stamp-spaces-out-"), "layout");
  const version = `1.0 beta "rc" $HOME`;
  const built = await runSlimgo(["build", dir, "--version", version, "--oci-layout", layout, "-q"], { env: { SLIMGO_CACHE_DIR: await temp.make("slimgo-stamp-spaces-cache-") } });
  assert.equal(built.code, 0, built.stderr);
  const bundle = join(await temp.make("slimgo-stamp-spaces-bundle-"), "bundle");
  await runTool("umoci", ["unpack", "--image", `${layout}:localhost/spaced:latest`, bundle]);
  assert.equal(execFileSync(join(bundle, "rootfs/usr/local/bin/spaced"), { encoding: "utf8" }).trim(), version);
});

test("a --version with spaces and both kinds of quote, which go's -ldflags cannot hold, is a usage error before compiling", async () => {
  const built = await runSlimgo(["build", "--version", `it's "1.0" beta`, "--tarball", "x.tar"], { cwd: await temp.make("slimgo-stamp-quotes-") });
  assert.equal(built.code, 2);
  assert.match(built.stderr, /--version.*both ' and "/);
  assert.doesNotMatch(built.stderr, /compiling/);
});
