/**
 * Reusing the compressed blocks of the last layer (src/tar/parallel-gzip.ts with
 * src/build/gzip-block-cache.ts): the output must be the bytes a fresh compression gives, and only
 * blocks whose bytes and dictionary did not change may be taken.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { GzipBlockCache } from "../../src/build/gzip-block-cache.js";
import { parallelGzip, type BlockStore } from "../../src/tar/parallel-gzip.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const BLOCK = 64 * 1024;
const temp = tempDirs();
const tempDir = temp.make;

async function gzip(data: Buffer, blocks?: BlockStore): Promise<Buffer> {
  async function* source() {
    for (let o = 0; o < data.length; o += 10_000) yield data.subarray(o, o + 10_000);
  }
  const out: Buffer[] = [];
  await parallelGzip(source(), (c) => void out.push(c), { level: 5, blockSize: BLOCK, concurrency: 4, blocks });
  return Buffer.concat(out);
}

/** Half text, half noise, like a binary: blocks compress to different sizes. */
function binaryLike(size: number): Buffer {
  const out = randomBytes(size);
  const text = Buffer.alloc(size, "runtime.gopanic net/http.(*conn).serve ");
  for (let o = 0; o < size; o += 8192) text.copy(out, o, o, Math.min(size, o + 4096));
  return out;
}

/** A store that remembers every block it is given and counts what it hands back. */
function memoryStore(earlier = new Map<string, Buffer>()) {
  const added = new Map<string, Buffer>();
  let hits = 0;
  const store: BlockStore = {
    get: (key) => {
      const b = earlier.get(key);
      if (b) hits++;
      return b;
    },
    add: (key, output) => void added.set(key, output),
  };
  return { store, added, hits: () => hits };
}

describe("parallel gzip with reused blocks", () => {
  test("takes the unchanged blocks and gives exactly the bytes of a fresh compression", async () => {
    const before = binaryLike(8 * BLOCK + 100);
    const after = Buffer.from(before);
    after.fill(0x41, 3 * BLOCK + 10, 3 * BLOCK + 20); // block 3 changes; block 4's dictionary with it
    const first = memoryStore();
    await gzip(before, first.store);
    assert.equal(first.added.size, 9, "one key per block");

    const second = memoryStore(first.added);
    const reused = await gzip(after, second.store);
    assert.deepEqual(reused, await gzip(after), "same bytes as without the store");
    assert.deepEqual(gunzipSync(reused), after);
    assert.equal(second.hits(), 7, "blocks 0-2 and 5-8 reused; 3 changed, 4 has a changed dictionary");
  });

  test("a block that was last before and is not now (or the reverse) is compressed again", async () => {
    const short = binaryLike(2 * BLOCK);
    const longer = Buffer.concat([short, Buffer.from("more")]);
    const first = memoryStore();
    await gzip(short, first.store);
    const second = memoryStore(first.added);
    const out = await gzip(longer, second.store);
    assert.deepEqual(gunzipSync(out), longer);
    assert.deepEqual(out, await gzip(longer));
  });
});

describe("the on-disk block cache", () => {
  test("reuses blocks from the slot's last blob, and none from a blob whose bytes changed", async () => {
    const root = await tempDir("slimgo-blocks-");
    const dirs = { blobs: join(root, "blobs"), index: join(root, "gzip-blocks") };
    await mkdir(dirs.blobs, { recursive: true });
    const data = binaryLike(6 * BLOCK + 5);

    const first = await GzipBlockCache.open(dirs, "slot", "c1");
    const blob = join(dirs.blobs, "sha256-first");
    await writeFile(blob, await gzip(data, first));
    await first.save(blob);

    const again = await GzipBlockCache.open(dirs, "slot", "c1");
    assert.deepEqual(await gzip(data, again), await readFile(blob));
    assert.equal(again.reused, 7, "every block, the last one too");

    const otherCompression = await GzipBlockCache.open(dirs, "slot", "c2");
    await gzip(data, otherCompression);
    assert.equal(otherCompression.reused, 0, "blocks of another compression id are not used");

    const bytes = await readFile(blob);
    bytes[40] = bytes[40]! ^ 0xff; // inside the first block
    await writeFile(blob, bytes);
    const damaged = await GzipBlockCache.open(dirs, "slot", "c1");
    const out = await gzip(data, damaged);
    assert.deepEqual(gunzipSync(out), data, "the damaged block was compressed again");
    assert.equal(damaged.reused, 6);
  });
});

