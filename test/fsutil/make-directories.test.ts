import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeDirectories } from "../../src/fsutil/make-directories.js";
import { FIXTURES, runSlimgo } from "../support/cli.js";

/** A read-only bind mount of a copy of root-main (root only); undefined where mounting is not allowed. */
function readOnlyModule(): { dir: string; done: () => void } | undefined {
  const base = mkdtempSync(join(tmpdir(), "slimgo-rofs-"));
  const source = join(base, "source");
  const dir = join(base, "ro");
  cpSync(join(FIXTURES, "root-main"), source, { recursive: true });
  mkdirSync(dir);
  const done = () => {
    try {
      execFileSync("umount", [dir], { stdio: "ignore" });
    } catch {
      // Not mounted.
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    execFileSync("mount", ["--bind", source, dir], { stdio: "ignore" });
    execFileSync("mount", ["-o", "remount,bind,ro", dir], { stdio: "ignore" });
    return { dir, done };
  } catch {
    done();
    return undefined;
  }
}

test("makeDirectories makes every missing directory and returns the first", async () => {
  const base = mkdtempSync(join(tmpdir(), "slimgo-mkdirs-"));
  try {
    assert.equal(await makeDirectories(join(base, "a/b/c"), 0o700), join(base, "a"));
    assert.ok(statSync(join(base, "a/b/c")).isDirectory());
    assert.equal(await makeDirectories(join(base, "a/b")), undefined, "nothing to make");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("on a read-only file system the error is EROFS (Node's recursive mkdir says ENOENT), and init says so", async (t) => {
  const ro = readOnlyModule();
  if (!ro) return t.skip("cannot bind-mount read-only here (needs root)");
  try {
    await assert.rejects(makeDirectories(join(ro.dir, "secrets/x")), (err: NodeJS.ErrnoException) => err.code === "EROFS");
    const r = await runSlimgo(["init", ro.dir, "--ci", "github"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /read-only file system/);
  } finally {
    ro.done();
  }
});
