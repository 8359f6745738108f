/**
 * Reads the names of the functions in a Go binary from its function table (pclntab). `-s -w`
 * removes the symbol table and DWARF but the runtime needs pclntab, so it is always there.
 * Hand-written: no npm package reads it. Layouts follow Go's runtime/symtab.go and
 * debug/gosym: Go 1.2–1.15 (magic 0xfffffffb), 1.16–1.17 (0xfffffffa), 1.18–1.19 (0xfffffff0),
 * 1.20+ (0xfffffff1).
 */
import { PF_W, PT_LOAD, SHT_NOBITS } from "./elf.js";
import { corruptBinary, type ByteSource } from "./source.js";
import type { ElfInfo, LinkedCode } from "./types.js";
import { BinaryView, type Endianness } from "./view.js";

type TableVersion = LinkedCode["tableVersion"];

const MAGICS: Record<number, TableVersion> = {
  0xfffffffb: "1.2",
  0xfffffffa: "1.16",
  0xfffffff0: "1.18",
  0xfffffff1: "1.20",
};
const MAX_FUNCTIONS = 10_000_000;
const SCAN_CHUNK = 1024 * 1024;
const HEADER_PEEK = 128;

export interface FunctionTable {
  tableVersion: TableVersion;
  functionCount: number;
  /** Distinct function names in table order. */
  names: string[];
}

interface Header {
  version: TableVersion;
  endianness: Endianness;
  ptrSize: number;
  nfunc: number;
  /** Offsets from the table start; the 1.2 format has names and functions relative to the start. */
  funcnameOffset: number;
  funcnameEnd: number;
  pclnOffset: number;
}

function parseHeader(peek: Buffer, name: string, limit: number): Header | undefined {
  if (peek.length < 8) return undefined;
  const little = MAGICS[peek.readUInt32LE(0)];
  const big = MAGICS[peek.readUInt32BE(0)];
  const version = little ?? big;
  if (version === undefined) return undefined;
  const endianness: Endianness = little !== undefined ? "little" : "big";
  const minLC = peek[6];
  const ptrSize = peek[7] as number;
  if (peek[4] !== 0 || peek[5] !== 0 || (minLC !== 1 && minLC !== 2 && minLC !== 4) || (ptrSize !== 4 && ptrSize !== 8)) {
    return undefined;
  }
  const v = new BinaryView(peek, endianness, name, "function table header");
  const word = (index: number) => v.word(8 + index * ptrSize, ptrSize);
  const nfunc = word(0);
  if (nfunc > MAX_FUNCTIONS) throw corruptBinary(name, `function table claims ${nfunc} functions`);
  let header: Header;
  if (version === "1.2") {
    header = { version, endianness, ptrSize, nfunc, funcnameOffset: 0, funcnameEnd: limit, pclnOffset: 8 + ptrSize };
  } else {
    // 1.18 added textStart after nfiles; the other offsets shift by one word.
    const shift = version === "1.16" ? 0 : 1;
    header = {
      version,
      endianness,
      ptrSize,
      nfunc,
      funcnameOffset: word(2 + shift),
      funcnameEnd: word(3 + shift),
      pclnOffset: word(6 + shift),
    };
  }
  if (header.funcnameOffset > header.funcnameEnd || header.funcnameEnd > limit || header.pclnOffset > limit) {
    throw corruptBinary(name, "function table offsets point past its end");
  }
  return header;
}

