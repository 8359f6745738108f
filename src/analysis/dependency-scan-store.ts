/**
 * Dependency packages' scans kept on disk between runs, in slimgo's cache directory: a one-shot
 * `slimgo build`, `init` or `lint` of a program with a large dependency tree would otherwise lex the
 * same unchanging files on every run. One JSON file per package under
 * dependency-scans/<scanner digest>/, named by a digest of the package's key. A file that cannot be
 * read or does not hold what is expected counts as absent (and is written again); one that cannot be
 * written is left out, silently: the analysis is the same without it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cacheDir } from "../build/cache-dir.js";
import { tempPathBeside } from "../fsutil/atomic-write.js";
import { VERSION } from "../version.js";

/** Which kept scans a dependency package's files may use. */
export interface KeptPackage {
  /** Names the package's source: its module cache directory, or its vendored module version and import path. */
  key: string;
  /** The source can change under the same key (vendor/ is edited by hand): a kept scan counts only while the file's content hash matches. */
  checkContent: boolean;
}

export interface KeptEvidence {
  line: number;
  text: string;
}

/** What a dependency file contributes: its header (package, imports, build constraints) and the signs of run-time needs its tokens show. */
export interface KeptFile {
  /** SHA-256 of the file's text, for a package whose content is checked. */
  sha256?: string;
  packageName?: string;
  packageLine?: number;
  /** `text`: the import's line, trimmed, for evidence. */
  imports: { path: string; name?: string; line: number; text: string }[];
  goBuild?: { expr: string; line: number };
  plusBuild: { expr: string; line: number }[];
  /** Evidence by need; absent until a build that includes the file asked for it. */
  signs?: Record<string, KeptEvidence[]>;
}

interface KeptPackageFile {
  key: string;
  files: Record<string, KeptFile>;
}

/** The code whose output is kept: a scan made by another slimgo, or by changed rules, is never used. */
const SCANNER_MODULES = ["go-source.js", "runtime-needs.js", "evidence.js", "dependency-scans.js", "dependency-scan-store.js"];

let scannerDigest: string | undefined;

/** slimgo's version and a digest of the scanner's own code: an upgrade (or a change to a rule) starts a new directory. */
function scanner(): string {
  if (scannerDigest === undefined) {
    const hash = createHash("sha256").update(VERSION);
    try {
      for (const name of SCANNER_MODULES) hash.update(readFileSync(new URL(`./${name}`, import.meta.url)));
    } catch {
      // Code that is not where it was built (bundled): the version alone keys it.
    }
    scannerDigest = hash.digest("hex").slice(0, 16);
  }
  return scannerDigest;
}

/** Packages read (or made) in this process, by their file's path, and which of them changed. */
const loaded = new Map<string, KeptPackageFile>();
const changed = new Set<string>();
let reads = 0;

function fileOf(key: string): string {
  return path.join(cacheDir(), "dependency-scans", scanner(), `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
}

/** Each package's file, looked up once for all of its files (the key's digest is not free). */
const fileOfPackage = new WeakMap<KeptPackage, string>();

function packageFor(pkg: KeptPackage): { file: string; kept: KeptPackageFile } {
  let file = fileOfPackage.get(pkg);
  if (file === undefined) fileOfPackage.set(pkg, (file = fileOf(pkg.key)));
  let kept = loaded.get(file);
  if (!kept) {
    kept = readPackageFile(file, pkg.key) ?? { key: pkg.key, files: {} };
    loaded.set(file, kept);
  }
  return { file, kept };
}

function readPackageFile(file: string, key: string): KeptPackageFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  reads++;
  try {
    const value: unknown = JSON.parse(text);
    return isPackageFile(value) && value.key === key ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The kept scan of file `name` of the package; `text` is asked for only when the content is checked. */
export function keptFile(pkg: KeptPackage, name: string, text: () => string): KeptFile | undefined {
  const found = packageFor(pkg).kept.files[name];
  if (!found) return undefined;
  if (pkg.checkContent && found.sha256 !== sha256(text())) return undefined;
  return found;
}

/** Keeps the scan of file `name` (whose text is `text`) for the next run; written by saveKeptScans. */
export function keepFile(pkg: KeptPackage, name: string, file: KeptFile, text: string): void {
  const { file: at, kept } = packageFor(pkg);
  kept.files[name] = pkg.checkContent ? { ...file, sha256: sha256(text) } : file;
  changed.add(at);
}

/** Writes the packages whose kept scans changed in this process; a cache that cannot be written keeps nothing. */
export function saveKeptScans(): void {
  for (const file of changed) {
    changed.delete(file);
    const kept = loaded.get(file);
    if (!kept) continue;
    try {
      if (!prunedOthers.has(path.dirname(file))) pruneOtherScanners(path.dirname(file));
      mkdirSync(path.dirname(file), { recursive: true });
      const temp = tempPathBeside(file);
      try {
        writeFileSync(temp, JSON.stringify(kept));
        renameSync(temp, file);
      } finally {
        rmSync(temp, { force: true });
      }
    } catch {
      // Not kept: the next run scans this package again.
    }
  }
}

const prunedOthers = new Set<string>();

/** Scans kept by other slimgo versions (or rules) would never be read again: they go when this one first writes. */
function pruneOtherScanners(dir: string): void {
  prunedOthers.add(dir);
  const parent = path.dirname(dir);
  let names: string[] = [];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) if (name !== path.basename(dir) && /^[0-9a-f]{16}$/.test(name)) rmSync(path.join(parent, name), { recursive: true, force: true });
}

/** How many kept package files this process has read from disk, for tests. */
export function keptScanReads(): number {
  return reads;
}

/** Forgets what this process read or made, as a new process would start, for tests. */
export function forgetKeptScansInMemory(): void {
  loaded.clear();
  changed.clear();
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;
const optional = <T>(v: unknown, is: (x: unknown) => x is T): boolean => v === undefined || is(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isConstraint = (v: unknown): v is { expr: string; line: number } => isRecord(v) && isString(v.expr) && isNumber(v.line);
const isEvidence = (v: unknown): v is KeptEvidence => isRecord(v) && isNumber(v.line) && isString(v.text);
const isImport = (v: unknown): boolean => isRecord(v) && isString(v.path) && optional(v.name, isString) && isNumber(v.line) && isString(v.text);
const isSigns = (v: unknown): v is Record<string, KeptEvidence[]> => isRecord(v) && Object.values(v).every((list) => Array.isArray(list) && list.every(isEvidence));

/** A file as keptFile returns it: anything else (a truncated write, another tool's file) is not used. */
function isKeptFile(v: unknown): v is KeptFile {
  return (
    isRecord(v) &&
    optional(v.sha256, isString) &&
    optional(v.packageName, isString) &&
    optional(v.packageLine, isNumber) &&
    Array.isArray(v.imports) &&
    v.imports.every(isImport) &&
    optional(v.goBuild, isConstraint) &&
    Array.isArray(v.plusBuild) &&
    v.plusBuild.every(isConstraint) &&
    optional(v.signs, isSigns)
  );
}

function isPackageFile(v: unknown): v is KeptPackageFile {
  return isRecord(v) && isString(v.key) && isRecord(v.files) && Object.values(v.files).every(isKeptFile);
}
