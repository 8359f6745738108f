import { displayPath } from "../../fsutil/display-path.js";
import { readFileSync, realpathSync, existsSync, statSync } from "node:fs";
import { writeFilesAtomically } from "../../fsutil/atomic-write.js";
import { join, resolve } from "node:path";
import { Option, type Command } from "commander";
import type { ModuleAnalysis } from "../../analysis/types.js";
import { inputError } from "../../errors.js";
import type { LintConfig, LintResult, Severity } from "../../lint/types.js";
import { oneOf, outputFor, withCommonOptions, type CommonOptions } from "../common.js";
import { colorEnabled } from "../output.js";

const formats = ["text", "json", "sarif", "github"] as const;
const thresholds = ["error", "warning", "info", "style", "none"] as const;

interface LintFlags extends CommonOptions {
  context?: string;
  format?: (typeof formats)[number];
  fix?: boolean;
  dryRun?: boolean;
  failureThreshold?: Severity | "none";
  ignore?: string[];
  module?: boolean;
  target?: string;
}

export function registerLint(program: Command): void {
  const cmd = program
    .command("lint")
    .summary("lint Dockerfiles for Go services, knowing the Go module beside them")
    .description(
      "Checks Dockerfiles for the mistakes that make Go images big, slow to build, broken at run time or " +
        "insecure: toolchain in the final image, cgo binaries in scratch, missing cache mounts, shell-form " +
        "commands in shell-less images, a .dockerignore that drops what go build reads, entrypoint scripts " +
        "that keep SIGTERM from the program, root users, secrets, and the general rules hadolint and BuildKit " +
        "check. Rules that need the module (CA certificates, zoneinfo, /tmp, Go version, imported packages, " +
        "embedded files) read the go.mod found from the build context upward.",
    )
    .argument("[dockerfiles...]", "Dockerfiles to lint; - reads standard input (default: Dockerfile, else dockerfile, else Containerfile)")
    .option("--context <dir>", "build context and module directory (default: the Dockerfile's directory, or the module root above it when the Dockerfile copies go.mod or go.sum from there, or the workspace root when it copies go.work)")
    .addOption(new Option("--format <format>", `output format: ${formats.join(", ")}`).argParser(oneOf(formats)).default("text").conflicts("json"))
    .option("--fix", "apply safe fixes in place and print a unified diff (from standard input: show the Dockerfile's diff, write nothing back)")
    .option("--dry-run", "with --fix (needed): print the diff, change nothing; the findings and exit status are those of the files as they are")
    .option("--failure-threshold <severity>", `lowest severity that makes the exit code 1: ${thresholds.join(", ")}`, oneOf(thresholds))
    .option("--ignore <ids>", "rule ids to skip, comma-separated or repeated (slimgo ids or names, hadolint or BuildKit names)", commaList, [])
    .option("--target <stage>", "judge this build stage as the image, as docker build --target builds it (a stage name or index; default: the last stage)")
    .option("--no-module", "do not analyse the Go module");
  withCommonOptions(cmd)
    .addHelpText(
      "after",
      `
Ignores in the Dockerfile:
  # slimgo ignore=SG203,SG105        on the line before an instruction
  # slimgo global ignore=SG103       anywhere
  # hadolint ignore=DL3006           and  # check=skip=JSONArgsRecommended  are honoured too

Examples:
  slimgo lint                              lint ./Dockerfile (or ./Containerfile)
  slimgo lint --format sarif > lint.sarif  for GitHub code scanning
  slimgo lint --fix --dry-run              show the fixes as a diff
  slimgo lint --target prod                the image is stage prod, not a dev stage after it`,
    )
    .action(async (files: string[], flags: LintFlags) => {
      if (flags.dryRun && !flags.fix) cmd.error("option '--dry-run' cannot be used without option '--fix': slimgo lint --fix --dry-run shows the fixes as a diff", { exitCode: 2 });
      const lint = await import("../../lint/index.js");
      const out = outputFor(flags);
      const format = flags.json ? "json" : (flags.format ?? "text");
      const results: LintResult[] = [];
      let fixesShown = false;
      const warned = new Set<string>();
      const warnOnce = (message: string) => {
        if (!warned.has(message)) out.warn(message);
        warned.add(message);
      };
      // Dockerfiles of one module (Dockerfile, Dockerfile.dev, deploy/Dockerfile) share its analysis.
      const analyses = new Map<string, Promise<ModuleAnalysis | undefined>>();
      for (const file of files.length > 0 ? files : [lint.defaultDockerfile()]) {
        const fromStdin = file === "-";
        const { text, notUtf8Line } = readDockerfile(file);
        const shown = fromStdin ? "Dockerfile" : displayPath(resolve(file));
        const guess = flags.context || fromStdin ? undefined : lint.likelyBuildContext(file, text);
        if (guess?.why) out.info(`${shown}: linted with the build context ${displayPath(guess.dir)}, as ${guess.why}; --context chooses another`);
        const contextDir = guess?.dir ?? resolve(flags.context ?? ".");
        if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) throw inputError(`${flags.context ?? contextDir}: build context is not a directory: pass an existing directory to --context`);
        const module = flags.module === false ? undefined : await analyzeQuietly(contextDir, analyses, (m) => out.warn(m));
        const config = await lintConfig(module?.root ?? contextDir, flags, warnOnce, lint.unknownRuleCodes);
        const options = { file: shown, contextDir, config, ...(flags.target !== undefined ? { target: flags.target } : {}), ...(fromStdin ? {} : { dockerfilePath: resolve(file) }), ...(module ? { module } : {}) };
        const ignoreFiles = lint.ignoreFilesFor(contextDir, options.dockerfilePath);
        if (ignoreFiles.length > 1) out.info(`${shown}: ${ignoreFiles.map((f) => `${f.readBy.join(" and ")} build read${f.readBy.length > 1 ? "" : "s"} ${displayPath(f.path)}`).join(", ")}: both checked`);
        let result = lint.lintDockerfile(text, options);
        if (flags.target === undefined) {
          const model = lint.buildModel(text);
          const shipped = lint.likelyShippedStage(model);
          const name = (s: { name?: string; index: number }) => s.name ?? String(s.index);
          if (shipped && model.finalStage) out.info(`${shown}: judged the last stage, ${name(model.finalStage)}, as the image; stage ${name(shipped)} (line ${shipped.from.range.line}) looks like the one you ship: --target ${name(shipped)} lints that one`);
        }
        if (flags.fix) {
          if (notUtf8Line !== undefined && !flags.dryRun) {
            throw inputError(`${shown}:${notUtf8Line}: not UTF-8 text: --fix would replace those bytes, so nothing was written; save the file as UTF-8 and run --fix again`, { file });
          }
          const fixed = lint.fixFully(text, result.findings, (t) => lint.lintDockerfile(t, options).findings);
          const diff = lint.unifiedDiff(text, fixed.text, shown);
          // Each finding's additions go to the ignore file it is about (docker's and podman's may differ).
          const defaultIgnore = lint.ignoreFileFor(contextDir, options.dockerfilePath).path;
          const ignoreFixes = [...new Set([defaultIgnore, ...fixed.seen.flatMap((f) => (f.fix?.ignoreFile !== undefined ? [f.fix.ignoreFile] : []))])].flatMap((path) => {
            const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
            const fix = lint.applyDockerignoreFixes(current, fixed.seen.filter((f) => (f.fix?.ignoreFile ?? defaultIgnore) === path));
            return fix.added.length > 0 ? [{ path, text: fix.text, diff: lint.unifiedDiff(current ?? "", fix.text, displayPath(path)) }] : [];
          });
          // Scripts the Dockerfile copies in, such as an entrypoint script (SG219).
          const fileFixes = lint.applyFileFixes((path) => lint.readContextFile(contextDir, path), fixed.seen).flatMap((f) => {
            const real = lint.contextPath(contextDir, f.path);
            return real === undefined ? [] : [{ ...f, real, diff: lint.unifiedDiff(f.before, f.text, displayPath(join(contextDir, f.path))) }];
          });
          // A JSON or SARIF report on stdout must stay one document: the diff goes to stderr then.
          const showDiff = (d: string) => (format === "text" ? out.result(d.trimEnd()) : process.stderr.write(`${d.trimEnd()}\n`));
          if (diff) showDiff(diff);
          for (const f of ignoreFixes) showDiff(f.diff);
          for (const f of fileFixes) showDiff(f.diff);
          fixesShown ||= diff !== "" || ignoreFixes.length > 0 || fileFixes.length > 0;
          if (!flags.dryRun) {
            // All files or none.
            await writeFilesAtomically([
              // The file itself when the Dockerfile is a symlink, as writing in place would.
              ...(diff && !fromStdin ? [{ path: realpathSync(file), content: fixed.text, mode: statSync(file).mode & 0o777 }] : []),
              ...ignoreFixes.map((f) => ({ path: f.path, content: f.text })),
              ...fileFixes.map((f) => ({ path: f.real, content: f.text, mode: statSync(f.real).mode & 0o777 })),
            ]);
          }
          // With --dry-run the ignore file and scripts are not written: lint reads them as the fixes leave them.
          const pendingFiles = new Map([...ignoreFixes.map((f) => [f.path, f.text] as const), ...fileFixes.map((f) => [f.real, f.text] as const)]);
          const afterFixes = lint.lintDockerfile(fixed.text, { ...options, pendingFiles });
          const left = afterFixes.findings.length;
          if (!flags.dryRun && !fromStdin) {
            // The Dockerfile on disk is the fixed one now: its findings, and the exit status, are those.
            result = afterFixes;
            out.info(`${shown}: ${fixed.applied.length + ignoreFixes.length + fileFixes.length} fix(es) applied, ${left} finding(s) left`);
          } else {
            // Nothing written to the Dockerfile (--dry-run, or standard input): report it as it is, so the
            // exit status is that of the input, with the context as it is now (standard input's --fix
            // still writes the ignore file and scripts).
            if (fromStdin && !flags.dryRun) result = lint.lintDockerfile(text, options);
            const otherFiles = ignoreFixes.length + fileFixes.length;
            const shownFixes = fixed.applied.length + (flags.dryRun ? otherFiles : 0);
            const why = flags.dryRun ? "--dry-run writes nothing" : `standard input is not written back${otherFiles > 0 ? `, though the ${otherFiles} fix(es) to other files were` : ""}`;
            if (shownFixes > 0 || otherFiles > 0) {
              out.info(
                `${shown}: ${shownFixes} fix(es) shown, not applied (${why}); the findings listed are those of ${fromStdin ? "the input" : "the file"} as it is, and set the exit status; ` +
                  `those marked (fixable) are fixed by the diff, which would leave ${left} finding(s)`,
              );
            }
          }
        }
        results.push(result);
      }
      if (flags.fix && flags.dryRun && format === "text" && !fixesShown) out.info("Nothing to fix.");
      if (format === "json") out.jsonText(lint.formatJson(results));
      else if (format === "sarif") process.stdout.write(lint.formatSarif(results, { rules: lint.rules }));
      else if (format === "github") process.stdout.write(lint.formatGithub(results));
      else process.stdout.write(lint.formatText(results, { color: colorEnabled(process.stdout, process.env) }));
      if (results.some((r) => r.failed)) process.exitCode = 1;
    });
}

