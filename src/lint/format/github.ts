import type { LintResult, Severity } from "../types.js";

const level: Record<Severity, string> = { error: "error", warning: "warning", info: "notice", style: "notice" };

// Workflow commands need %, CR and LF escaped in data, and also : and , in properties.
const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** GitHub Actions annotations: `::error file=...,line=...,col=...,title=ID::message`. */
export function formatGithub(results: readonly LintResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `title=${escapeProperty(`${f.ruleId} (slimgo lint)`)}`];
      out.push(`::${level[f.severity]} ${props.join(",")}::${escapeData(`${f.ruleId} ${f.message}`)}`);
    }
  }
  return out.length > 0 ? out.join("\n") + "\n" : "";
}
