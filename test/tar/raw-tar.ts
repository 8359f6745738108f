// Builds tar bytes with no safety checks at all, so tests can make the hostile archives that
// slimgo's own writer refuses to produce.
export interface RawEntry {
  name: string;
  /** tar typeflag: "0" file, "1" hard link, "2" symlink, "3" char device, "5" dir, "6" fifo, "x" PAX. */
  type?: string;
  data?: Buffer | string;
  /** Size written into the header; defaults to the data length. */
  size?: number;
  linkname?: string;
  mode?: number;
}

function header(entry: RawEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(entry.name, 0, 100, "utf8");
  block.write(((entry.mode ?? 0o644).toString(8).padStart(7, "0")) + "\0", 100, "latin1");
  block.write("0000000\0", 108, "latin1");
  block.write("0000000\0", 116, "latin1");
  block.write(size.toString(8).padStart(11, "0") + "\0", 124, "latin1");
  block.write("00000000000\0", 136, "latin1");
  block.fill(0x20, 148, 156);
  block.write(entry.type ?? "0", 156, "latin1");
  block.write(entry.linkname ?? "", 157, 100, "utf8");
  block.write("ustar\0" + "00", 257, "latin1");
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
  return block;
}

export function rawTar(entries: RawEntry[], options: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? "");
    parts.push(header(entry, entry.size ?? data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (options.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A PAX extended header record "LEN key=value\n". */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}
