import { isAbsolute, relative, resolve, sep } from "node:path";
import type { GoModReplace, ModuleAnalysis } from "./types.js";

/** A directory (absolute, or relative to the module root) relative to the module root, with forward slashes ("libs/lib", "../lib"). */
export function replacementDir(root: string, newPath: string): string {
  return relative(root, resolve(root, newPath)).split(sep).join("/") || ".";
}

/** Whether a directory (absolute, or relative to the module root) lies outside the module directory. */
export function isOutsideModule(root: string, dir: string): boolean {
  const rel = replacementDir(root, dir);
  return rel === ".." || rel.startsWith("../") || isAbsolute(rel);
}

/** `=> ./dir`, `=> ../dir`, `=> /abs/dir` (and `=> .`): go reads the module from a directory and downloads nothing for it. */
export function isDirectoryReplacement(r: GoModReplace): boolean {
  return /^(\.\.?(\/|$)|\/)/.test(r.newPath);
}

/**
 * go.mod's replacements by a directory (`=> ./libs/lib`, `=> ../lib`), split by whether the module
 * directory, and so a build context at the module root, holds it. `=> .` is the module itself: neither.
 */
export function localReplaces(analysis: Pick<ModuleAnalysis, "root" | "goMod">): { inside: GoModReplace[]; outside: GoModReplace[] } {
  const local = analysis.goMod.replaces.filter(isDirectoryReplacement);
  const outside = (r: GoModReplace) => isOutsideModule(analysis.root, r.newPath);
  return { inside: local.filter((r) => !outside(r) && replacementDir(analysis.root, r.newPath) !== "."), outside: local.filter(outside) };
}
