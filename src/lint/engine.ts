import type { ModuleAnalysis } from "../analysis/types.js";
import { contextExistence, contextPath, readContextFile } from "./context-files.js";
import { readSuppressions, type Suppressions } from "./ignores.js";
import { editsFitQuotes } from "./model/nested-scripts.js";
import type { DockerfileModel, InstructionModel } from "./model/types.js";
import { severityRank, type Finding, type LintConfig, type Rule, type RuleMeta, type Severity, type SourceRange } from "./types.js";

export interface EngineInput {
  model: DockerfileModel;
  rules: readonly Rule[];
  file: string;
  module?: ModuleAnalysis;
  contextDir?: string;
  dockerignore?: string[];
  /** The ignore file's name (.dockerignore, .containerignore, Dockerfile.dockerignore), for messages. */
  dockerignoreName?: string;
  /** The ignore file's path, which fixes that add to it name (Fix.ignoreFile). */
  dockerignorePath?: string;
  config?: LintConfig;
  /** Text of files not yet written, by absolute path, read in place of the disk's (LintOptions.pendingFiles). */
  pendingFiles?: ReadonlyMap<string, string>;
}

/** Runs every enabled rule over the model and returns findings after suppressions and overrides, sorted. */
export function runRules(input: EngineInput): Finding[] {
  const { model, file, config } = input;
  const suppressions = readSuppressions(model);
  const ignored = new Set((config?.ignore ?? []).map((c) => c.toUpperCase()));
  const findings: Finding[] = [];
  const { contextDir } = input;
  const fileExists = contextDir === undefined ? () => undefined : contextExistence(contextDir);
  const readFile = (relativePath: string): string | undefined => {
    if (contextDir === undefined) return undefined;
    const pending = input.pendingFiles?.size ? input.pendingFiles.get(contextPath(contextDir, relativePath) ?? "") : undefined;
    return pending ?? readContextFile(contextDir, relativePath);
  };

  for (const rule of input.rules) {
    const meta = rule.meta;
    const severity = effectiveSeverity(meta, config);
    if (severity === "off") continue;
    if (isSuppressedEverywhere(meta, ignored, suppressions)) continue;
    if (meta.needsModule && input.module === undefined) continue;
    const context = {
      model,
      fileExists,
      readFile,
      report: (r: { at: InstructionModel | SourceRange; message: string; fix?: Finding["fix"] }): void => {
        const range = "keyword" in r.at ? r.at.range : r.at;
        const finding: Finding = {
          ruleId: meta.id,
          severity,
          message: r.message,
          file,
          line: range.line,
          column: range.column,
          endLine: range.endLine,
          endColumn: range.endColumn,
        };
        // A rule's edit inside `sh -c '...'` may hold text those quotes cannot: then no fix.
        if (r.fix && editsFitQuotes(model, r.fix.edits)) finding.fix = r.fix.dockerignoreAdditions && input.dockerignorePath !== undefined ? { ...r.fix, ignoreFile: input.dockerignorePath } : r.fix;
        findings.push(finding);
      },
      ...(input.module !== undefined ? { module: input.module } : {}),
      ...(input.contextDir !== undefined ? { contextDir: input.contextDir } : {}),
      ...(input.dockerignore !== undefined ? { dockerignore: input.dockerignore } : {}),
      dockerignoreName: input.dockerignoreName ?? ".dockerignore",
    };
    try {
      rule.check(context);
    } catch (error) {
      // A rule bug must not hide the other rules' findings, nor crash the run.
      const message = error instanceof Error ? error.message : String(error);
      findings.push({ ruleId: meta.id, severity: "info", message: `rule ${meta.id} could not check this Dockerfile (${message.split("\n")[0]}); please report it`, file, line: 1, column: 1, endLine: 1, endColumn: 1 });
    }
  }

  const kept = findings.filter((f) => !isSuppressedAt(f, instructionLineOf(model, f.line), input.rules, suppressions));
  return sortFindings(kept);
}

export function effectiveSeverity(meta: RuleMeta, config: LintConfig | undefined): Severity | "off" {
  const overrides = config?.severity ?? {};
  for (const code of codesOf(meta)) {
    const o = Object.entries(overrides).find(([k]) => k.toUpperCase() === code.toUpperCase());
    if (o) return o[1];
  }
  return meta.severity;
}

/** The codes in `codes` that name no rule: not a slimgo id or name, nor a hadolint or BuildKit name of one. */
export function unknownRuleCodes(codes: readonly string[], known: readonly Rule[]): string[] {
  const all = new Set(known.flatMap((r) => codesOf(r.meta)).map((c) => c.toUpperCase()));
  return codes.filter((c) => !all.has(c.toUpperCase()));
}

function codesOf(meta: RuleMeta): string[] {
  return [meta.id, meta.name, ...(meta.peers.hadolint ?? []), ...(meta.peers.buildkit ?? [])];
}

function isSuppressedEverywhere(meta: RuleMeta, ignored: Set<string>, s: Suppressions): boolean {
  const codes = codesOf(meta).map((c) => c.toUpperCase());
  if (codes.some((c) => ignored.has(c) || s.global.has(c))) return true;
  const buildkit = meta.peers.buildkit ?? [];
  if (buildkit.length > 0 && (s.buildkitSkips.has("all") || buildkit.some((b) => s.buildkitSkips.has(b.toLowerCase())))) return true;
  return false;
}

/** The first line of the instruction holding `line` (findings may point inside a continued instruction). */
function instructionLineOf(model: DockerfileModel, line: number): number {
  const ins = model.instructions.find((i) => i.range.line <= line && line <= i.range.endLine);
  return ins ? ins.range.line : line;
}

function isSuppressedAt(f: Finding, line: number, rules: readonly Rule[], s: Suppressions): boolean {
  const codes = s.byLine.get(line);
  if (!codes) return false;
  const meta = rules.find((r) => r.meta.id === f.ruleId)?.meta;
  const all = meta ? codesOf(meta) : [f.ruleId];
  return all.some((c) => codes.has(c.toUpperCase()));
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message));
}

/** True when some finding is at or above the threshold. */
export function exceedsThreshold(findings: readonly Finding[], threshold: Severity | "none"): boolean {
  if (threshold === "none") return false;
  return findings.some((f) => severityRank[f.severity] >= severityRank[threshold]);
}
