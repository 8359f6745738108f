/**
 * Safe streaming tar reader. Hand-written because image archives and layers come from outside and
 * every limit must be enforced while bytes flow: declared sizes are checked against the data
 * actually present, PAX and GNU long-name records are bounded, uncompressed bytes and the
 * compression ratio are capped (gzip bombs), and paths are normalised before anyone sees them.
 * Nothing here writes to disk; see extract.ts for that.
 */
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { ExitCode, SlimgoError } from "../errors.js";
import { HashingStream, digestMismatch } from "../image/digest.js";
import { decompressLayer } from "../image/layer.js";
import type { Layer } from "../image/types.js";

export type TarEntryKind = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo" | "other";

export interface TarHeader {
  /** Normalised: no leading "/" or "./", no trailing "/", never contains "..". Empty for the root itself. */
  path: string;
  /** The name exactly as the archive spelt it. */
  rawPath: string;
  type: TarEntryKind;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkTarget?: string;
  uname: string;
  gname: string;
  /** Offset of the entry's data in the uncompressed stream (lets a plain tar file be read by range). */
  dataOffset: number;
}

export interface TarLimits {
  /** Most uncompressed bytes a stream may produce. Default 16 GiB. */
  maxUncompressedBytes?: number;
  /** Most uncompressed bytes per compressed byte once past `ratioGraceBytes`. Default 250. */
  maxRatio?: number;
  /**
   * Uncompressed bytes allowed before the ratio is enforced. Default 1 GiB: a file of zeros gzips
   * about 1000:1, as a bomb does, and real images carry such files (a `dd` or `fallocate`d file,
   * the `/var/log/lastlog` that `useradd` makes for a large UID, a database's preallocated files).
   */
  ratioGraceBytes?: number;
  /** Default 1,000,000. */
  maxEntries?: number;
  /** Largest PAX or GNU long-name record. Default 1 MiB. */
  maxMetadataBytes?: number;
  /** Longest path or link target in bytes. Default 16 KiB. */
  maxPathBytes?: number;
}

const DEFAULT_LIMITS: Required<TarLimits> = {
  maxUncompressedBytes: 16 * 1024 ** 3,
  maxRatio: 250,
  ratioGraceBytes: 1024 ** 3,
  maxEntries: 1_000_000,
  maxMetadataBytes: 1024 ** 2,
  maxPathBytes: 16 * 1024,
};

export interface TarVisitorEntry {
  header: TarHeader;
  /** The whole content of a small file; refuses files above `maxBytes` (default 1 MiB). */
  read(maxBytes?: number): Promise<Buffer>;
  /** The content in chunks, for hashing or skimming big files without holding them. */
  chunks(): AsyncIterable<Buffer>;
}

export type TarVisitor = (entry: TarVisitorEntry) => Promise<void> | void;

export interface WalkOptions {
  limits?: TarLimits;
  /** Names the archive in errors, e.g. "layer sha256:…" or a file name. */
  what?: string;
  /** Compressed bytes read so far, for the ratio check. */
  compressedBytes?: () => number;
  onWarning?: (message: string) => void;
}

export interface WalkSummary {
  entries: number;
  uncompressedBytes: number;
  warnings: string[];
}

function hostile(what: string, message: string): SlimgoError {
  return new SlimgoError(`${what}: ${message}`, { exitCode: ExitCode.findings });
}

/** Pulls exact byte counts out of a chunked stream and enforces the size and ratio limits. */
class ByteSource {
  private pending: Buffer = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Buffer>;
  position = 0;
  private pulled = 0;

  constructor(
    source: AsyncIterable<Buffer> | Iterable<Buffer>,
    private readonly limits: Required<TarLimits>,
    private readonly what: string,
    private readonly compressedBytes?: () => number,
  ) {
    this.iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (async function* () { yield* source; })()[Symbol.asyncIterator]();
  }

