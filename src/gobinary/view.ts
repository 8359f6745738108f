/**
 * Endian-aware, bounds-checked reads from a buffer that holds part of a binary.
 * Every read past the end becomes a SlimgoError naming the file, never a RangeError.
 */
import { corruptBinary } from "./source.js";

export type Endianness = "little" | "big";

export class BinaryView {
  constructor(
    readonly bytes: Buffer,
    readonly endianness: Endianness,
    /** File name for errors. */
    readonly name: string,
    /** What the bytes are, for errors ("ELF header", ".gopclntab"). */
    readonly what: string,
  ) {}

  get length(): number {
    return this.bytes.length;
  }

  private need(offset: number, size: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.bytes.length) {
      throw corruptBinary(this.name, `${this.what} ends before offset ${offset + size}`);
    }
  }

  u8(offset: number): number {
    this.need(offset, 1);
    return this.bytes[offset] as number;
  }

  u16(offset: number): number {
    this.need(offset, 2);
    return this.endianness === "little" ? this.bytes.readUInt16LE(offset) : this.bytes.readUInt16BE(offset);
  }

  u32(offset: number): number {
    this.need(offset, 4);
    return this.endianness === "little" ? this.bytes.readUInt32LE(offset) : this.bytes.readUInt32BE(offset);
  }

  i32(offset: number): number {
    this.need(offset, 4);
    return this.endianness === "little" ? this.bytes.readInt32LE(offset) : this.bytes.readInt32BE(offset);
  }

  /** A 64-bit value; values past 2^53 cannot be file offsets or sizes, so they are corrupt. */
  u64(offset: number): number {
    this.need(offset, 8);
    const value = this.endianness === "little" ? this.bytes.readBigUInt64LE(offset) : this.bytes.readBigUInt64BE(offset);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw corruptBinary(this.name, `${this.what} holds an impossible value at offset ${offset}`);
    }
    return Number(value);
  }

  /** An unsigned word of `size` bytes (4 or 8). */
  word(offset: number, size: number): number {
    return size === 8 ? this.u64(offset) : this.u32(offset);
  }

  /** A NUL-terminated string starting at `offset` (to the end of the view when no NUL follows). */
  cString(offset: number): string {
    this.need(offset, 0);
    const end = this.bytes.indexOf(0, offset);
    return this.bytes.toString("utf8", offset, end < 0 ? this.bytes.length : end);
  }

  slice(offset: number, length: number): Buffer {
    this.need(offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
}