/** The Dockerfile's text, and the first line that is not valid UTF-8 (its bytes read as U+FFFD). */
function readDockerfile(file: string): { text: string; notUtf8Line?: number } {
  try {
    const bytes = readFileSync(file === "-" ? 0 : file);
    const text = bytes.toString("utf8");
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      return { text };
    } catch {
      return { text, notUtf8Line: text.slice(0, text.indexOf("\uFFFD")).split("\n").length };
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw inputError(`${file}: cannot read Dockerfile (${why}): pass the path of a Dockerfile, or - for standard input`, { file });
  }
}

/**
 * The module for Go-aware rules, or undefined when there is no go.mod (those rules then skip).
 * Each module is analysed once per run, and a failure is warned about once.
 */
async function analyzeQuietly(contextDir: string, analyses: Map<string, Promise<ModuleAnalysis | undefined>>, warn: (m: string) => void): Promise<ModuleAnalysis | undefined> {
  const { analyze, findModuleRoot } = await import("../../analysis/index.js");
  let root: string;
  try {
    root = findModuleRoot(contextDir);
  } catch {
    return undefined;
  }
  let analysis = analyses.get(root);
  if (!analysis) {
    analysis = analyze(root, { engine: "scanner" }).catch((err: unknown) => {
      warn(`${(err as Error).message.split("\n")[0]} (Go-aware rules that need the module are skipped)`);
      return undefined;
    });
    analyses.set(root, analysis);
  }
  return analysis;
}