  private async pull(): Promise<Buffer | undefined> {
    const next = await this.iterator.next();
    if (next.done) return undefined;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    this.pulled += chunk.length;
    if (this.pulled > this.limits.maxUncompressedBytes) {
      throw hostile(this.what, `more than ${this.limits.maxUncompressedBytes} uncompressed bytes: refusing it as a decompression bomb (raise the limit if it is genuine)`);
    }
    const compressed = this.compressedBytes?.();
    if (compressed !== undefined && this.pulled > this.limits.ratioGraceBytes && this.pulled > compressed * this.limits.maxRatio) {
      throw hostile(this.what, `expands ${Math.round(this.pulled / Math.max(compressed, 1))} times from ${compressed} compressed bytes: refusing it as a decompression bomb`);
    }
    return chunk;
  }

  /** Exactly `n` bytes, or undefined at a clean end of stream before any byte. */
  async readExact(n: number, context: () => string): Promise<Buffer | undefined> {
    while (this.pending.length < n) {
      const chunk = await this.pull();
      if (chunk === undefined) {
        if (this.pending.length === 0) return undefined;
        throw hostile(this.what, `truncated: ${context()}`);
      }
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    }
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    this.position += n;
    return out;
  }

  async *take(n: number, context: () => string): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.pending.length === 0) {
        const chunk = await this.pull();
        if (chunk === undefined) throw hostile(this.what, `truncated: ${context()}`);
        this.pending = chunk;
      }
      const piece = this.pending.subarray(0, Math.min(left, this.pending.length));
      this.pending = this.pending.subarray(piece.length);
      left -= piece.length;
      this.position += piece.length;
      yield piece;
    }
  }

  /** Whether the stream has no bytes left (a chunk read to find out is kept for later reads). */
  async ended(): Promise<boolean> {
    if (this.pending.length > 0) return false;
    const chunk = await this.pull();
    if (chunk === undefined) return true;
    this.pending = chunk;
    return false;
  }

  async skip(n: number, context: () => string): Promise<void> {
    for await (const _ of this.take(n, context)) void _;
  }

  async drain(): Promise<void> {
    this.position += this.pending.length;
    this.pending = Buffer.alloc(0);
    while ((await this.pull()) !== undefined) void 0;
  }
}

function parseNumber(field: Buffer, what: string, name: string): number {
  if (field.length > 0 && (field[0]! & 0x80) !== 0) {
    // GNU base-256: big-endian two's complement with the top bit as marker; negatives are refused.
    if ((field[0]! & 0x40) !== 0) throw hostile(what, `negative ${name} in a tar header`);
    let value = field[0]! & 0x3f;
    for (let i = 1; i < field.length; i++) {
      value = value * 256 + field[i]!;
      if (value > Number.MAX_SAFE_INTEGER) throw hostile(what, `${name} in a tar header is too large`);
    }
    return value;
  }
  const text = field.toString("latin1").replace(/\0.*$/s, "").trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw hostile(what, `invalid ${name} "${text}" in a tar header (not a tar archive?)`);
  return parseInt(text, 8);
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString("utf8");
}

function kindOf(flag: string): TarEntryKind | "pax" | "global" | "gnu-longname" | "gnu-longlink" {
  switch (flag) {
    case "0": case "\0": case "7": case "": return "file";
    case "1": return "hardlink";
    case "2": return "symlink";
    case "3": return "char";
    case "4": return "block";
    case "5": return "dir";
    case "6": return "fifo";
    case "x": return "pax";
    case "g": return "global";
    case "L": return "gnu-longname";
    case "K": return "gnu-longlink";
    default: return "other";
  }
}

function parsePax(data: Buffer, what: string): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1 || space - offset > 20) throw hostile(what, "malformed PAX record");
    const length = Number(data.subarray(offset, space).toString("latin1"));
    if (!Number.isInteger(length) || length <= space - offset + 1 || offset + length > data.length) throw hostile(what, "PAX record length overflows its header");
    const record = data.subarray(space + 1, offset + length - 1).toString("utf8");
    if (data[offset + length - 1] !== 0x0a) throw hostile(what, "malformed PAX record (no newline)");
    const eq = record.indexOf("=");
    if (eq <= 0) throw hostile(what, "malformed PAX record (no key)");
    records.set(record.slice(0, eq), record.slice(eq + 1));
    offset += length;
  }
  return records;
}

