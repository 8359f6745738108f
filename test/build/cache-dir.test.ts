/**
 * A cache directory that cannot be written (a file in its place, no permission) costs the cache,
 * not the build: a warning names the variable and path, and the image is built all the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CACHE_SUBDIRECTORIES, useWritableCacheDir } from "../../src/build/cache-dir.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();

async function builtWithWarning(dir: string, out: string, cache: string, why: string, options: { env?: Record<string, string>; user?: { uid: number; gid: number } } = {}): Promise<void> {
  const layout = join(out, "layout");
  const r = await runSlimgo(["build", dir, "--oci-layout", layout, "--name", "cachetest", "-t", "1"], { env: { SLIMGO_CACHE_DIR: cache, SLIMGO_NO_SPECULATION: "1", ...options.env }, ...(options.user ? { user: options.user } : {}) });
  assert.equal(r.code, 0, r.stderr);
  const warning = `warning: SLIMGO_CACHE_DIR=${cache} cannot be used: ${why}; building without the cache (nothing is reused from it or kept for the next build): set SLIMGO_CACHE_DIR to a directory you can write`;
  assert.ok(r.stderr.split("\n").includes(warning), `${warning}\nnot in:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("warning:")).length, 1, "one warning");
  const inspected = JSON.parse((await runTool("skopeo", ["inspect", `oci:${layout}:localhost/cachetest:1`])).stdout) as { Layers: string[] };
  assert.ok(inspected.Layers.length >= 2, "the image was built");
}

test("SLIMGO_CACHE_DIR naming a file, or a path under one: a warning, and the image is built without the cache", { skip: skipUnless("go", "skopeo") }, async () => {
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-cache-file-");
  const file = join(out, "not-a-dir");
  await writeFile(file, "in the way\n");
  await builtWithWarning(dir, join(out, "a"), file, "it is a file, not a directory");
  await builtWithWarning(dir, join(out, "b"), join(file, "slimgo"), "a part of the path is a file, not a directory (ENOTDIR)");
  assert.equal((await readdir(out)).sort().join(" "), "a b not-a-dir", "nothing else was written beside it");
});

test("SLIMGO_CACHE_DIR in a directory the user cannot write: a warning, and the image is built", { skip: skipUnless("go", "skopeo") }, async () => {
  // Root writes through permission bits: the CLI runs as nobody there, with a go build cache and HOME of its own.
  const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-cache-ro-");
  const [readonly, home, result] = [join(out, "readonly"), join(out, "home"), join(out, "out")];
  await Promise.all([readonly, home, result].map((d) => mkdir(d)));
  if (user) await Promise.all([home, result].map((d) => chown(d, user.uid, user.gid)));
  await Promise.all([chmod(dir, 0o755), chmod(out, 0o755), chmod(readonly, 0o555)]);
  const cache = join(readonly, "cache");
  await builtWithWarning(dir, result, cache, "permission denied (EACCES)", { env: { HOME: home, GOCACHE: join(home, "go-build"), GOPATH: join(home, "go") }, ...(user ? { user } : {}) });
  assert.equal(existsSync(cache), false);
});

test("a file in place of any directory slimgo keeps in its cache is named in the warning, and the cache is set aside", async () => {
  const out = await temp.make("slimgo-cache-sub-");
  for (const name of CACHE_SUBDIRECTORIES) {
    const cache = join(out, name.replace(/\//g, "-"));
    await mkdir(dirname(join(cache, name)), { recursive: true });
    await writeFile(join(cache, name), "in the way\n");
    const warning = useWritableCacheDir({ SLIMGO_CACHE_DIR: cache });
    assert.equal(warning?.split(";")[0], `SLIMGO_CACHE_DIR=${cache} cannot be used: ${join(cache, name)} is a file, not a directory`, name);
  }
});

test("a file in place of the cache's blobs or zoneinfo directory: a warning naming it, and the image is built without the cache", { skip: skipUnless("go", "skopeo") }, async () => {
  // zoneinfo: a server with a health endpoint that loads time zones, so the build fills every directory of the cache.
  const dir = await fixture("zoneinfo");
  const out = await temp.make("slimgo-cache-sub-");
  for (const name of ["blobs", "zoneinfo"]) {
    const cache = join(out, `cache-${name}`);
    await mkdir(cache);
    await writeFile(join(cache, name), "in the way\n");
    await builtWithWarning(dir, join(out, name), cache, `${join(cache, name)} is a file, not a directory`);
  }
  // Every directory a build makes in its cache is one the check knows.
  const fresh = join(out, "fresh");
  const r = await runSlimgo(["build", dir, "--oci-layout", join(out, "fresh-layout")], { env: { SLIMGO_CACHE_DIR: fresh, SLIMGO_NO_SPECULATION: "1" } });
  assert.equal(r.code, 0, r.stderr);
  const made = (await readdir(fresh, { recursive: true, withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(e.parentPath ?? e.path, e.name).slice(fresh.length + 1));
  const known = new Set<string>(CACHE_SUBDIRECTORIES);
  // Below go-build-plans and dependency-scans: directories named after paths and scanner versions.
  assert.deepEqual(made.filter((d) => !known.has(d) && !/^(go-build-plans|dependency-scans)\//.test(d)), [], "directories the check does not know");
  assert.ok(["blobs", "zoneinfo", "health-probes", "gzip-blocks/blobs"].every((d) => made.includes(d)), made.join(" "));
});
