/**
 * Deterministic gzip on several cores. Hand-written because no npm package compresses with
 * Node's own zlib in parallel and promises byte-stable output: the one-stream `createGzip` keeps
 * one core busy for most of a rebuild (about 170 ms for a 5.6 MB Go binary at level 6; this module
 * takes about 100 ms on two cores, and keeps both the reading thread and the pool busy).
 *
 * The input is cut at fixed offsets (multiples of `blockSize` from the start, never depending on
 * the number of cores or the order in which blocks finish), each block is deflated on libuv's
 * thread pool with the previous block's last 32 KiB as its dictionary, and non-final blocks end
 * with a sync flush so the raw outputs concatenate into one valid deflate stream (pigz's scheme).
 * The result is one ordinary gzip member: every gunzip, Go's compress/gzip and container
 * runtimes read it.
 *
 * A block's output depends only on its bytes, the block before it (whose end is the dictionary),
 * the level and whether it is the last. With a `blocks` store, each block gets a key made of those,
 * and a block whose key was compressed before takes the earlier output instead of being deflated
 * again: the bytes are the same ones deflate would give. How many 64 KiB blocks of a rebuilt Go
 * binary stay where they were depends on the change: all but a few when nothing changed length
 * (a constant), about half for a longer string in the example service, none when the linker moved
 * everything.
 */
import { createHash } from "node:crypto";
import * as zlib from "node:zlib";
import { constants, deflateRaw, type ZlibOptions } from "node:zlib";

export interface ParallelGzipOptions {
  level: number;
  /** Bytes per independently compressed block. Part of the output's identity: keep it fixed. */
  blockSize?: number;
  /** Blocks compressed at once (memory is about 2 × blockSize each). */
  concurrency?: number;
  /** Outputs of earlier runs to take instead of compressing again, and where this run's go. */
  blocks?: BlockStore;
}

/** Raw deflate outputs of blocks by key (see blockKey). */
export interface BlockStore {
  /** The output a block with this key gave before, exactly as deflate gave it; undefined if unknown. */
  get(key: string): Buffer | undefined;
  /** Every block of this run, in order, with its output (reused or new). */
  add(key: string, output: Buffer): void;
}

export const DEFAULT_BLOCK_SIZE = 64 * 1024;
const WINDOW = 32 * 1024;
/** No name, no time, no flags; OS 255 ("unknown") so the bytes do not depend on the build host. */
export const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * Compresses `source` to gzip, handing the output to `sink` in order. Returns the number of
 * uncompressed bytes.
 */
export async function parallelGzip(source: AsyncIterable<Buffer>, sink: (chunk: Buffer) => Promise<void> | void, options: ParallelGzipOptions): Promise<number> {
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const store = options.blocks;
  // The dictionary is the previous block's last WINDOW bytes: the previous block's hash covers it.
  if (store && blockSize < WINDOW) throw new Error(`parallelGzip: blocks of ${blockSize} bytes are smaller than the dictionary`);
  let crc = 0;
  let total = 0;
  /** The previous block's last WINDOW bytes (a view of a pooled buffer). */
  let dictionary: { view: Buffer; pooled: Buffer } | undefined;
  let previousHash = "";
  // Block buffers are reused once their deflate is done, so a large layer does not leave a trail
  // of block-sized garbage behind (memory stays about (concurrency + 1) × blockSize).
  const free: Buffer[] = [];
  // Dictionaries too: one goes back to the pool only when the deflate that read it is done.
  const freeDictionaries: Buffer[] = [];
  const inFlight: { output: Promise<Buffer>; buffer: Buffer; dictionary?: Buffer; key?: string }[] = [];

  const start = (buffer: Buffer, length: number, last: boolean) => {
    const block = buffer.subarray(0, length);
    crc = crc32(block, crc);
    total += length;
    let key: string | undefined;
    let output: Promise<Buffer> | undefined;
    if (store) {
      const hash = createHash("sha256").update(block).digest("hex");
      key = blockKey(options.level, blockSize, last, previousHash, hash);
      previousHash = hash;
      const earlier = store.get(key);
      if (earlier) output = Promise.resolve(earlier);
    }
    output ??= deflateBlock(block, dictionary?.view, last, options.level);
    // Awaited in order by drain(); this keeps a failure from being reported as unhandled first.
    output.catch(() => undefined);
    inFlight.push({ output, buffer, dictionary: dictionary?.pooled, key });
    // A copy: the block's buffer is reused while the next block may still be compressing.
    if (length > 0) {
      const tail = block.subarray(-WINDOW);
      const pooled = freeDictionaries.pop() ?? Buffer.allocUnsafe(WINDOW);
      tail.copy(pooled);
      dictionary = { view: pooled.subarray(0, tail.length), pooled };
    }
  };
  const drain = async (keep: number) => {
    while (inFlight.length > keep) {
      const done = inFlight.shift()!;
      const output = await done.output;
      if (store && done.key) store.add(done.key, output);
      await sink(output);
      free.push(done.buffer);
      if (done.dictionary) freeDictionaries.push(done.dictionary);
    }
  };

  await sink(GZIP_HEADER);
  let current: Buffer = Buffer.allocUnsafe(blockSize);
  let filled = 0;
  for await (const chunk of source) {
    let offset = 0;
    while (offset < chunk.length) {
      const copied = chunk.copy(current, filled, offset);
      offset += copied;
      filled += copied;
      if (filled === blockSize) {
        start(current, filled, false);
        await drain(concurrency - 1);
        current = free.pop() ?? Buffer.allocUnsafe(blockSize);
        filled = 0;
      }
    }
  }
  start(current, filled, true);
  await drain(0);

  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(total % 2 ** 32, 4);
  await sink(trailer);
  return total;
}

/** Everything a block's raw deflate output depends on (zlib's own version aside: see compressionId). */
function blockKey(level: number, blockSize: number, last: boolean, previousHash: string, hash: string): string {
  return createHash("sha256").update(`${level}/${blockSize}/${last ? "last" : "more"}/${previousHash}/${hash}`).digest("hex");
}

function deflateBlock(block: Buffer, dictionary: Buffer | undefined, last: boolean, level: number): Promise<Buffer> {
  const options: ZlibOptions = { level, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH };
  if (dictionary) options.dictionary = dictionary;
  return new Promise((resolve, reject) => deflateRaw(block, options, (err, out) => (err ? reject(err) : resolve(out))));
}

type Crc32 = (data: Uint8Array, value?: number) => number;
/** zlib.crc32 arrived in Node 20.15; older 20.x get the table version below. */
const nativeCrc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;

export function crc32(data: Uint8Array, value = 0): number {
  return nativeCrc32 ? nativeCrc32(data, value) : tableCrc32(data, value);
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE, as gzip uses), continuing from `value`. */
export function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
