/** Reader for vendor/modules.txt (a line format only Go itself parses; hand-written, a few lines). */
import { existsSync } from "node:fs";
import path from "node:path";
import { readRequiredFile } from "./module-files.js";
import type { Evidence } from "./types.js";

export interface VendoredModule {
  path: string;
  version: string;
  /** Packages of the module that are vendored. */
  packages: string[];
  evidence: Evidence;
}

export interface VendorInfo {
  vendored: boolean;
  evidence?: Evidence;
  modules: VendoredModule[];
}

/**
 * Reads vendor/modules.txt. Lines are `# module version [=> replacement]`, `## explicit[; go 1.x]`
 * and package paths; a module whose go.mod says go >= 1.14 builds with -mod=vendor by default when it exists.
 */
export function readVendor(root: string): VendorInfo {
  const file = path.join(root, "vendor", "modules.txt");
  if (!existsSync(file)) return { vendored: false, modules: [] };
  const lines = readRequiredFile(file, "vendor/modules.txt", "remove it and run go mod vendor").split("\n");
  const modules: VendoredModule[] = [];
  let current: VendoredModule | undefined;
  lines.forEach((raw, index) => {
    const text = raw.trim();
    const header = /^# (\S+) (\S+)/.exec(text);
    if (header) {
      current = { path: header[1]!, version: header[2]!, packages: [], evidence: { file: "vendor/modules.txt", line: index + 1, text } };
      modules.push(current);
    } else if (text && !text.startsWith("#") && current) {
      current.packages.push(text);
    }
  });
  const first = modules[0];
  return {
    vendored: true,
    evidence: first ? first.evidence : { file: "vendor/modules.txt", line: 1, text: (lines[0] ?? "").trim() },
    modules,
  };
}
