import { readdirSync, statSync, type Dirent } from "node:fs";
import path from "node:path";
import { constraintsSatisfied, fileNameIncluded, type BuildContext } from "./build-constraints.js";
import { isThirdParty, type DependencyDir } from "./dependency-source.js";
import { scanGoSource, type GoSourceFile } from "./go-source.js";
import { readRequiredFile } from "./module-files.js";
import type { KeptPackage } from "./dependency-scan-store.js";
import { scanDependencyFile } from "./dependency-scans.js";
import type { DependencyFile } from "./runtime-needs.js";

/** A package of the module being analysed, or a dependency, and the files a linux build compiles (no tests). */
export interface PackageFiles {
  importPath: string;
  /** Directory as evidence shows it: relative to the module root ("." or "cmd/api", "vendor/example.com/lib"), or "example.com/lib@v1.2.0" in the module cache. */
  dir: string;
  /** File paths as evidence shows them: `dir` and the file name. */
  files: string[];
}

/**
 * Scanned Go files by the path evidence shows, so each file is read and lexed once. A dependency's file
 * is lexed past its imports only when its text and imports may show a sign of a run-time need.
 */
export class SourceCache {
  private readonly files = new Map<string, GoSourceFile>();
  private readonly dependencies = new Map<string, DependencyFile>();
  private readonly outside = new Map<string, string>();
  private readonly kept = new Map<string, KeptPackage>();
  constructor(readonly root: string) {}

  /**
   * Where a file is on disk whose shown path is not relative to the module root (the module cache,
   * `=> ../lib`), and for a dependency's file, the scans kept for its package, if any.
   */
  locate(shown: string, absolute: string, kept?: KeptPackage): void {
    this.outside.set(shown, absolute);
    if (kept) this.kept.set(shown, kept);
  }

  get(rel: string): GoSourceFile {
    let src = this.files.get(rel);
    if (!src) {
      src = scanGoSource(rel, readRequiredFile(this.pathOf(rel), rel, "remove it or fix it"));
      this.files.set(rel, src);
    }
    return src;
  }

  /**
   * A dependency's file: its header, and the signs of run-time needs its tokens show (see
   * scanDependencyFile). `inBuild` (the build constraints) is asked first: a file the build leaves
   * out is not looked at past its header.
   */
  dependency(shown: string, inBuild: (header: GoSourceFile) => boolean = () => true): DependencyFile {
    let found = this.dependencies.get(shown);
    if (!found) {
      found = scanDependencyFile(shown, this.pathOf(shown), this.kept.get(shown), inBuild);
      this.dependencies.set(shown, found);
    }
    return found;
  }

  private pathOf(shown: string): string {
    return this.outside.get(shown) ?? path.join(this.root, shown);
  }
}

/** A file go reads as source: a regular file, or a symbolic link to one (go follows links to files, not to directories). */
function isSourceFile(dir: string, entry: Dirent): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path.join(dir, entry.name)).isFile();
  } catch {
    // A dangling link or a loop: go build names it when it fails to open it.
    return false;
  }
}

