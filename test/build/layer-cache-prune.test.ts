/**
 * The layer cache stays within its budget (src/build/layer-cache.ts pruneBuildCache): least
 * recently used blobs go first, with the index entries that name them, and a pruned layer is
 * simply compressed again.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LayerCache, pruneBuildCache } from "../../src/build/layer-cache.js";
import { layerFromFiles } from "../../src/tar/layer.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();

async function cachedLayer(cache: LayerCache, source: string, key: string) {
  return cache.getOrBuild(key, (blobDir) => layerFromFiles([{ path: "app", type: "file", sourcePath: source, mode: 0o755 }], { mtime: 0, blobDir }));
}

describe("pruning the layer cache", () => {
  test("removes the least recently used blobs beyond the budget; a hit counts as a use", async () => {
    const root = await temp.make("slimgo-prune-");
    const cache = new LayerCache(root);
    const layers: { key: string; source: string; digest: string }[] = [];
    for (const name of ["a", "b", "c", "d"]) {
      const source = join(root, `${name}.bin`);
      await writeFile(source, randomBytes(200_000)); // does not compress: each blob is about 200 KB
      const { layer } = await cachedLayer(cache, source, `key-${name}`);
      layers.push({ key: `key-${name}`, source, digest: layer.digest });
    }
    // Oldest first: a, b, c, d.
    const blobOf = (digest: string) => join(root, "blobs", `sha256-${digest.slice(7)}`);
    for (const [i, l] of layers.entries()) await utimes(blobOf(l.digest), new Date(1_700_000_000_000 + i * 1000), new Date(1_700_000_000_000 + i * 1000));
    // A hit on a makes it the most recently used.
    assert.equal((await cachedLayer(cache, layers[0]!.source, layers[0]!.key)).cached, true);

    const removed = await pruneBuildCache(root, 450_000);
    assert.equal(removed, 2, "two blobs of about 200 KB fit in 450 KB");
    const left = await readdir(join(root, "blobs"));
    assert.deepEqual(left.sort(), [blobOf(layers[0]!.digest), blobOf(layers[3]!.digest)].map((p) => p.split("/").pop()!).sort(), "a (just used) and d (newest) stay");
    assert.equal((await readdir(join(root, "layers"))).length, 2, "the index entries of b and c went with them");

    assert.equal((await cachedLayer(cache, layers[1]!.source, layers[1]!.key)).cached, false, "a pruned layer is compressed again");
    assert.equal((await cachedLayer(cache, layers[3]!.source, layers[3]!.key)).cached, true);
  });

  test("counts the time zone data decoded from a toolchain, least recently used first like the rest", async () => {
    const root = await temp.make("slimgo-prune-");
    const zoneinfo = join(root, "zoneinfo", `${"a".repeat(32)}.zip`);
    await mkdir(join(root, "zoneinfo"), { recursive: true });
    await writeFile(zoneinfo, randomBytes(200_000));
    await utimes(zoneinfo, new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    const source = join(root, "app.bin");
    await writeFile(source, randomBytes(200_000));
    const { layer } = await cachedLayer(new LayerCache(root), source, "k");
    assert.equal(await pruneBuildCache(root, 300_000), 1);
    assert.equal(existsSync(zoneinfo), false, "the older of the two went");
    assert.ok(existsSync(join(root, "blobs", `sha256-${layer.digest.slice(7)}`)));
  });

  test("does nothing when this process wrote no blob, or the cache is within budget", async () => {
    const root = await temp.make("slimgo-prune-");
    assert.equal(await pruneBuildCache(root, 0), 0, "nothing written since the last prune");
    const source = join(root, "x.bin");
    await writeFile(source, randomBytes(10_000));
    await cachedLayer(new LayerCache(root), source, "k");
    assert.equal(await pruneBuildCache(root, 1e9), 0);
    assert.equal((await readdir(join(root, "blobs"))).length, 1);
  });
});

describe("slimgo build with SLIMGO_CACHE_MAX_MB", { skip: skipUnless("go") }, () => {
  test("a budget of 0 empties the cache's layers and binaries after publishing; the next build compresses again and gives the same image", async () => {
    const moduleDir = await moduleCopies()("root-main");
    const cache = await temp.make("slimgo-prune-cache-");
    const build = async () => {
      const out = join(await temp.make("slimgo-prune-out-"), "layout");
      const r = await runSlimgo(["build", ".", "--oci-layout", out, "--json", "--verbose"], { cwd: moduleDir, env: { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_CACHE_DIR: cache, SLIMGO_CACHE_MAX_MB: "0" } });
      assert.equal(r.code, 0, r.stderr);
      return { digest: (JSON.parse(r.stdout) as { programs: { digest: string }[] }).programs[0]!.digest, stderr: r.stderr };
    };
    const first = await build();
    assert.match(first.stderr, /removed \d+ least recently used files? \(layers, binaries, time zone data\) from the cache/);
    assert.deepEqual(await readdir(join(cache, "blobs")), []);
    assert.deepEqual(await readdir(join(cache, "go-binaries")), [], "the kept binary counts against the budget too");
    const second = await build();
    assert.match(second.stderr, /binary layer [\d.]+ MB compressed/, "not served from the emptied cache");
    assert.equal(second.digest, first.digest);
  });

  test("a budget that is not a number is a usage error before anything is built", async () => {
    const moduleDir = await moduleCopies()("root-main");
    const out = join(await temp.make("slimgo-prune-out-"), "layout");
    const r = await runSlimgo(["build", ".", "--oci-layout", out], { cwd: moduleDir, env: { SLIMGO_CACHE_DIR: await temp.make("slimgo-prune-cache-"), SLIMGO_CACHE_MAX_MB: "lots" } });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /SLIMGO_CACHE_MAX_MB=lots is not a number of megabytes/);
    assert.equal(existsSync(out), false, "nothing written");
  });
});
