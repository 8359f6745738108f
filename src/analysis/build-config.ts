/** The module's own build scripts (Makefile, GoReleaser config): what they already say about the build. */
import path from "node:path";
import { readOptionalFile } from "./module-files.js";
import type { Evidence } from "./types.js";

export const BUILD_CONFIG_FILES = ["Makefile", "makefile", "GNUmakefile", ".goreleaser.yml", ".goreleaser.yaml"];

export interface BuildConfigLine {
  file: string;
  line: number;
  raw: string;
}

export function readBuildConfigLines(root: string): BuildConfigLine[] {
  const out: BuildConfigLine[] = [];
  for (const file of BUILD_CONFIG_FILES) {
    const text = readOptionalFile(path.join(root, file));
    if (text === undefined) continue;
    text.split("\n").forEach((raw, index) => out.push({ file, line: index + 1, raw }));
  }
  return out;
}

/** Lines that build with `-tags …timetzdata…` (or a GoReleaser `tags:` list naming it): tzdata is embedded. */
export function timetzdataTagEvidence(lines: BuildConfigLine[]): Evidence[] {
  return lines
    .filter((l) => /-tags[= ]['"]?[\w, ]*\btimetzdata\b/.test(l.raw) || /^\s*-\s*timetzdata\s*$/.test(l.raw))
    .map((l) => ({ file: l.file, line: l.line, text: l.raw.trim() }));
}
