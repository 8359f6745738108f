/**
 * A blob is downloaded once per run: kept aside once read to its end, not when read in part or
 * when the download fails.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { BlobMemo } from "../../src/sources/blob-memo.js";

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** A download of `bytes` in 16 KiB chunks, counted; with `failAt`, it fails after that many bytes. */
function source(bytes: Buffer, failAt?: number): { download: () => Promise<Readable>; count: () => number } {
  let count = 0;
  return {
    count: () => count,
    download: async () => {
      count++;
      return Readable.from(
        (function* () {
          for (let at = 0; at < bytes.length; at += 16 * 1024) {
            if (failAt !== undefined && at >= failAt) throw new Error("connection reset");
            yield bytes.subarray(at, at + 16 * 1024);
          }
        })(),
      );
    },
  };
}

test("a blob read to its end is downloaded once, and read again from its copy", async () => {
  const memo = new BlobMemo();
  const bytes = randomBytes(300 * 1024);
  const blob = source(bytes);
  assert.deepEqual(await readAll(await memo.open("sha256:aa", blob.download)), bytes);
  assert.deepEqual(await readAll(await memo.open("sha256:aa", blob.download)), bytes);
  assert.deepEqual(await readAll(await memo.open("sha256:aa", blob.download)), bytes);
  assert.equal(blob.count(), 1);
});

test("a blob read in part, or whose download failed, is downloaded again", async () => {
  const memo = new BlobMemo();
  const bytes = randomBytes(300 * 1024);
  const blob = source(bytes);
  const first = await memo.open("sha256:bb", blob.download);
  for await (const _ of first) break;
  assert.deepEqual(await readAll(await memo.open("sha256:bb", blob.download)), bytes);
  assert.equal(blob.count(), 2, "the part read first was not kept");

  const failing = source(bytes, 100 * 1024);
  await assert.rejects(readAll(await memo.open("sha256:cc", failing.download)), /connection reset/);
  const whole = source(bytes);
  assert.deepEqual(await readAll(await memo.open("sha256:cc", whole.download)), bytes);
  assert.equal(whole.count(), 1, "the failed download was not kept");
});