/**
 * Normalises an entry name: leading "/" stripped (an image's paths are all relative to its root),
 * "." parts dropped; ".." anywhere is refused because it can only be there to escape.
 */
export function normalizeEntryPath(raw: string, what: string): string {
  if (raw.includes("\0")) throw hostile(what, `entry name contains a NUL byte`);
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw hostile(what, `entry "${raw}" has a ".." component that would escape the root: refusing this archive`);
  return parts.join("/");
}

/** Walks a stream of uncompressed tar bytes, calling `visitor` for each entry in order. */
export async function walkTar(source: AsyncIterable<Buffer> | Iterable<Buffer>, visitor: TarVisitor, options: WalkOptions = {}): Promise<WalkSummary> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const what = options.what ?? "tar archive";
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const bytes = new ByteSource(source, limits, what, options.compressedBytes);
  let entries = 0;
  let pax = new Map<string, string>();
  let gnuName: string | undefined;
  let gnuLink: string | undefined;

  for (;;) {
    const block = await bytes.readExact(512, () => "the archive ends inside a header");
    if (block === undefined) {
      warn(`${what}: no end-of-archive marker`);
      break;
    }
    if (block.every((b) => b === 0)) break;
    const expected = parseNumber(block.subarray(148, 156), what, "checksum");
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (sum !== expected) throw hostile(what, `tar header checksum mismatch at byte ${bytes.position - 512} (not a tar archive, or corrupt)`);

    const flag = String.fromCharCode(block[156]!);
    const kind = kindOf(flag === "\0" ? "\0" : flag);
    let size = parseNumber(block.subarray(124, 136), what, "size");
    const magic = block.subarray(257, 263).toString("latin1");
    let rawPath = cString(block.subarray(0, 100));
    if (magic.startsWith("ustar")) {
      const prefix = cString(block.subarray(345, 500));
      if (prefix !== "" && magic === "ustar\0") rawPath = `${prefix}/${rawPath}`;
    }

    if (kind === "pax" || kind === "global" || kind === "gnu-longname" || kind === "gnu-longlink") {
      const max = kind === "pax" || kind === "global" ? limits.maxMetadataBytes : limits.maxPathBytes;
      if (size > max) throw hostile(what, `a ${kind} record of ${size} bytes exceeds the ${max}-byte limit`);
      const data = (await bytes.readExact(size, () => `a ${kind} record claims ${size} bytes`)) ?? Buffer.alloc(0);
      if (data.length < size) throw hostile(what, `truncated inside a ${kind} record`);
      await bytes.skip((512 - (size % 512)) % 512, () => "the archive ends inside record padding");
      if (kind === "pax") pax = parsePax(data, what);
      else if (kind === "gnu-longname") gnuName = cString(data);
      else if (kind === "gnu-longlink") gnuLink = cString(data);
      continue;
    }

    entries++;
    if (entries > limits.maxEntries) throw hostile(what, `more than ${limits.maxEntries} entries`);
    rawPath = pax.get("path") ?? gnuName ?? rawPath;
    let linkTarget: string | undefined = pax.get("linkpath") ?? gnuLink ?? cString(block.subarray(157, 257));
    const paxSize = pax.get("size");
    if (paxSize !== undefined) {
      if (!/^\d{1,16}$/.test(paxSize)) throw hostile(what, `invalid PAX size "${paxSize}"`);
      size = Number(paxSize);
    }
    const uid = pax.has("uid") ? Number(pax.get("uid")) : parseNumber(block.subarray(108, 116), what, "uid");
    const gid = pax.has("gid") ? Number(pax.get("gid")) : parseNumber(block.subarray(116, 124), what, "gid");
    const mtime = pax.has("mtime") ? Math.floor(Number(pax.get("mtime"))) : parseNumber(block.subarray(136, 148), what, "mtime");
    pax = new Map();
    gnuName = undefined;
    gnuLink = undefined;
    if (Buffer.byteLength(rawPath) > limits.maxPathBytes || Buffer.byteLength(linkTarget) > limits.maxPathBytes) {
      throw hostile(what, `an entry name or link target is longer than ${limits.maxPathBytes} bytes`);
    }
    if (size > limits.maxUncompressedBytes) {
      throw hostile(what, `entry "${rawPath}" claims ${size} bytes, more than the ${limits.maxUncompressedBytes}-byte limit`);
    }
    const type: TarEntryKind = kind === "file" && rawPath.endsWith("/") ? "dir" : kind;
    if (type !== "symlink" && type !== "hardlink") linkTarget = undefined;
    // Directories, links and devices carry no data whatever their header says (GNU tar agrees).
    const dataSize = type === "file" || type === "other" ? size : 0;
    const header: TarHeader = {
      path: normalizeEntryPath(rawPath, what),
      rawPath,
      type,
      mode: parseNumber(block.subarray(100, 108), what, "mode") & 0o7777,
      uid,
      gid,
      size: dataSize,
      mtime,
      uname: cString(block.subarray(265, 297)),
      gname: cString(block.subarray(297, 329)),
      dataOffset: bytes.position,
    };
    if (linkTarget !== undefined) header.linkTarget = linkTarget;

    const context = () => `entry "${rawPath}" claims ${dataSize} bytes but the archive ends before them`;
    let consumed = 0;
    let started = false;
    const chunks = async function* (): AsyncGenerator<Buffer> {
      if (started) throw new Error(`entry ${rawPath}: content can be read only once`);
      started = true;
      for await (const chunk of bytes.take(dataSize, context)) {
        consumed += chunk.length;
        yield chunk;
      }
    };
    const entry: TarVisitorEntry = {
      header,
      chunks,
      read: async (maxBytes = 1024 ** 2) => {
        if (dataSize > maxBytes) throw new SlimgoError(`${what}: "${header.path}" has ${dataSize} bytes, more than the ${maxBytes} to read whole`);
        const parts: Buffer[] = [];
        for await (const chunk of chunks()) parts.push(chunk);
        return Buffer.concat(parts);
      },
    };
    await visitor(entry);
    await bytes.skip(dataSize - consumed, context);
    const padding = (512 - (dataSize % 512)) % 512;
    // umoci 0.4's `insert` writes layers that stop right after the last file's data: Go's
    // archive/tar (so podman, skopeo and umoci itself) reads that as the end, and so does this.
    if (padding > 0 && (await bytes.ended())) {
      warn(`${what}: ends right after "${rawPath}", without padding or end-of-archive marker`);
      break;
    }
    await bytes.skip(padding, () => `the archive ends inside the padding after "${rawPath}"`);
  }
  await bytes.drain();
  return { entries, uncompressedBytes: bytes.position, warnings };
}

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

