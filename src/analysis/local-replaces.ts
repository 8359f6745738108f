import { isAbsolute, relative, resolve, sep } from "node:path";
import type { GoModReplace, ModuleAnalysis } from "./types.js";

/** A replacement directory relative to the module root, with forward slashes ("libs/lib", "../lib"). */
export function replacementDir(root: string, newPath: string): string {
  return relative(root, resolve(root, newPath)).split(sep).join("/") || ".";
}

/**
 * go.mod's replacements by a directory (`=> ./libs/lib`, `=> ../lib`), split by whether the module
 * directory, and so a build context at the module root, holds it. `=> .` is the module itself: neither.
 */
export function localReplaces(analysis: Pick<ModuleAnalysis, "root" | "goMod">): { inside: GoModReplace[]; outside: GoModReplace[] } {
  const local = analysis.goMod.replaces.filter((r) => /^(\.\.?\/|\/)/.test(r.newPath) || r.newPath === "..");
  const dir = (r: GoModReplace) => replacementDir(analysis.root, r.newPath);
  const outsideRoot = (r: GoModReplace) => dir(r) === ".." || dir(r).startsWith("../") || isAbsolute(dir(r));
  return { inside: local.filter((r) => !outsideRoot(r) && dir(r) !== "."), outside: local.filter(outsideRoot) };
}
