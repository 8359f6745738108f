/**
 * ELF reader: header, program headers, section headers, interpreter and needed libraries.
 * Hand-written because no maintained npm package reads ELF by offset from a file handle (elfy
 * and elf-tools parse a whole in-memory buffer and know nothing about Go; elf-cam is a WASM
 * runtime detector). Layout from the System V ABI / ELF specification.
 */
import { corruptBinary, type ByteSource } from "./source.js";
import type { ElfInfo, ElfSection, ElfSegment, ElfType } from "./types.js";
import { BinaryView, type Endianness } from "./view.js";

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PF_X = 1;
export const PF_W = 2;
const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
/** Extended numbering markers (e_phnum / e_shnum / e_shstrndx too large for 16 bits). */
const PN_XNUM = 0xffff;
const SHN_XINDEX = 0xffff;
/** Bounds for tables read from an untrusted file. */
const MAX_STRING_TABLE = 16 * 1024 * 1024;

/** True when the bytes start with the ELF magic `\x7fELF`. */
export function isElf(firstBytes: Uint8Array): boolean {
  return firstBytes.length >= 4 && ELF_MAGIC.equals(Buffer.from(firstBytes.buffer, firstBytes.byteOffset, 4));
}

export interface MachineName {
  machine: string;
  goarch?: string;
}

/** The ELF e_machine code as a name, and as GOARCH when Go has one for it. */
export function machineName(code: number, elfClass: 32 | 64, endianness: Endianness): MachineName {
  const little = endianness === "little";
  switch (code) {
    case 3:
      return { machine: "i386", goarch: "386" };
    case 8:
      if (elfClass === 64) return little ? { machine: "mips64el", goarch: "mips64le" } : { machine: "mips64", goarch: "mips64" };
      return little ? { machine: "mipsel", goarch: "mipsle" } : { machine: "mips", goarch: "mips" };
    case 20:
      return { machine: "ppc" };
    case 21:
      return little ? { machine: "ppc64le", goarch: "ppc64le" } : { machine: "ppc64", goarch: "ppc64" };
    case 22:
      return elfClass === 64 ? { machine: "s390x", goarch: "s390x" } : { machine: "s390" };
    case 40:
      return { machine: "arm", goarch: "arm" };
    case 62:
      return { machine: "x86_64", goarch: "amd64" };
    case 183:
      return { machine: "aarch64", goarch: "arm64" };
    case 243:
      return elfClass === 64 ? { machine: "riscv64", goarch: "riscv64" } : { machine: "riscv32" };
    case 258:
      return { machine: "loongarch64", goarch: "loong64" };
    default:
      return { machine: `unknown-${code}` };
  }
}

function elfType(code: number): ElfType {
  return (["unknown", "rel", "exec", "dyn", "core"] as const)[code] ?? "unknown";
}