describe("slimgo build reusing the last binary layer's blocks", { skip: skipUnless("go") }, () => {
  test("a rebuild reuses blocks and gives the image a build with an empty cache gives", async () => {
    const copy = moduleCopies();
    const moduleDir = await copy("root-main");
    const env = { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_NO_SPECULATION: "1" };
    const warmCache = await tempDir("slimgo-blocks-cache-");
    const build = async (cache: string) => {
      const out = await tempDir("slimgo-blocks-out-");
      const r = await runSlimgo(["build", ".", "--oci-layout", join(out, "layout"), "--json", "--verbose"], { cwd: moduleDir, env: { ...env, SLIMGO_CACHE_DIR: cache } });
      assert.equal(r.code, 0, r.stderr);
      return { digest: (JSON.parse(r.stdout) as { programs: { digest: string }[] }).programs[0]!.digest, stderr: r.stderr };
    };
    const first = await build(warmCache);
    assert.doesNotMatch(first.stderr, /blocks reused/);

    const main = join(moduleDir, "main.go");
    // A string of the same length: the linker keeps every offset, so most blocks stay as they were.
    await writeFile(main, (await readFile(main, "utf8")).replace('"rootmain %s (%s)\\n"', '"ROOTMAIN %s (%s)\\n"'));
    const rebuilt = await build(warmCache);
    const reused = /binary layer .* \((\d+) of (\d+) blocks unchanged, reused\)/.exec(rebuilt.stderr);
    assert.ok(reused, rebuilt.stderr);
    assert.ok(Number(reused[1]) > 0 && Number(reused[1]) < Number(reused[2]), `some blocks reused, not all: ${reused[0]}`);
    assert.notEqual(rebuilt.digest, first.digest);

    const fresh = await build(await tempDir("slimgo-blocks-empty-"));
    assert.equal(fresh.digest, rebuilt.digest, "reused blocks give the same image as compressing everything");
    assert.equal((await readdir(join(warmCache, "gzip-blocks"))).filter((f) => f.endsWith(".json")).length, 1, "one slot for the one binary");
  });

  test("after a revert served from the layer cache, the next edit reuses the reverted layer's blocks", async () => {
    const copy = moduleCopies();
    const moduleDir = await copy("root-main");
    const main = join(moduleDir, "main.go");
    const original = await readFile(main, "utf8");
    const cache = await tempDir("slimgo-blocks-revert-");
    const build = async () => {
      const r = await runSlimgo(["build", ".", "--oci-layout", join(await tempDir("slimgo-blocks-out-"), "layout"), "--verbose"], { cwd: moduleDir, env: { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_NO_SPECULATION: "1", SLIMGO_CACHE_DIR: cache } });
      assert.equal(r.code, 0, r.stderr);
      return /binary layer [^\n]*/.exec(r.stderr)![0];
    };
    await build();
    // A longer string moves everything after it: this layer shares no blocks with the first.
    await writeFile(main, original.replace('"rootmain %s (%s)\\n"', '"rootmain, now a good deal longer %s (%s)\\n"'));
    await build();
    await writeFile(main, original);
    assert.match(await build(), /\(cached\)/, "the revert is the first layer again");
    // The same length as the original: most blocks are the reverted layer's, none the longer one's.
    await writeFile(main, original.replace('"rootmain %s (%s)\\n"', '"ROOTMAIN %s (%s)\\n"'));
    assert.match(await build(), /\(\d+ of \d+ blocks unchanged, reused\)/);
  });
});
