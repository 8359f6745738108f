import type { LintResult, Severity } from "../types.js";

const colors: Record<Severity, string> = { error: "\u001b[31m", warning: "\u001b[33m", info: "\u001b[36m", style: "\u001b[90m" };
const reset = "\u001b[0m";
const bold = "\u001b[1m";

/** Human output: findings grouped by file, `file:line:col severity ID message`, and a summary line. */
export function formatText(results: readonly LintResult[], options: { color?: boolean } = {}): string {
  const paint = (s: string, code: string): string => (options.color ? code + s + reset : s);
  const lines: string[] = [];
  const totals: Record<Severity, number> = { error: 0, warning: 0, info: 0, style: 0 };
  for (const result of results) {
    if (result.findings.length === 0) continue;
    lines.push(paint(result.file, bold));
    for (const f of result.findings) {
      totals[f.severity]++;
      const fixable = f.fix ? " (fixable)" : "";
      lines.push(`  ${f.file}:${f.line}:${f.column} ${paint(f.severity.padEnd(7), colors[f.severity])} ${f.ruleId} ${f.message}${fixable}`);
    }
    lines.push("");
  }
  const count = totals.error + totals.warning + totals.info + totals.style;
  const files = results.length;
  if (count === 0) lines.push(`${files} Dockerfile${files === 1 ? "" : "s"} linted: no problems`);
  else lines.push(`${count} problem${count === 1 ? "" : "s"} (${totals.error} error, ${totals.warning} warning, ${totals.info} info, ${totals.style} style) in ${files} Dockerfile${files === 1 ? "" : "s"}`);
  return lines.join("\n") + "\n";
}
