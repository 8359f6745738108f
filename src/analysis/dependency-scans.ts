/**
 * A dependency file's header and the signs of run-time needs its tokens show, from the first of:
 * this process's last scan of the file, while its size and modification time stay the same
 * (`slimgo build --watch` analyses the module again on every save); the scans kept on disk for its
 * package (dependency-scan-store.ts), which a module cache package always has the same and a vendored
 * one while the file's content does; a scan of the file. The file is lexed past its imports only when
 * a build includes it and its text and imports may show a sign.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { importLocalNames, scanGoSource, type GoSourceFile } from "./go-source.js";
import { forgetKeptScansInMemory, keepFile, keptFile, type KeptFile, type KeptPackage } from "./dependency-scan-store.js";
import { isTokenNeed, mayShowNeedsInTokens, tokenSigns, type DependencyFile, type TokenSigns } from "./runtime-needs.js";
import type { Evidence } from "./types.js";

interface ScannedDependency {
  shown: string;
  /** Absent for a module cache file, which never changes. */
  stamp?: { mtimeMs: number; size: number };
  header: GoSourceFile;
  /** Undefined until a build that includes the file asks for them. */
  signs?: TokenSigns;
}
const scannedDependencyFiles = new Map<string, ScannedDependency>();

/**
 * The file at `absolute`, shown in evidence as `shown`. `kept`: the package's kept scans, when it has
 * any. `inBuild` (its build constraints) is asked first: a file the build leaves out is not looked at
 * past its header.
 */
export function scanDependencyFile(shown: string, absolute: string, kept: KeptPackage | undefined, inBuild: (header: GoSourceFile) => boolean): DependencyFile {
  let scanned = scannedDependencyFiles.get(absolute);
  let text: string | undefined;
  const read = () => (text ??= readFileSync(absolute, "utf8"));
  const name = path.basename(absolute);
  const stamp = kept && !kept.checkContent ? undefined : stampOf(absolute);
  let scannedNow = false;
  if (!scanned || scanned.shown !== shown || !sameStamp(scanned.stamp, stamp)) {
    const found = kept && keptFile(kept, name, read);
    const restored = found && fromKept(shown, found);
    scannedNow = !restored;
    scanned = { shown, ...(stamp ? { stamp } : {}), ...(restored ?? { header: scanGoSource(shown, read(), { headerOnly: true }) }) };
    scannedDependencyFiles.set(absolute, scanned);
  }
  if (!scanned.signs && inBuild(scanned.header)) {
    scanned.signs = mayShowNeedsInTokens(read(), scanned.header.localNames) ? tokenSigns(scanGoSource(shown, read())) : {};
    scannedNow = true;
  }
  if (kept && scannedNow) keepFile(kept, name, toKept(scanned), read());
  return { header: scanned.header, signs: scanned.signs ?? {} };
}

/** Forgets this process's scans, in memory and read from disk, as a new process starts: for tests. */
export function forgetScansInMemory(): void {
  scannedDependencyFiles.clear();
  forgetKeptScansInMemory();
}

function stampOf(file: string): { mtimeMs: number; size: number } {
  const { mtimeMs, size } = statSync(file);
  return { mtimeMs, size };
}

function sameStamp(a: ScannedDependency["stamp"], b: ScannedDependency["stamp"]): boolean {
  return a?.mtimeMs === b?.mtimeMs && a?.size === b?.size;
}

function toKept(scanned: ScannedDependency): KeptFile {
  const h = scanned.header;
  const kept: KeptFile = {
    imports: h.imports.map((imp) => ({ ...imp, text: (h.lines[imp.line - 1] ?? "").trim() })),
    plusBuild: h.plusBuild,
  };
  if (h.packageName !== undefined) kept.packageName = h.packageName;
  if (h.packageLine !== undefined) kept.packageLine = h.packageLine;
  if (h.goBuild) kept.goBuild = h.goBuild;
  if (scanned.signs) kept.signs = Object.fromEntries(Object.entries(scanned.signs).map(([need, list]) => [need, list.map((e) => ({ line: e.line, text: e.text ?? "" }))]));
  return kept;
}

/**
 * The header as a scan of its text gives it, with the lines its imports are on (all that evidence of
 * it reads), and the signs; undefined when a sign names a need this slimgo does not know.
 */
function fromKept(shown: string, kept: KeptFile): { header: GoSourceFile; signs?: TokenSigns } | undefined {
  const imports = kept.imports.map(({ path: importPath, name, line }) => (name === undefined ? { path: importPath, line } : { path: importPath, name, line }));
  const lines: string[] = [];
  for (const imp of kept.imports) lines[imp.line - 1] = imp.text;
  let localNames: Map<string, string> | undefined;
  const header: GoSourceFile = {
    file: shown,
    lines,
    tokens: [],
    comments: [],
    imports,
    // Asked for only when the file's signs are not kept yet: most files never need it.
    get localNames() {
      return (localNames ??= importLocalNames(imports));
    },
    plusBuild: kept.plusBuild,
    embeds: [],
    functions: [],
  };
  if (kept.packageName !== undefined) header.packageName = kept.packageName;
  if (kept.packageLine !== undefined) header.packageLine = kept.packageLine;
  if (kept.goBuild) header.goBuild = kept.goBuild;
  if (!kept.signs) return { header };
  const signs: TokenSigns = {};
  for (const [need, list] of Object.entries(kept.signs)) {
    if (!isTokenNeed(need)) return undefined;
    signs[need] = list.map((e): Evidence => ({ file: shown, line: e.line, text: e.text }));
  }
  return { header, signs };
}
