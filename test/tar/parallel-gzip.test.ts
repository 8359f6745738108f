import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import * as zlib from "node:zlib";
import { crc32, parallelGzip, tableCrc32 } from "../../src/tar/parallel-gzip.js";

const BLOCK = 64 * 1024;

async function gzip(data: Buffer, options: { level?: number; concurrency?: number; piece?: number } = {}): Promise<Buffer> {
  const piece = options.piece ?? 10_000;
  async function* source() {
    for (let o = 0; o < data.length; o += piece) yield data.subarray(o, o + piece);
  }
  const out: Buffer[] = [];
  await parallelGzip(source(), (c) => void out.push(c), { level: options.level ?? 6, blockSize: BLOCK, concurrency: options.concurrency ?? 4 });
  return Buffer.concat(out);
}

/** Compressible but not trivial: text-like runs mixed with random bytes, as a binary has. */
function mixed(size: number): Buffer {
  const text = Buffer.from("func main() { http.ListenAndServe(\":8080\", nil) } // ".repeat(Math.ceil(size / 50)));
  const noise = randomBytes(size);
  const out = Buffer.alloc(size);
  for (let o = 0; o < size; o += 4096) (o / 4096) % 3 === 0 ? noise.copy(out, o, o, o + 4096) : text.copy(out, o, o, o + 4096);
  return out;
}

const sizes: [string, number][] = [
  ["empty", 0],
  ["one byte", 1],
  ["one byte short of a block", BLOCK - 1],
  ["exactly one block", BLOCK],
  ["one byte over a block", BLOCK + 1],
  ["several blocks and a bit", 5 * BLOCK + 777],
];

for (const [name, size] of sizes) {
  test(`parallel gzip round-trips: ${name} (${size} bytes)`, async () => {
    const data = mixed(size);
    const gz = await gzip(data);
    assert.deepEqual(gunzipSync(gz), data, "Node's gunzip reads it");
    assert.deepEqual(execFileSync("gzip", ["-dc"], { input: gz, maxBuffer: 64 * 1024 * 1024 }), data, "GNU gzip reads it, CRC and length checked");
  });
}

test("the bytes do not depend on how many blocks compress at once or how the input arrives", async () => {
  const data = mixed(7 * BLOCK + 123);
  const one = await gzip(data, { concurrency: 1, piece: BLOCK });
  const many = await gzip(data, { concurrency: 8, piece: 999 });
  assert.deepEqual(one, many);
});

test("blocks use the previous block as dictionary, so splitting costs almost nothing", async () => {
  // 8 KB of noise repeated: only back-references across block boundaries make it small.
  const pattern = randomBytes(8192);
  const data = Buffer.concat(Array.from({ length: 16 * BLOCK / 8192 }, () => pattern));
  const parallel = await gzip(data);
  const whole = zlib.gzipSync(data, { level: 6 });
  assert.ok(parallel.length < whole.length * 1.1, `parallel ${parallel.length} B vs one stream ${whole.length} B`);
});

test("the header carries no file name, time or host OS", async () => {
  const gz = await gzip(Buffer.from("x"));
  assert.deepEqual([...gz.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
});

test("the table CRC-32 (for Node before 20.15) agrees with zlib's, also when continued", () => {
  const data = randomBytes(100_000);
  assert.equal(tableCrc32(data), crc32(data));
  assert.equal(tableCrc32(data.subarray(50_000), tableCrc32(data.subarray(0, 50_000))), crc32(data));
  assert.equal(tableCrc32(Buffer.from("123456789")), 0xcbf43926, "the standard check value");
});
