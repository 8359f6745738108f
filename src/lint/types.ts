import type { ModuleAnalysis } from "../analysis/types.js";
import type { DockerfileModel, InstructionModel } from "./model/types.js";

export type Severity = "error" | "warning" | "info" | "style";

/** Higher is more severe; used for thresholds and sorting. */
export const severityRank: Record<Severity, number> = { error: 4, warning: 3, info: 2, style: 1 };

export const severities: readonly Severity[] = ["error", "warning", "info", "style"];

/** 1-based lines and columns; endColumn is exclusive. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Replace text[start, end) of a file (the Dockerfile, unless a FileEdits says which) with `text`. Offsets are UTF-16 indexes into the input. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Edits to another file of the build context, such as a script the Dockerfile copies in. */
export interface FileEdits {
  /** Context-relative, forward slashes. */
  path: string;
  edits: TextEdit[];
}

export interface Fix {
  description: string;
  /** Edits to the Dockerfile itself. */
  edits: TextEdit[];
  /** Lines to append to the build context's .dockerignore (created when missing). */
  dockerignoreAdditions?: string[];
  /** The ignore file (absolute path) those lines go to, when lint knows which it read: .dockerignore, .containerignore, `<Dockerfile>.dockerignore`. */
  ignoreFile?: string;
  /** Edits to other files of the build context. */
  fileEdits?: FileEdits[];
}

export interface Finding extends SourceRange {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  fix?: Fix;
}

export interface RulePeers {
  hadolint?: string[];
  buildkit?: string[];
  trivy?: string[];
}

export interface RuleMeta {
  /** e.g. "SG101". */
  id: string;
  /** kebab-case short name, e.g. "toolchain-in-final-stage". */
  name: string;
  severity: Severity;
  /** One sentence: what the rule catches. */
  description: string;
  /** Repository-relative docs page, e.g. "docs/rules/SG101.md". */
  docs: string;
  peers: RulePeers;
  /** True when some reports carry a safe fix. */
  fixable?: boolean;
  /** True when the rule reads the ignore file: run again for each builder's when docker and podman read different ones. */
  readsIgnoreFile?: boolean;
  /** True when the rule only runs with a module analysis. */
  needsModule?: boolean;
}

export interface Report {
  /** Where: an instruction (its first line) or an explicit range. */
  at: InstructionModel | SourceRange;
  message: string;
  fix?: Fix;
}

export interface RuleContext {
  model: DockerfileModel;
  module?: ModuleAnalysis;
  /** Absolute build-context directory, when known. */
  contextDir?: string;
  /** .dockerignore patterns; undefined when the context has no .dockerignore (or no context is known). */
  dockerignore?: string[];
  /** The name of the ignore file the build reads, or would create (.dockerignore, .containerignore, Dockerfile.dockerignore), for messages. */
  dockerignoreName: string;
  /** Whether a context-relative path exists; undefined when no context is known. */
  fileExists(relativePath: string): boolean | undefined;
  /** The text of a context-relative regular file inside the context (see readContextFile); undefined when there is none or no context is known. */
  readFile(relativePath: string): string | undefined;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export interface LintConfig {
  /** Rule ids (or hadolint/BuildKit names of corresponding rules) never reported. */
  ignore?: string[];
  /** Per-rule severity overrides; "off" disables the rule. */
  severity?: Record<string, Severity | "off">;
  /** Lowest severity that fails the run (exit 1). Default "warning"; "none" never fails. */
  failureThreshold?: Severity | "none";
}

export interface LintOptions {
  file?: string;
  module?: ModuleAnalysis;
  contextDir?: string;
  /** The Dockerfile's path, for a Dockerfile-specific ignore file beside it (`Dockerfile.dockerignore`). */
  dockerfilePath?: string;
  /** Overrides reading the ignore file (see ignore-file.ts) from contextDir (null: none). */
  dockerignore?: string[] | null;
  /**
   * Text of files not yet written, by absolute path (a context file's with symlinks resolved, as
   * contextPath gives it), read in place of what is on disk: the ignore file and scripts that `--fix --dry-run` would write, so its count of the findings
   * the fixes leave is the count `--fix` gives.
   */
  pendingFiles?: ReadonlyMap<string, string>;
  config?: LintConfig;
  /** The stage judged as the image, as `docker build --target` names it (default: the last); a name no stage has throws a usage error. */
  target?: string;
}

export interface LintResult {
  file: string;
  /** Sorted by line, then column, then rule id. */
  findings: Finding[];
  /** True when at least one finding is at or above the failure threshold. */
  failed: boolean;
  failureThreshold: Severity | "none";
}
