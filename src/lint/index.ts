/**
 * slimgo's Go-aware Dockerfile linter: parse once into a model, run every rule over it,
 * apply suppressions and config, and hand back findings with optional safe fixes.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ignoreFileFor, type IgnoreFile } from "./ignore-file.js";
import { runRules, exceedsThreshold, unknownRuleCodes as unknownAmong } from "./engine.js";
import { buildModel } from "./model/build.js";
import { rules } from "./rules/index.js";
import type { LintOptions, LintResult } from "./types.js";

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
export { likelyBuildContext, type BuildContextGuess } from "./build-context.js";
export { defaultDockerfile, ignoreFileFor, type IgnoreFile } from "./ignore-file.js";

/** The codes that name none of slimgo's rules (by id, name, or a hadolint or BuildKit name). */
export function unknownRuleCodes(codes: readonly string[]): string[] {
  return unknownAmong(codes, rules);
}

/** Lints Dockerfile text. Never throws for bad Dockerfile content: parse problems become SG001 findings. */
export function lintDockerfile(text: string, options: LintOptions = {}): LintResult {
  const file = options.file ?? "Dockerfile";
  const model = buildModel(text);
  const ignoreFile = options.contextDir === undefined ? undefined : ignoreFileFor(options.contextDir, options.dockerfilePath);
  const dockerignore = options.dockerignore === null ? undefined : options.dockerignore ?? (ignoreFile ? readIgnoreFile(ignoreFile) : undefined);
  const threshold = options.config?.failureThreshold ?? "warning";
  const findings = runRules({
    model,
    rules,
    file,
    ...(options.module !== undefined ? { module: options.module } : {}),
    ...(options.contextDir !== undefined ? { contextDir: options.contextDir } : {}),
    ...(dockerignore !== undefined ? { dockerignore } : {}),
    ...(ignoreFile !== undefined ? { dockerignoreName: basename(ignoreFile.path) } : {}),
    ...(options.config !== undefined ? { config: options.config } : {}),
  });
  return { file, findings, failed: exceedsThreshold(findings, threshold), failureThreshold: threshold };
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
