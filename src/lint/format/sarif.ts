import { rules as allRules } from "../rules/index.js";
import type { LintResult, Rule, Severity } from "../types.js";
import { sarifLog, sarifRuleName, type SarifLevel, type SarifResult, type SarifRule } from "../../sarif/log.js";

const level: Record<Severity, SarifLevel> = { error: "error", warning: "warning", info: "note", style: "note" };

export interface SarifOptions {
  /** Rules to describe in tool.driver.rules (default: every slimgo rule). */
  rules?: readonly Rule[];
  /** Base URL for rule help pages; helpUri = base + rule.meta.docs. */
  docsBaseUrl?: string;
  toolVersion?: string;
}

const defaultDocsBase = "https://github.com/slimgo/slimgo/blob/main/";

/** SARIF 2.1.0 for GitHub code scanning: rule metadata with help URIs, one result per finding. */
export function formatSarif(results: readonly LintResult[], options: SarifOptions = {}): string {
  const base = options.docsBaseUrl ?? defaultDocsBase;
  const rules: SarifRule[] = (options.rules ?? allRules).map((r) => ({
    id: r.meta.id,
    name: sarifRuleName(r.meta.name),
    shortDescription: { text: r.meta.description },
    fullDescription: { text: r.meta.description },
    helpUri: base + r.meta.docs,
    help: { text: `${r.meta.description} See ${base + r.meta.docs}`, markdown: `${r.meta.description} [Rule documentation](${base + r.meta.docs})` },
    defaultConfiguration: { level: level[r.meta.severity] },
    properties: { tags: ["dockerfile", r.meta.id.startsWith("SG1") ? "go" : "general"], precision: "high" },
  }));
  const sarifResults: SarifResult[] = results.flatMap((r) =>
    r.findings.map((f) => ({
      ruleId: f.ruleId,
      level: level[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(f.file) },
            region: { startLine: f.line, startColumn: f.column, endLine: Math.max(f.endLine, f.line), endColumn: f.endLine > f.line ? f.endColumn : Math.max(f.endColumn, f.column + 1) },
          },
        },
      ],
    })),
  );
  return sarifLog({ informationUri: base, toolVersion: options.toolVersion, rules, results: sarifResults });
}

function toUri(file: string): string {
  const forward = file.replace(/\\/g, "/").replace(/^\.\//, "");
  // An absolute path is no URI: SARIF wants file:///path (code scanning makes it relative to the checkout).
  const drive = /^[A-Za-z]:\//.exec(forward)?.[0];
  if (drive !== undefined) return `file:///${drive}${encodePath(forward.slice(drive.length))}`;
  if (forward.startsWith("/")) return `file://${encodePath(forward)}`;
  return encodePath(forward);
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
