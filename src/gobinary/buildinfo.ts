/**
 * Finds the Go build info blob (`\xff Go buildinf:`) and returns the Go version and the raw
 * module info text. Hand-written (no npm package reads it); the layout is the one Go's
 * debug/buildinfo reads: a 32-byte header, then either two varint-prefixed strings (Go 1.18+,
 * flag bit 2) or two pointers to Go string headers (older Go).
 */
import { addressToOffset, PF_W, PF_X, PT_LOAD, SHT_NOBITS } from "./elf.js";
import { corruptBinary, type ByteSource } from "./source.js";
import type { ElfInfo } from "./types.js";
import { BinaryView } from "./view.js";

const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER_SIZE = 32;
const ALIGN = 16;
/** Go searches this much of the data segment when the section is gone. */
const SEARCH_WINDOW = 64 * 1024;
const MAX_BLOB = 16 * 1024 * 1024;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE_STRINGS = 2;
/** Go frames the module info with 16 bytes of sentinel on each side. */
const SENTINEL_LENGTH = 16;

export interface RawBuildInfo {
  goVersion: string;
  /** Module info text without its framing; "" when the binary was built without module info. */
  modinfo: string;
}

interface Located {
  offset: number;
  available: number;
}

/** The aligned magic within `bytes`, as Go looks for it. */
function findMagic(bytes: Buffer): number | undefined {
  let from = 0;
  for (;;) {
    const at = bytes.indexOf(MAGIC, from);
    if (at < 0 || bytes.length - at < HEADER_SIZE) return undefined;
    if (at % ALIGN === 0) return at;
    from = at + 1;
  }
}

async function locate(source: ByteSource, elf: ElfInfo): Promise<Located | undefined> {
  const section = elf.sections.find((s) => s.name === ".go.buildinfo" && s.type !== SHT_NOBITS);
  let start: Located | undefined;
  if (section !== undefined) start = { offset: section.offset, available: section.size };
  else {
    const data = elf.segments.find((s) => s.type === PT_LOAD && (s.flags & (PF_X | PF_W)) === PF_W);
    if (data !== undefined) start = { offset: data.offset, available: data.fileSize };
  }
  if (start === undefined) return undefined;
  const window = await source.read(start.offset, Math.min(start.available, SEARCH_WINDOW));
  const at = findMagic(window);
  if (at === undefined) return undefined;
  return { offset: start.offset + at, available: start.available - at };
}

/** Go's binary.Uvarint, bounded to safe integers. */
function readUvarint(view: BinaryView, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    const byte = view.u8(at + i);
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
    scale *= 128;
  }
  throw corruptBinary(view.name, "build info string length is too large");
}

function readInlineString(view: BinaryView, at: number): { bytes: Buffer; next: number } {
  const { value, next } = readUvarint(view, at);
  return { bytes: view.slice(next, value), next: next + value };
}

async function readPointedString(
  source: ByteSource,
  elf: ElfInfo,
  header: BinaryView,
  pointerAt: number,
  ptrSize: number,
): Promise<Buffer> {
  const readAt = async (address: number, length: number, what: string): Promise<Buffer> => {
    const range = addressToOffset(elf.segments, address);
    if (range === undefined || range.available < length) throw corruptBinary(source.name, `${what} points outside the file`);
    return source.read(range.offset, length);
  };
  const stringHeaderAddress = header.word(pointerAt, ptrSize);
  const stringHeader = new BinaryView(await readAt(stringHeaderAddress, 2 * ptrSize, "build info"), header.endianness, source.name, "build info");
  const dataAddress = stringHeader.word(0, ptrSize);
  const length = stringHeader.word(ptrSize, ptrSize);
  if (length > MAX_BLOB) throw corruptBinary(source.name, "build info string is implausibly long");
  if (length === 0) return Buffer.alloc(0);
  return readAt(dataAddress, length, "build info string");
}

function unframe(mod: Buffer): string {
  if (mod.length >= 2 * SENTINEL_LENGTH + 1 && mod[mod.length - SENTINEL_LENGTH - 1] === 0x0a) {
    return mod.subarray(SENTINEL_LENGTH, mod.length - SENTINEL_LENGTH).toString("utf8");
  }
  return "";
}

/** The build info of a Go binary, or undefined when the file has none (not Go, or Go before 1.13). */
export async function readRawBuildInfo(source: ByteSource, elf: ElfInfo): Promise<RawBuildInfo | undefined> {
  const found = await locate(source, elf);
  if (found === undefined) return undefined;
  const blob = await source.read(found.offset, Math.min(found.available, MAX_BLOB));
  const flags = blob[15] ?? 0;
  const ptrSize = blob[14] ?? 0;
  const endianness = (flags & FLAG_BIG_ENDIAN) !== 0 ? "big" : "little";
  const view = new BinaryView(blob, endianness, source.name, "build info");
  let version: Buffer;
  let mod: Buffer;
  if ((flags & FLAG_INLINE_STRINGS) !== 0) {
    const first = readInlineString(view, HEADER_SIZE);
    version = first.bytes;
    mod = readInlineString(view, first.next).bytes;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw corruptBinary(source.name, `build info pointer size ${ptrSize}`);
    // Before Go 1.18 the flags byte was only the endianness; the pointers use the binary's byte order.
    const pointers = new BinaryView(blob, flags !== 0 ? "big" : "little", source.name, "build info");
    version = await readPointedString(source, elf, pointers, 16, ptrSize);
    mod = await readPointedString(source, elf, pointers, 16 + ptrSize, ptrSize);
  }
  const goVersion = version.toString("utf8");
  if (goVersion === "") return undefined;
  return { goVersion, modinfo: unframe(mod) };
}
