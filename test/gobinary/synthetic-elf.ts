/**
 * Writes small ELF files by hand for layouts the local Go 1.19 cannot produce: 32-bit and
 * big-endian files, the pre-1.18 build info pointer format and the older function tables.
 * One PT_LOAD maps the whole file at BASE_ADDRESS, so an address is BASE_ADDRESS + file offset.
 */
export const BASE_ADDRESS = 0x10000;
/** Sections start here, in the order given, each 16-byte aligned. */
export const FIRST_SECTION_OFFSET = 0x100;

export interface SyntheticSection {
  name: string;
  data: Buffer;
}

export interface SyntheticElf {
  elfClass: 32 | 64;
  endianness: "little" | "big";
  machine: number;
  sections: SyntheticSection[];
  /** Extra program headers (PT_INTERP = 3, PT_DYNAMIC = 2) covering the named section. */
  segments?: { type: number; section: string }[];
}

/** Where each section will land, so callers can compute addresses before writing data. */
export function sectionOffsets(sizes: number[]): number[] {
  const offsets: number[] = [];
  let at = FIRST_SECTION_OFFSET;
  for (const size of sizes) {
    offsets.push(at);
    at = align(at + size, 16);
  }
  return offsets;
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** Endian-aware writer that grows as needed. */
export class Writer {
  private buffer = Buffer.alloc(256);
  length = 0;
  constructor(readonly endianness: "little" | "big") {}

  private ensure(size: number): void {
    while (this.length + size > this.buffer.length) {
      const bigger = Buffer.alloc(this.buffer.length * 2);
      this.buffer.copy(bigger);
      this.buffer = bigger;
    }
  }
  u8(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value;
    return this;
  }
  u16(value: number): this {
    this.ensure(2);
    if (this.endianness === "little") this.buffer.writeUInt16LE(value, this.length);
    else this.buffer.writeUInt16BE(value, this.length);
    this.length += 2;
    return this;
  }
  u32(value: number): this {
    this.ensure(4);
    if (this.endianness === "little") this.buffer.writeUInt32LE(value >>> 0, this.length);
    else this.buffer.writeUInt32BE(value >>> 0, this.length);
    this.length += 4;
    return this;
  }
  u64(value: number): this {
    this.ensure(8);
    if (this.endianness === "little") this.buffer.writeBigUInt64LE(BigInt(value), this.length);
    else this.buffer.writeBigUInt64BE(BigInt(value), this.length);
    this.length += 8;
    return this;
  }
  word(value: number, size: number): this {
    return size === 8 ? this.u64(value) : this.u32(value);
  }
  bytes(data: Buffer | string): this {
    const b = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    this.ensure(b.length);
    b.copy(this.buffer, this.length);
    this.length += b.length;
    return this;
  }
  padTo(size: number): this {
    while (this.length < size) this.u8(0);
    return this;
  }
  done(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

export function syntheticElf(spec: SyntheticElf): Buffer {
  const wide = spec.elfClass === 64;
  const ptr = wide ? 8 : 4;
  const shstrtab = new Writer("little").u8(0);
  const nameOffsets = spec.sections.map((s) => {
    const at = shstrtab.length;
    shstrtab.bytes(`${s.name}\0`);
    return at;
  });
  const shstrtabNameOffset = shstrtab.length;
  shstrtab.bytes(".shstrtab\0");
  const all = [...spec.sections, { name: ".shstrtab", data: shstrtab.done() }];
  const offsets = sectionOffsets(all.map((s) => s.data.length));
  const sectionHeadersAt = align((offsets.at(-1) ?? FIRST_SECTION_OFFSET) + (all.at(-1)?.data.length ?? 0), 16);
  const shentsize = wide ? 64 : 40;
  const fileSize = sectionHeadersAt + (all.length + 1) * shentsize;
  const programHeaders = [{ type: 1, flags: 6, offset: 0, size: fileSize }];
  for (const extra of spec.segments ?? []) {
    const index = spec.sections.findIndex((s) => s.name === extra.section);
    programHeaders.push({ type: extra.type, flags: 4, offset: offsets[index] as number, size: spec.sections[index]?.data.length ?? 0 });
  }

  const w = new Writer(spec.endianness);
  w.bytes("\x7fELF").u8(wide ? 2 : 1).u8(spec.endianness === "little" ? 1 : 2).u8(1).padTo(16);
  w.u16(2).u16(spec.machine).u32(1).word(BASE_ADDRESS, ptr); // ET_EXEC, machine, version, entry
  w.word(wide ? 64 : 52, ptr).word(sectionHeadersAt, ptr).u32(0); // phoff, shoff, flags
  w.u16(wide ? 64 : 52).u16(wide ? 56 : 32).u16(programHeaders.length).u16(shentsize).u16(all.length + 1).u16(all.length);
  for (const p of programHeaders) {
    const address = BASE_ADDRESS + p.offset;
    if (wide) w.u32(p.type).u32(p.flags).u64(p.offset).u64(address).u64(address).u64(p.size).u64(p.size).u64(16);
    else w.u32(p.type).u32(p.offset).u32(address).u32(address).u32(p.size).u32(p.size).u32(p.flags).u32(16);
  }
  all.forEach((s, i) => w.padTo(offsets[i] as number).bytes(s.data));
  w.padTo(sectionHeadersAt);
  w.padTo(sectionHeadersAt + shentsize); // SHT_NULL
  all.forEach((s, i) => {
    const isNames = i === all.length - 1;
    const type = isNames ? 3 : 1;
    const nameOffset = isNames ? shstrtabNameOffset : (nameOffsets[i] as number);
    const offset = offsets[i] as number;
    const address = isNames ? 0 : BASE_ADDRESS + offset;
    w.u32(nameOffset).u32(type).word(isNames ? 0 : 2, ptr).word(address, ptr).word(offset, ptr).word(s.data.length, ptr);
    w.u32(0).u32(0).word(1, ptr).word(0, ptr);
  });
  return w.done();
}
