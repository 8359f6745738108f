/**
 * slimgo's Go-aware Dockerfile linter: parse once into a model, run every rule over it,
 * apply suppressions and config, and hand back findings with optional safe fixes.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ignoreFilesFor, type IgnoreFile } from "./ignore-file.js";
import { runRules, exceedsThreshold, sortFindings, unknownRuleCodes as unknownAmong } from "./engine.js";
import { buildModel } from "./model/build.js";
import { judgeTargetAsImage } from "./model/target-stage.js";
import { rules } from "./rules/index.js";
import type { Finding, LintOptions, LintResult } from "./types.js";

export type { FileEdits, Finding, Fix, LintConfig, LintOptions, LintResult, Rule, RuleMeta, Severity, TextEdit } from "./types.js";
export { severities, severityRank } from "./types.js";
export { rules } from "./rules/index.js";
export { applyFixes, applyDockerignoreFixes, applyFileFixes, fixFully } from "./fixes/apply.js";
export { contextPath, readContextFile } from "./context-files.js";
export { unifiedDiff } from "./diff.js";
export { formatText } from "./format/text.js";
export { formatJson } from "./format/json.js";
export { formatGithub } from "./format/github.js";
export { formatSarif, type SarifOptions } from "./format/sarif.js";
export { exceedsThreshold } from "./engine.js";
export { buildModel } from "./model/build.js";
export { likelyShippedStage } from "./model/target-stage.js";
export { likelyBuildContext, type BuildContextGuess } from "./build-context.js";
export { defaultDockerfile, ignoreFileFor, ignoreFilesFor, type Builder, type IgnoreFile } from "./ignore-file.js";

/** The codes that name none of slimgo's rules (by id, name, or a hadolint or BuildKit name). */
export function unknownRuleCodes(codes: readonly string[]): string[] {
  return unknownAmong(codes, rules);
}

/**
 * Lints Dockerfile text. Never throws for bad Dockerfile content: parse problems become SG001 findings.
 * When docker and podman read different ignore files for it, the rules that read one run for each.
 */
export function lintDockerfile(text: string, options: LintOptions = {}): LintResult {
  const file = options.file ?? "Dockerfile";
  const model = buildModel(text);
  if (options.target !== undefined) judgeTargetAsImage(model, options.target, file);
  const threshold = options.config?.failureThreshold ?? "warning";
  const common = {
    model,
    file,
    ...(options.module !== undefined ? { module: options.module } : {}),
    ...(options.contextDir !== undefined ? { contextDir: options.contextDir } : {}),
    ...(options.config !== undefined ? { config: options.config } : {}),
    ...(options.pendingFiles !== undefined ? { pendingFiles: options.pendingFiles } : {}),
  };
  let findings: Finding[];
  if (options.dockerignore !== undefined || options.contextDir === undefined) {
    const name = options.contextDir === undefined ? undefined : basename(ignoreFilesFor(options.contextDir, options.dockerfilePath)[0]!.path);
    findings = runRules({ ...common, rules, ...(options.dockerignore ? { dockerignore: options.dockerignore } : {}), ...(name !== undefined ? { dockerignoreName: name } : {}) });
  } else {
    const [first, ...others] = ignoreFilesFor(options.contextDir, options.dockerfilePath);
    findings = runRules({ ...common, rules, ...ignoreInput(first!, options.pendingFiles) });
    for (const other of others) findings.push(...runRules({ ...common, rules: rules.filter((r) => r.meta.readsIgnoreFile), ...ignoreInput(other, options.pendingFiles) }));
    findings = sortFindings(findings);
  }
  return { file, findings, failed: exceedsThreshold(findings, threshold), failureThreshold: threshold };
}

/** What the engine needs of an ignore file: its lines (none when it does not exist), name and path. */
function ignoreInput(file: IgnoreFile, pendingFiles?: ReadonlyMap<string, string>): { dockerignore?: string[]; dockerignoreName: string; dockerignorePath: string } {
  const pending = pendingFiles?.get(file.path);
  const lines = pending !== undefined ? pending.split(/\r?\n/) : readIgnoreFile(file);
  return { ...(lines !== undefined ? { dockerignore: lines } : {}), dockerignoreName: basename(file.path), dockerignorePath: file.path };
}

/** The lines of an ignore file, or undefined when it does not exist (or cannot be read). */
function readIgnoreFile(file: IgnoreFile): string[] | undefined {
  if (!file.exists) return undefined;
  try {
    return readFileSync(file.path, "utf8").split(/\r?\n/);
  } catch {
    return undefined;
  }
}