interface Header {
  elfClass: 32 | 64;
  endianness: Endianness;
  type: ElfType;
  machineCode: number;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

async function readHeader(source: ByteSource): Promise<Header> {
  if (source.size < 16) throw corruptBinary(source.name, `only ${source.size} bytes`);
  const ident = await source.read(0, 16);
  if (!isElf(ident)) throw corruptBinary(source.name, "no ELF magic");
  const classByte = ident[4];
  const dataByte = ident[5];
  if (classByte !== 1 && classByte !== 2) throw corruptBinary(source.name, `unknown ELF class ${classByte}`);
  if (dataByte !== 1 && dataByte !== 2) throw corruptBinary(source.name, `unknown ELF data encoding ${dataByte}`);
  const elfClass = classByte === 2 ? 64 : 32;
  const endianness: Endianness = dataByte === 1 ? "little" : "big";
  const size = elfClass === 64 ? 64 : 52;
  const v = new BinaryView(await source.read(0, Math.min(size, source.size)), endianness, source.name, "ELF header");
  if (elfClass === 64) {
    return {
      elfClass,
      endianness,
      type: elfType(v.u16(16)),
      machineCode: v.u16(18),
      entry: v.u64(24),
      phoff: v.u64(32),
      shoff: v.u64(40),
      phentsize: v.u16(54),
      phnum: v.u16(56),
      shentsize: v.u16(58),
      shnum: v.u16(60),
      shstrndx: v.u16(62),
    };
  }
  return {
    elfClass,
    endianness,
    type: elfType(v.u16(16)),
    machineCode: v.u16(18),
    entry: v.u32(24),
    phoff: v.u32(28),
    shoff: v.u32(32),
    phentsize: v.u16(42),
    phnum: v.u16(44),
    shentsize: v.u16(46),
    shnum: v.u16(48),
    shstrndx: v.u16(50),
  };
}

interface RawSection extends Omit<ElfSection, "name"> {
  nameOffset: number;
  info: number;
}

function parseSection(v: BinaryView, at: number, elfClass: 32 | 64): RawSection {
  if (elfClass === 64) {
    return {
      nameOffset: v.u32(at),
      type: v.u32(at + 4),
      flags: v.u64(at + 8),
      address: v.u64(at + 16),
      offset: v.u64(at + 24),
      size: v.u64(at + 32),
      link: v.u32(at + 40),
      info: v.u32(at + 44),
    };
  }
  return {
    nameOffset: v.u32(at),
    type: v.u32(at + 4),
    flags: v.u32(at + 8),
    address: v.u32(at + 12),
    offset: v.u32(at + 16),
    size: v.u32(at + 20),
    link: v.u32(at + 24),
    info: v.u32(at + 28),
  };
}

function parseSegment(v: BinaryView, at: number, elfClass: 32 | 64): ElfSegment {
  if (elfClass === 64) {
    return {
      type: v.u32(at),
      flags: v.u32(at + 4),
      offset: v.u64(at + 8),
      address: v.u64(at + 16),
      fileSize: v.u64(at + 32),
      memorySize: v.u64(at + 40),
    };
  }
  return {
    type: v.u32(at),
    offset: v.u32(at + 4),
    address: v.u32(at + 8),
    fileSize: v.u32(at + 16),
    memorySize: v.u32(at + 20),
    flags: v.u32(at + 24),
  };
}

async function readTable(
  source: ByteSource,
  header: Header,
  offset: number,
  count: number,
  entrySize: number,
  minEntrySize: number,
  what: string,
): Promise<BinaryView> {
  if (count > 0 && entrySize < minEntrySize) throw corruptBinary(source.name, `${what} entry size ${entrySize} is too small`);
  return new BinaryView(await source.read(offset, count * entrySize), header.endianness, source.name, what);
}

async function readSections(source: ByteSource, header: Header): Promise<{ sections: ElfSection[]; firstInfo?: RawSection }> {
  if (header.shoff === 0) return { sections: [] };
  const minSize = header.elfClass === 64 ? 64 : 40;
  // Section 0 carries the real count and name-table index when they do not fit in the header.
  const first = parseSection(await readTable(source, header, header.shoff, 1, header.shentsize, minSize, "section headers"), 0, header.elfClass);
  const count = header.shnum === 0 ? first.size : header.shnum;
  const table = await readTable(source, header, header.shoff, count, header.shentsize, minSize, "section headers");
  const raw: RawSection[] = [];
  for (let i = 0; i < count; i++) raw.push(parseSection(table, i * header.shentsize, header.elfClass));
  const nameIndex = header.shstrndx === SHN_XINDEX ? first.link : header.shstrndx;
  const nameSection = raw[nameIndex];
  let names: BinaryView | undefined;
  if (nameIndex !== 0 && nameSection !== undefined && nameSection.type !== SHT_NOBITS) {
    if (nameSection.size > MAX_STRING_TABLE) throw corruptBinary(source.name, "section name table is implausibly large");
    names = new BinaryView(await source.read(nameSection.offset, nameSection.size), header.endianness, source.name, "section names");
  }
  const sections = raw.map(({ nameOffset, info: _info, ...rest }) => ({
    name: names === undefined ? "" : names.cString(nameOffset),
    ...rest,
  }));
  return { sections, firstInfo: first };
}

async function readSegments(source: ByteSource, header: Header, sectionZeroInfo: number | undefined): Promise<ElfSegment[]> {
  if (header.phoff === 0) return [];
  const count = header.phnum === PN_XNUM && sectionZeroInfo !== undefined ? sectionZeroInfo : header.phnum;
  const table = await readTable(source, header, header.phoff, count, header.phentsize, header.elfClass === 64 ? 56 : 32, "program headers");
  const segments: ElfSegment[] = [];
  for (let i = 0; i < count; i++) segments.push(parseSegment(table, i * header.phentsize, header.elfClass));
  return segments;
}

/** The file range that holds virtual address `address`, up to the end of its PT_LOAD segment's file bytes. */
export function addressToOffset(segments: ElfSegment[], address: number): { offset: number; available: number } | undefined {
  for (const s of segments) {
    if (s.type === PT_LOAD && address >= s.address && address < s.address + s.fileSize) {
      const delta = address - s.address;
      return { offset: s.offset + delta, available: s.fileSize - delta };
    }
  }
  return undefined;
}

async function readInterpreter(source: ByteSource, endianness: Endianness, segments: ElfSegment[]): Promise<string | undefined> {
  const interp = segments.find((s) => s.type === PT_INTERP);
  if (interp === undefined) return undefined;
  if (interp.fileSize > 4096) throw corruptBinary(source.name, "interpreter path is implausibly long");
  return new BinaryView(await source.read(interp.offset, interp.fileSize), endianness, source.name, "PT_INTERP").cString(0);
}

async function readNeeded(
  source: ByteSource,
  header: Header,
  segments: ElfSegment[],
  sections: ElfSection[],
): Promise<string[]> {
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  if (dynamic === undefined || dynamic.fileSize === 0) return [];
  const entrySize = header.elfClass === 64 ? 16 : 8;
  if (dynamic.fileSize > MAX_STRING_TABLE) throw corruptBinary(source.name, "dynamic section is implausibly large");
  const view = new BinaryView(await source.read(dynamic.offset, dynamic.fileSize), header.endianness, source.name, "dynamic section");
  const word = entrySize / 2;
  const neededOffsets: number[] = [];
  let strtabAddress: number | undefined;
  let strtabSize: number | undefined;
  for (let at = 0; at + entrySize <= view.length; at += entrySize) {
    const tag = view.word(at, word);
    const value = view.word(at + word, word);
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) neededOffsets.push(value);
    else if (tag === DT_STRTAB) strtabAddress = value;
    else if (tag === DT_STRSZ) strtabSize = value;
  }
  if (neededOffsets.length === 0) return [];
  let strtab: { offset: number; available: number } | undefined;
  if (strtabAddress !== undefined) strtab = addressToOffset(segments, strtabAddress);
  if (strtab === undefined) {
    const dynstr = sections.find((s) => s.name === ".dynstr" && s.type !== SHT_NOBITS);
    if (dynstr !== undefined) strtab = { offset: dynstr.offset, available: dynstr.size };
  }
  if (strtab === undefined) throw corruptBinary(source.name, "DT_NEEDED names point outside the file");
  const length = Math.min(strtab.available, strtabSize ?? strtab.available, MAX_STRING_TABLE);
  const names = new BinaryView(await source.read(strtab.offset, length), header.endianness, source.name, "dynamic string table");
  return neededOffsets.map((offset) => names.cString(offset));
}