/** Reads function names from a table at file offset `start` holding at most `limit` bytes. */
async function readTable(source: ByteSource, start: number, limit: number, header: Header): Promise<FunctionTable> {
  const { version, endianness, ptrSize, nfunc } = header;
  const wide = version === "1.2" || version === "1.16";
  const entrySize = wide ? 2 * ptrSize : 8;
  if ((nfunc + 1) * entrySize > limit - header.pclnOffset) throw corruptBinary(source.name, "function table is cut short");
  const functions = new BinaryView(await source.read(start + header.pclnOffset, limit - header.pclnOffset), endianness, source.name, "function table");
  const nameBase = version === "1.2" ? header.pclnOffset : header.funcnameOffset;
  const names =
    version === "1.2"
      ? functions
      : new BinaryView(await source.read(start + header.funcnameOffset, header.funcnameEnd - header.funcnameOffset), endianness, source.name, "function names");
  // Function records sit after the index; in the 1.2 format both are relative to the table start.
  const recordBase = version === "1.2" ? -header.pclnOffset : 0;
  const seen = new Set<string>();
  for (let i = 0; i < nfunc; i++) {
    const funcoff = wide ? functions.word(i * entrySize + ptrSize, ptrSize) : functions.u32(i * entrySize + 4);
    const record = recordBase + funcoff;
    const nameoff = functions.i32(record + (version === "1.18" || version === "1.20" ? 4 : ptrSize));
    const nameAt = version === "1.2" ? nameoff - nameBase : nameoff;
    const fname = names.cString(nameAt);
    if (fname !== "") seen.add(fname);
  }
  return { tableVersion: version, functionCount: nfunc, names: [...seen] };
}

/** Validates a table found by scanning: it must read cleanly and name real-looking functions. */
async function tryScannedTable(source: ByteSource, start: number, limit: number): Promise<FunctionTable | undefined> {
  try {
    const peek = await source.read(start, Math.min(HEADER_PEEK, limit));
    const header = parseHeader(peek, source.name, limit);
    if (header === undefined || header.nfunc === 0) return undefined;
    const table = await readTable(source, start, limit, header);
    const plausible = table.names.length > 0 && table.names.every((n) => /^[\x21-\x7e\u0080-\uffff][^\x00-\x1f]*$/.test(n));
    return plausible && table.names.some((n) => n.startsWith("runtime.")) ? table : undefined;
  } catch {
    return undefined;
  }
}

/** Finds a table by its magic in the read-only segments, for binaries whose section headers are gone. */
async function scanForTable(source: ByteSource, elf: ElfInfo): Promise<FunctionTable | undefined> {
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD || (segment.flags & PF_W) !== 0 || segment.fileSize === 0) continue;
    const end = Math.min(segment.offset + segment.fileSize, source.size);
    for (let chunkStart = segment.offset; chunkStart < end; chunkStart += SCAN_CHUNK) {
      const chunk = await source.read(chunkStart, Math.min(SCAN_CHUNK + 8, end - chunkStart));
      for (let at = chunk.indexOf(0xff); at >= 0; at = chunk.indexOf(0xff, at + 1)) {
        // A big-endian magic starts with 0xff, a little-endian one ends with it. Candidates that
        // start in the 8-byte overlap belong to the next chunk.
        for (const candidate of [at, at - 3]) {
          if (candidate < 0 || candidate >= SCAN_CHUNK || candidate + 8 > chunk.length) continue;
          if (MAGICS[chunk.readUInt32LE(candidate)] === undefined && MAGICS[chunk.readUInt32BE(candidate)] === undefined) continue;
          if (chunk[candidate + 4] !== 0 || chunk[candidate + 5] !== 0) continue;
          const table = await tryScannedTable(source, chunkStart + candidate, end - chunkStart - candidate);
          if (table !== undefined) return table;
        }
      }
    }
  }
  return undefined;
}

/**
 * The function table of a Go binary: from the `.gopclntab` section, or found by its magic when the
 * section headers are gone. Undefined when there is none.
 */
export async function readFunctionTable(source: ByteSource, elf: ElfInfo): Promise<FunctionTable | undefined> {
  const section = elf.sections.find((s) => s.name === ".gopclntab" && s.type !== SHT_NOBITS);
  if (section === undefined) return scanForTable(source, elf);
  const peek = await source.read(section.offset, Math.min(HEADER_PEEK, section.size));
  const header = parseHeader(peek, source.name, section.size);
  if (header === undefined) throw corruptBinary(source.name, ".gopclntab has no known function table header");
  return readTable(source, section.offset, section.size, header);
}
