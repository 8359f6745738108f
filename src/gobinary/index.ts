/**
 * Reading Go binaries: ELF facts (architecture, static or dynamic, stripped), Go build info
 * (version, modules, build settings) and the packages linked in, with the run-time needs they imply.
 */
import { SlimgoError, inputError } from "../errors.js";
import { readRawBuildInfo } from "./buildinfo.js";
import { isElf, parseElf } from "./elf.js";
import { linkedPackages, linkedRuntimeNeeds } from "./linked.js";
import { parseModinfo } from "./modinfo.js";
import { readFunctionTable, type FunctionTable } from "./pclntab.js";
import { corruptBinary, withSource, type BinaryInput, type ByteSource } from "./source.js";
import type { ElfInfo, GoBinaryInfo } from "./types.js";

export { isElf } from "./elf.js";
export { packageOf, linkedPackages, linkedRuntimeNeeds } from "./linked.js";
export { parseModinfo } from "./modinfo.js";
export { bufferSource, type BinaryInput, type ByteSource } from "./source.js";
export type * from "./types.js";

/** Parse failures we did not foresee still reach the user as one line naming the file. */
async function guarded<T>(source: ByteSource, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof SlimgoError) throw error;
    throw corruptBinary(source.name, `unexpected parse failure: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function startsWithElfMagic(source: ByteSource): Promise<boolean> {
  return source.size >= 4 && isElf(await source.read(0, 4));
}

/**
 * ELF facts of a binary given as a path, a Buffer or a ByteSource. Throws a SlimgoError for a
 * file that is not ELF, or is truncated or corrupt.
 */
export async function readElf(input: BinaryInput): Promise<ElfInfo> {
  return withSource(input, (source) =>
    guarded(source, async () => {
      if (!(await startsWithElfMagic(source))) {
        throw inputError(`${source.name}: not an ELF binary; pass a Linux executable`, { file: source.name });
      }
      return parseElf(source);
    }),
  );
}

/**
 * Everything slimgo reads from a Go binary. Undefined for files that are not ELF or are ELF
 * without Go build info or a Go function table; throws a SlimgoError for a truncated or corrupt file.
 */
export async function readGoBinary(input: BinaryInput): Promise<GoBinaryInfo | undefined> {
  return withSource(input, (source) =>
    guarded(source, async () => {
      if (!(await startsWithElfMagic(source))) return undefined;
      const elf = await parseElf(source);
      const raw = await readRawBuildInfo(source, elf);
      const hasTableSection = elf.sections.some((s) => s.name === ".gopclntab");
      // Scanning for the table's magic is only worth it when the section headers are gone
      // (sstrip, packers); with sections, a binary without .gopclntab is not Go.
      let table: FunctionTable | undefined;
      if (hasTableSection || elf.sections.length === 0) table = await readFunctionTable(source, elf);
      if (raw === undefined && table === undefined) return undefined;

      const warnings: string[] = [];
      const buildInfo = raw === undefined ? undefined : parseModinfo(raw.goVersion, raw.modinfo, warnings);
      if (raw === undefined) warnings.push("no Go build info found (Go before 1.13, or removed): version and modules unknown");
      if (table === undefined) warnings.push("no Go function table found: linked packages unknown");
      const names = table?.names ?? [];
      return {
        file: source.name,
        size: source.size,
        elf,
        ...(raw === undefined ? {} : { goVersion: raw.goVersion }),
        ...(buildInfo === undefined ? {} : { buildInfo }),
        ...(table === undefined
          ? {}
          : { linked: { tableVersion: table.tableVersion, functionCount: table.functionCount, packages: linkedPackages(names) } }),
        runtime: linkedRuntimeNeeds(names),
        warnings,
      };
    }),
  );
}