function describeStreamError(what: string, err: unknown): unknown {
  if (err instanceof SlimgoError) return err;
  const code = (err as { code?: string }).code ?? "";
  if (code.startsWith("Z_") || code === "ERR_STREAM_PREMATURE_CLOSE") {
    return hostile(what, `the compressed data is truncated or corrupt (${(err as Error).message})`);
  }
  return err;
}

/**
 * Walks a layer's files without extracting them. The compressed blob's digest is checked by the
 * layer's source; here the uncompressed stream is checked against the layer's diffID, and the
 * decompression limits apply.
 */
export async function walkLayer(layer: Layer, visitor: TarVisitor, options: WalkOptions & { verifyDiffId?: boolean } = {}): Promise<WalkSummary> {
  const what = options.what ?? `layer ${layer.digest}`;
  const stored: Readable = await layer.open();
  const counter = new ByteCounter();
  const diff = new HashingStream();
  const fail = (err: unknown) => diff.destroy(describeStreamError(what, err) as Error);
  stored.on("error", fail);
  counter.on("error", fail);
  const uncompressed = decompressLayer(stored.pipe(counter), layer.mediaType, what);
  uncompressed.on("error", fail);
  uncompressed.pipe(diff);
  let summary: WalkSummary;
  try {
    summary = await walkTar(diff, visitor, { ...options, what, compressedBytes: () => counter.bytes });
  } catch (err) {
    stored.destroy();
    throw describeStreamError(what, err);
  }
  if (options.verifyDiffId !== false && diff.digest() !== layer.diffId) {
    throw digestMismatch(`${what} (uncompressed)`, layer.diffId, diff.digest());
  }
  return summary;
}