/** A dependency directory's entries; none when it cannot be read, as when its source is not on disk. */
function readableEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Directories `go build ./...` never looks into. */
export function skippedDir(name: string): boolean {
  return name === "testdata" || name === "vendor" || name.startsWith(".") || name.startsWith("_");
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

export function importPathOf(modulePath: string, dir: string): string {
  return dir === "." ? modulePath : `${modulePath}/${dir}`;
}

/**
 * The scanner's answer to "which packages and files": walks the module (skipping testdata, vendor,
 * hidden and `_` directories and nested modules) and applies file-name rules and build constraints.
 */
export function listPackagesByScanning(root: string, modulePath: string, ctx: BuildContext, cache: SourceCache, warn: (message: string) => void = () => {}): PackageFiles[] {
  const out: PackageFiles[] = [];
  const walk = (relDir: string): void => {
    const abs = path.join(root, relDir);
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (err) {
      // go build of another package never reads it (only go list ./... fails); its packages are left out.
      warn(`cannot read ${toPosix(relDir)}/ (${(err as NodeJS.ErrnoException).code ?? String(err)}): its packages are left out of the analysis`);
      return;
    }
    if (relDir !== "." && entries.some((e) => e.isFile() && e.name === "go.mod")) return;
    const files = entries
      .filter((e) => fileNameIncluded(e.name, ctx) && isSourceFile(abs, e))
      .map((e) => toPosix(path.join(relDir, e.name)))
      .filter((rel) => {
        const src = cache.get(rel);
        // With cgo off, go build leaves out every file that imports "C", whatever its constraints say.
        return src.packageName !== undefined && constraintsSatisfied(src, ctx) && (ctx.cgo || !src.imports.some((i) => i.path === "C"));
      });
    if (files.length > 0) out.push({ importPath: importPathOf(modulePath, toPosix(relDir)), dir: toPosix(relDir), files });
    for (const e of entries) if (e.isDirectory() && !skippedDir(e.name)) walk(relDir === "." ? e.name : path.join(relDir, e.name));
  };
  walk(".");
  return out;
}

/** The package of a third-party import path, when its source is on disk. */
export type DependencyLookup = (importPath: string) => PackageFiles | undefined;

/**
 * The scanner's answer to "which files" for third-party packages: each package's directory from
 * `locate`, with the file-name rules and build constraints applied to its files. Each package is listed once.
 */
export function scannedDependencies(locate: (importPath: string) => DependencyDir | undefined, ctx: BuildContext, cache: SourceCache): DependencyLookup {
  const listed = new Map<string, PackageFiles | undefined>();
  return (importPath) => {
    if (listed.has(importPath)) return listed.get(importPath);
    let pkg: PackageFiles | undefined;
    const found = locate(importPath);
    if (found) {
      const files = readableEntries(found.dir)
        .filter((e) => fileNameIncluded(e.name, ctx) && isSourceFile(found.dir, e))
        .map((e) => e.name)
        .sort()
        .filter((name) => {
          const shown = `${found.shown}/${name}`;
          cache.locate(shown, path.join(found.dir, name), found.kept);
          const inBuild = (header: GoSourceFile) => header.packageName !== undefined && constraintsSatisfied(header, ctx);
          return inBuild(cache.dependency(shown, inBuild).header);
        })
        .map((name) => `${found.shown}/${name}`);
      if (files.length > 0) pkg = { importPath, dir: found.shown, files };
    }
    listed.set(importPath, pkg);
    return pkg;
  };
}

export interface Program {
  /** Internal packages in the build graph, the main package first. */
  packages: PackageFiles[];
  files: GoSourceFile[];
  /** Third-party packages in the build graph whose source is on disk: read for the program's run-time needs only. */
  dependencies: PackageFiles[];
  /** Their files (see SourceCache.dependency). */
  dependencyFiles: DependencyFile[];
}

/** The main package plus every module-internal package it imports, transitively, and the third-party packages they import. */
export function programGraph(main: PackageFiles, packages: Map<string, PackageFiles>, cache: SourceCache, dependency: DependencyLookup = () => undefined): Program {
  const seen = new Set<string>([main.importPath]);
  const order: PackageFiles[] = [main];
  const dependencies: PackageFiles[] = [];
  const follow = (imp: string): void => {
    if (seen.has(imp)) return;
    const own = packages.get(imp);
    const pkg = own ?? (isThirdParty(imp) ? dependency(imp) : undefined);
    if (!pkg) return;
    seen.add(imp);
    (own ? order : dependencies).push(pkg);
  };
  for (let k = 0; k < order.length; k++) {
    for (const rel of order[k]!.files) for (const imp of cache.get(rel).imports) follow(imp.path);
  }
  // A dependency importing a package of this module (a cycle between modules) adds no own package: it is rare, and the facts stay those of the module's own graph.
  for (let k = 0; k < dependencies.length; k++) {
    for (const shown of dependencies[k]!.files) for (const imp of cache.dependency(shown).header.imports) if (!packages.has(imp.path)) follow(imp.path);
  }
  return {
    packages: order,
    files: order.flatMap((p) => p.files.map((f) => cache.get(f))),
    dependencies,
    dependencyFiles: dependencies.flatMap((p) => p.files.map((f) => cache.dependency(f))),
  };
}
