import type { LintResult } from "../types.js";

/** Machine output: one object per file with its findings (fix edits included). */
export function formatJson(results: readonly LintResult[]): string {
  return JSON.stringify(
    results.map((r) => ({ file: r.file, failed: r.failed, failureThreshold: r.failureThreshold, findings: r.findings })),
    null,
    2,
  ) + "\n";
}
