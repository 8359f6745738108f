import { lineText, type GoSourceFile } from "./go-source.js";
import type { Evidence } from "./types.js";

export function evidenceAt(src: GoSourceFile, line: number): Evidence {
  return { file: src.file, line, text: lineText(src, line) };
}

/** Sorted by file then line, one entry per line. */
export function uniqueEvidence(list: Evidence[]): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const e of list) seen.set(`${e.file}:${e.line}`, seen.get(`${e.file}:${e.line}`) ?? e);
  return [...seen.values()].sort(compareEvidence);
}

export function compareEvidence(a: Evidence, b: Evidence): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line;
}
