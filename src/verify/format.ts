/** Verify reports as text for people, JSON for scripts, and SARIF 2.1.0 for code scanning. */
import { checks } from "./checks/index.js";
import type { CheckStatus, VerifyReport } from "./types.js";
import { sarifLog, sarifRuleName, type SarifResult, type SarifRule } from "../sarif/log.js";

/** The colour functions the text report uses (the CLI's Colors fits). */
export interface VerifyColors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const plain = (s: string) => s;
export const noColors: VerifyColors = { bold: plain, dim: plain, red: plain, yellow: plain, green: plain };

const label: Record<CheckStatus, string> = { pass: "PASS", fail: "FAIL", skip: "SKIP" };
/** Evidence lines shown per check in text; JSON and SARIF carry all of them. */
const MAX_TEXT_EVIDENCE = 12;

function list(reports: VerifyReport | readonly VerifyReport[]): readonly VerifyReport[] {
  return Array.isArray(reports) ? reports : [reports as VerifyReport];
}

/** One block per platform: each check with its status, message and evidence, then a summary line. */
export function formatText(reports: VerifyReport | readonly VerifyReport[], colors: VerifyColors = noColors): string {
  const paint: Record<CheckStatus, (s: string) => string> = { pass: colors.green, fail: colors.red, skip: colors.dim };
  const lines: string[] = [];
  for (const report of list(reports)) {
    lines.push(colors.bold(`${report.reference ?? "image"} (${report.platform})`));
    for (const check of report.checks) {
      lines.push(`  ${paint[check.status](label[check.status])}  ${check.id} ${check.name}: ${check.message}`);
      if (check.status === "skip") continue;
      for (const e of check.evidence.slice(0, MAX_TEXT_EVIDENCE)) lines.push(colors.dim(`        ${e}`));
      const hidden = check.evidence.length - MAX_TEXT_EVIDENCE;
      if (hidden > 0) lines.push(colors.dim(`        … ${hidden} more (--json shows all)`));
    }
    const { pass, fail, skip } = report.counts;
    const summary = `${report.checks.length} checks: ${pass} passed, ${fail} failed, ${skip} skipped`;
    lines.push(fail > 0 ? colors.red(summary) : colors.green(summary), "");
  }
  return lines.join("\n");
}

export function formatJson(reports: VerifyReport | readonly VerifyReport[]): string {
  const all = list(reports);
  return JSON.stringify({ passed: all.every((r) => r.passed), reports: all }, null, 2) + "\n";
}

export interface SarifOptions {
  toolVersion?: string;
  /** Base URL for the checks' documentation. */
  docsUrl?: string;
}

const defaultDocsUrl = "https://github.com/slimgo/slimgo/blob/main/docs/verify.md";

/** SARIF 2.1.0: every check as a rule, one result per failed check located at the image reference. */
export function formatSarif(reports: VerifyReport | readonly VerifyReport[], options: SarifOptions = {}): string {
  const docs = options.docsUrl ?? defaultDocsUrl;
  const rules: SarifRule[] = checks.map((c) => ({
    id: c.id,
    name: sarifRuleName(c.name),
    shortDescription: { text: c.title },
    fullDescription: { text: c.title },
    helpUri: `${docs}#${c.id.toLowerCase()}-${c.name}`,
    help: { text: `${c.title}. See ${docs}` },
    defaultConfiguration: { level: "error" },
    properties: { tags: ["container", "go"], precision: "high" },
  }));
  const results: SarifResult[] = list(reports).flatMap((report) =>
    report.checks
      .filter((c) => c.status === "fail")
      .map((c) => ({
        ruleId: c.id,
        level: "error",
        message: { text: `${c.message} (${report.platform})` },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: report.reference ?? "image" } },
            logicalLocations: [{ name: report.platform, kind: "module" }],
          },
        ],
        properties: { platform: report.platform, evidence: c.evidence },
      })),
  );
  return sarifLog({ informationUri: docs, toolVersion: options.toolVersion, rules, results });
}