/** `--ignore SG103,SG118 --ignore DL3006`: every id, in order. */
function commaList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(",").map((id) => id.trim()).filter(Boolean)];
}

async function lintConfig(root: string, flags: LintFlags, warn: (message: string) => void, unknownRuleCodes: (codes: readonly string[]) => string[]): Promise<LintConfig> {
  const { loadConfig } = await import("../../config/load.js");
  const { config, file } = await loadConfig(root, flags.config);
  const lint = config.lint ?? {};
  checkRuleCodes(flags.ignore ?? [], "--ignore", unknownRuleCodes, warn);
  checkRuleCodes(lint.ignore ?? [], `${file ? displayPath(file) : "slimgo.yaml"}: lint.ignore`, unknownRuleCodes, warn);
  const result: LintConfig = { ignore: [...(lint.ignore ?? []), ...(flags.ignore ?? [])] };
  if (lint.severity) result.severity = lint.severity;
  const threshold = flags.failureThreshold ?? lint["failure-threshold"];
  if (threshold) result.failureThreshold = threshold;
  return result;
}

/**
 * A slimgo id that names no rule is a typo (or a path taken for an id): an error, since the rule it
 * meant would still fail the build. Other names may be hadolint or BuildKit checks slimgo does not
 * have, carried over from their configs: a warning.
 */
function checkRuleCodes(codes: readonly string[], where: string, unknownRuleCodes: (codes: readonly string[]) => string[], warn: (message: string) => void): void {
  const unknown = unknownRuleCodes(codes);
  const typos = unknown.filter((c) => /^SG\d+$/i.test(c));
  if (typos.length > 0) throw inputError(`${where}: ${typos.join(", ")} ${typos.length === 1 ? "is not a rule" : "are not rules"} of slimgo lint: docs/rules/README.md lists the rules`);
  for (const c of unknown) warn(`${where}: ${c} names no slimgo rule (not a slimgo id or name, nor a hadolint or BuildKit name of one): nothing is skipped for it`);
}
