/**
 * Whether a text is one of a Go binary's string literals. Go keeps string data back to back with no
 * terminator, so finding a name's bytes proves nothing ("adr" is inside "badreflectcall"). A literal
 * is what a string header points at: code loads its address (amd64 `LEAQ sym(RIP)`, arm64
 * `ADRP`+`ADD`) or static data holds it as a pointer. So a literal of n bytes starts at an address
 * something points at, nothing points inside it, and the next string starts (is pointed at) n bytes on.
 * Hand-written: no npm package decodes those two instructions out of an ELF file.
 */
import type { ElfInfo, ElfSection } from "./types.js";

export type LiteralVerdict =
  /** A string of the program on its own. */
  | "literal"
  /** The bytes are there, but only inside other strings or data. */
  | "embedded"
  /** The bytes are nowhere in the file. */
  | "absent"
  /** The bytes are there, and this machine's code is not decoded here (only amd64 and arm64 are). */
  | "unknown";

/** Sections whose 8-byte words can be pointers to string data (static string headers). */
const DATA_SECTIONS = new Set([".rodata", ".data", ".noptrdata", ".data.rel.ro"]);

/** A lookup for one binary: the addresses it points at are collected once. */
export function stringLiteralLookup(bytes: Buffer, elf: ElfInfo): (text: string) => LiteralVerdict {
  let pointedAt: Set<number> | undefined | null = null;
  return (text) => {
    const needle = Buffer.from(text, "utf8");
    if (needle.length === 0 || !bytes.includes(needle)) return "absent";
    if (pointedAt === null) pointedAt = addressesPointedAt(bytes, elf);
    if (pointedAt === undefined) return "unknown";
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
      const address = fileOffsetToAddress(elf.sections, at);
      if (address !== undefined && isWholeString(pointedAt, address, needle.length)) return "literal";
    }
    return "embedded";
  };
}

function isWholeString(pointedAt: ReadonlySet<number>, address: number, length: number): boolean {
  if (!pointedAt.has(address) || !pointedAt.has(address + length)) return false;
  for (let inside = address + 1; inside < address + length; inside++) if (pointedAt.has(inside)) return false;
  return true;
}

function fileOffsetToAddress(sections: readonly ElfSection[], offset: number): number | undefined {
  const section = sections.find((s) => s.address !== 0 && s.type !== SHT_NOBITS && offset >= s.offset && offset < s.offset + s.size);
  return section === undefined ? undefined : section.address + (offset - section.offset);
}

const SHT_NOBITS = 8;

/** Every address the code loads and every pointer in static data; undefined when the machine's code is not decoded here. */
function addressesPointedAt(bytes: Buffer, elf: ElfInfo): Set<number> | undefined {
  if (elf.class !== 64 || elf.endianness !== "little") return undefined;
  const text = elf.sections.find((s) => s.name === ".text" && s.type !== SHT_NOBITS);
  if (text === undefined || text.offset + text.size > bytes.length) return undefined;
  const code = bytes.subarray(text.offset, text.offset + text.size);
  const rodata = elf.sections.find((s) => s.name === ".rodata");
  if (rodata === undefined) return undefined;
  // Go puts string data in .rodata: only addresses there (and just past its end) are kept.
  const found = new Set<number>();
  const add = (address: number) => {
    if (address >= rodata.address && address <= rodata.address + rodata.size) found.add(address);
  };
  if (elf.machine === "x86_64") amd64Addresses(code, text.address, add);
  else if (elf.machine === "aarch64") arm64Addresses(code, text.address, add);
  else return undefined;
  for (const section of elf.sections) {
    if (!DATA_SECTIONS.has(section.name) || section.type === SHT_NOBITS || section.offset + section.size > bytes.length) continue;
    const data = bytes.subarray(section.offset, section.offset + section.size);
    for (let i = 0; i + 8 <= data.length; i += 8) add(data.readUInt32LE(i) + data.readUInt32LE(i + 4) * 2 ** 32);
  }
  return found;
}

/** `LEAQ disp32(RIP), reg`: REX.W (0x48, or 0x4c for r8-r15), 0x8d, ModRM with mod 00 and r/m 101. */
function amd64Addresses(code: Buffer, base: number, add: (address: number) => void): void {
  for (let i = 0; i + 7 <= code.length; i++) {
    const rex = code[i];
    if ((rex === 0x48 || rex === 0x4c) && code[i + 1] === 0x8d && (code[i + 2]! & 0xc7) === 0x05) {
      add(base + i + 7 + code.readInt32LE(i + 3));
    }
  }
}

/** `ADRP Xd, page` followed by `ADD Xd, Xd, #imm12 {, LSL #12}`. */
function arm64Addresses(code: Buffer, base: number, add: (address: number) => void): void {
  for (let i = 0; i + 8 <= code.length; i += 4) {
    const adrp = code.readUInt32LE(i);
    if ((adrp & 0x9f000000) >>> 0 !== 0x90000000) continue;
    const next = code.readUInt32LE(i + 4);
    const rd = adrp & 0x1f;
    if ((next & 0xff800000) >>> 0 !== 0x91000000 || ((next >>> 5) & 0x1f) !== rd || (next & 0x1f) !== rd) continue;
    const pages = ((((adrp >>> 5) & 0x7ffff) << 2) | ((adrp >>> 29) & 3)) << 11 >> 11;
    const page = Math.floor((base + i) / 4096) * 4096 + pages * 4096;
    const offset = ((next >>> 10) & 0xfff) * ((next >>> 22) & 1 ? 4096 : 1);
    add(page + offset);
  }
}
