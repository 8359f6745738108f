import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { constraintsSatisfied, fileNameIncluded, type BuildContext } from "./build-constraints.js";
import { scanGoSource, type GoSourceFile } from "./go-source.js";

/** A package of the module being analysed and the files a linux build compiles (no tests). */
export interface PackageFiles {
  importPath: string;
  /** Directory relative to the module root: "." or "cmd/api". */
  dir: string;
  /** File paths relative to the module root. */
  files: string[];
}

/** Scanned Go files by module-relative path, so each file is lexed once. */
export class SourceCache {
  private readonly files = new Map<string, GoSourceFile>();
  constructor(readonly root: string) {}

  get(rel: string): GoSourceFile {
    let src = this.files.get(rel);
    if (!src) {
      src = scanGoSource(rel, readFileSync(path.join(this.root, rel), "utf8"));
      this.files.set(rel, src);
    }
    return src;
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
export function listPackagesByScanning(root: string, modulePath: string, ctx: BuildContext, cache: SourceCache): PackageFiles[] {
  const out: PackageFiles[] = [];
  const walk = (relDir: string): void => {
    const abs = path.join(root, relDir);
    const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (relDir !== "." && entries.some((e) => e.isFile() && e.name === "go.mod")) return;
    const files = entries
      .filter((e) => e.isFile() && fileNameIncluded(e.name, ctx))
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

export interface Program {
  /** Internal packages in the build graph, the main package first. */
  packages: PackageFiles[];
  files: GoSourceFile[];
}

/** The main package plus every module-internal package it imports, transitively. */
export function programGraph(main: PackageFiles, packages: Map<string, PackageFiles>, cache: SourceCache): Program {
  const seen = new Set<string>([main.importPath]);
  const order: PackageFiles[] = [main];
  for (let k = 0; k < order.length; k++) {
    for (const rel of order[k]!.files) {
      for (const imp of cache.get(rel).imports) {
        const pkg = packages.get(imp.path);
        if (pkg && !seen.has(imp.path)) {
          seen.add(imp.path);
          order.push(pkg);
        }
      }
    }
  }
  return { packages: order, files: order.flatMap((p) => p.files.map((f) => cache.get(f))) };
}