/** Reads the ELF structure of `source`; throws a SlimgoError for a non-ELF, truncated or corrupt file. */
export async function parseElf(source: ByteSource): Promise<ElfInfo> {
  const header = await readHeader(source);
  const { sections, firstInfo } = await readSections(source, header);
  const segments = await readSegments(source, header, firstInfo?.info);
  // A cut-off file can still have intact headers; it would not load, so say so here.
  const pastEnd =
    segments.find((s) => s.type === PT_LOAD && s.offset + s.fileSize > source.size) ??
    sections.find((s) => s.type !== SHT_NOBITS && s.offset + s.size > source.size);
  if (pastEnd !== undefined) {
    const what = "name" in pastEnd ? `section ${pastEnd.name || "(unnamed)"}` : "a loadable segment";
    throw corruptBinary(source.name, `${what} ends at byte ${pastEnd.offset + ("size" in pastEnd ? pastEnd.size : pastEnd.fileSize)} but the file has ${source.size}`);
  }
  const interpreter = await readInterpreter(source, header.endianness, segments);
  const needed = await readNeeded(source, header, segments, sections);
  const { machine, goarch } = machineName(header.machineCode, header.elfClass, header.endianness);
  return {
    class: header.elfClass,
    endianness: header.endianness,
    type: header.type,
    machine,
    machineCode: header.machineCode,
    ...(goarch === undefined ? {} : { goarch }),
    entry: header.entry,
    linking: interpreter !== undefined || needed.length > 0 ? "dynamic" : "static",
    ...(interpreter === undefined ? {} : { interpreter }),
    needed,
    stripped: !sections.some((s) => s.type === SHT_SYMTAB || s.name === ".symtab"),
    debugInfo: sections.some((s) => s.name.startsWith(".debug_") || s.name.startsWith(".zdebug_")),
    sections,
    segments,
  };
}
