import { createTwoFilesPatch } from "diff";

/** A unified diff of a file before and after --fix; "" when nothing changed. */
export function unifiedDiff(oldText: string, newText: string, file: string): string {
  if (oldText === newText) return "";
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, oldText, newText, undefined, undefined, { context: 3 }).replace(/^=+\n/, "");
}
