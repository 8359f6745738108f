/**
 * What kind of program a file is, from its first bytes: a Linux runtime can exec an ELF program
 * for its machine and a #! script; a Windows PE or a macOS Mach-O executable fails with
 * "exec format error". Only the headers' fixed fields are read, so a file's first 4 KiB suffice.
 */
import { machineName } from "../gobinary/elf.js";
import type { ImageView } from "./image-view.js";
import { readImageFile } from "./image-paths.js";

export type ExecutableFormat =
  | { kind: "elf"; machine?: string; goarch?: string }
  | { kind: "script" }
  /** A program for another operating system: it never runs on Linux. */
  | { kind: "foreign"; os: "windows" | "darwin"; goarch?: string; description: string }
  | { kind: "unknown" };

/** Bytes of a file's head that identify every format above. */
export const FORMAT_HEAD_BYTES = 4096;

const PE_MACHINES: Record<number, { name: string; goarch: string }> = {
  0x14c: { name: "x86", goarch: "386" },
  0x8664: { name: "x86-64", goarch: "amd64" },
  0x1c4: { name: "ARM", goarch: "arm" },
  0xaa64: { name: "ARM64", goarch: "arm64" },
};

const MACHO_CPUS: Record<number, { name: string; goarch: string }> = {
  7: { name: "i386", goarch: "386" },
  0x01000007: { name: "x86_64", goarch: "amd64" },
  12: { name: "arm", goarch: "arm" },
  0x0100000c: { name: "arm64", goarch: "arm64" },
};

function elfFormat(head: Buffer): ExecutableFormat {
  const elfClass = head[4] === 2 ? 64 : head[4] === 1 ? 32 : undefined;
  const little = head[5] === 1 ? true : head[5] === 2 ? false : undefined;
  if (elfClass === undefined || little === undefined || head.length < 20) return { kind: "elf" };
  const code = little ? head.readUInt16LE(18) : head.readUInt16BE(18);
  const { machine, goarch } = machineName(code, elfClass, little ? "little" : "big");
  return { kind: "elf", machine, ...(goarch === undefined ? {} : { goarch }) };
}

function peFormat(head: Buffer): ExecutableFormat | undefined {
  if (head.length < 0x40) return undefined;
  const at = head.readUInt32LE(0x3c);
  if (at + 6 > head.length || head.toString("latin1", at, at + 4) !== "PE\0\0") return undefined;
  const machine = PE_MACHINES[head.readUInt16LE(at + 4)];
  return { kind: "foreign", os: "windows", ...(machine ? { goarch: machine.goarch } : {}), description: `a Windows PE executable${machine ? ` (${machine.name})` : ""}` };
}

function machoFormat(head: Buffer): ExecutableFormat | undefined {
  if (head.length < 8) return undefined;
  const magic = head.readUInt32BE(0);
  if (magic === 0xcafebabe || magic === 0xcafebabf) {
    // Java class files share this magic; their next word is a version far above any count of architectures.
    if (head.readUInt32BE(4) > 32) return undefined;
    return { kind: "foreign", os: "darwin", description: "a macOS universal (fat Mach-O) executable" };
  }
  const littleEndian = magic === 0xcefaedfe || magic === 0xcffaedfe;
  if (!littleEndian && magic !== 0xfeedface && magic !== 0xfeedfacf) return undefined;
  const cpu = MACHO_CPUS[littleEndian ? head.readUInt32LE(4) : head.readUInt32BE(4)];
  return { kind: "foreign", os: "darwin", ...(cpu ? { goarch: cpu.goarch } : {}), description: `a macOS Mach-O executable${cpu ? ` (${cpu.name})` : ""}` };
}

/** The format of a file from its first bytes (at least FORMAT_HEAD_BYTES when the file is that long). */
export function executableFormat(head: Buffer): ExecutableFormat {
  if (head.length >= 4 && head.toString("latin1", 0, 4) === "\x7fELF") return elfFormat(head);
  if (head.length >= 2 && head.toString("latin1", 0, 2) === "#!") return { kind: "script" };
  if (head.length >= 2 && head.toString("latin1", 0, 2) === "MZ") return peFormat(head) ?? { kind: "unknown" };
  return machoFormat(head) ?? { kind: "unknown" };
}

/**
 * Why a Linux image on `platform` cannot exec a program of this format ("exec format error"),
 * or undefined when it can (or the format is not known well enough to tell).
 */
export function whyNotRunnable(format: ExecutableFormat, platform: Pick<ImageView["platform"], "os" | "architecture">): string | undefined {
  if (platform.os !== "linux") return undefined;
  if (format.kind === "foreign") return `is ${format.description}, not a Linux ELF program`;
  if (format.kind === "elf" && format.goarch !== undefined && format.goarch !== platform.architecture) {
    return `is an ELF program for ${format.machine} (${format.goarch}), not for the image's ${platform.architecture}`;
  }
  return undefined;
}

/** What the runtime finds for an image path: the format of the file argv[0] names. */
export async function formatOfFile(view: ImageView, path: string): Promise<ExecutableFormat | undefined> {
  const head = await readImageFile(view, path, FORMAT_HEAD_BYTES);
  return head === undefined ? undefined : executableFormat(head);
}

/** The format in a few words, for reports: "ELF program (x86_64)", "a Windows PE executable (x86-64)". */
export function describeFormat(format: ExecutableFormat): string {
  switch (format.kind) {
    case "elf":
      return `ELF program${format.machine ? ` (${format.machine})` : ""}`;
    case "script":
      return "#! script";
    case "foreign":
      return format.description.replace(/^an? /, "");
    case "unknown":
      return "neither an ELF program nor a #! script";
  }
}
