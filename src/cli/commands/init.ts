import { displayModuleLine, displayPath } from "../../fsutil/display-path.js";
import { Option, type Command } from "commander";
import { runtimeNames, type RuntimeName } from "../../dockerfile/runtimes.js";
import type { Evidence } from "../../analysis/types.js";
import { oneOf, outputFor, parsePort, withCommonOptions, type CommonOptions } from "../common.js";
import type { Output } from "../output.js";
import type { GeneratedFile, InitResult } from "../../init/index.js";
import { ciProviders, type CiProvider } from "../../ci/plan.js";

interface InitFlags extends CommonOptions {
  main?: string;
  all?: boolean;
  runtime?: RuntimeName;
  shell?: boolean;
  port?: number;
  healthcheck?: string;
  force?: boolean;
  stdout?: boolean;
  dryRun?: boolean;
  diff?: boolean;
  engine?: "auto" | "go-list" | "scanner";
  compose?: boolean;
  dev?: boolean;
  ci?: CiProvider;
}

export function registerInit(program: Command): void {
  const cmd = program
    .command("init")
    .summary("write a Dockerfile and .dockerignore for a Go module, and say why")
    .description(
      "Reads the Go module in DIR (default: here) and writes a Dockerfile and .dockerignore that follow the " +
        "production recipe: multi-stage, static binary, the smallest runtime that works, CA certificates, " +
        "zoneinfo and /tmp only where the code needs them, a non-root user, an exec-form entrypoint and a " +
        "health check that needs no shell. Each decision is printed with the source line behind it. " +
        "For servers it also writes compose.yaml with the databases and brokers the code uses; --ci writes a " +
        "CI pipeline, --all a docker-bake.hcl. See docs/init.md.",
    )
    .argument("[dir]", "Go module directory", ".")
    .addOption(new Option("--main <pkg>", "main package to build when there are several: ./cmd/api (from the module root, else the current directory) or its import path; default: the directory init runs in when it is one").conflicts("all"))
    .option("--all", "one build target per main package, and docker-bake.hcl to build them all")
    .option("--runtime <name>", `runtime image: ${runtimeNames.join(", ")}`, oneOf(runtimeNames))
    .addOption(new Option("--shell", "use a runtime with a shell for debugging (alpine)").conflicts("runtime"))
    .option("--port <n>", "port to EXPOSE and probe (default: read from the source)", parsePort)
    .option("--healthcheck <path>", "health endpoint path, probed even when the binary has a health flag (default: read from the source)")
    .option("--compose", "write compose.yaml with the backing services the code uses (default for servers)")
    .option("--no-compose", "do not write compose.yaml")
    .option("--dev", "add a `develop: watch:` section to compose.yaml for `docker compose watch`")
    .option("--ci <provider>", `CI pipeline: ${ciProviders.join(", ")} (github-slimgo builds with slimgo build --push, no Docker)`, oneOf(ciProviders))
    .option("--force", "overwrite existing files that differ (Dockerfile, compose.yaml, pipeline ...); without it, --ci, --compose and --dev keep a Dockerfile you edited")
    .addOption(new Option("--stdout", "print the Dockerfile on stdout instead of writing files").conflicts(["dryRun", "diff", "json"]))
    .addOption(new Option("--dry-run", "print the decisions and the files, write nothing").conflicts("diff"))
    .option("--diff", "print a diff against the existing files, write nothing; exit 1 when they differ, 0 when they match (with --json: the files marked changed)")
    .option("--engine <engine>", "analysis engine: auto (go list, else slimgo's scanner with a warning), go-list (go list or fail), scanner", oneOf(["auto", "go-list", "scanner"] as const), "auto");
  withCommonOptions(cmd)
    .addHelpText(
      "after",
      `
Examples:
  slimgo init                          analyse ./ and write Dockerfile + .dockerignore
  slimgo init --dry-run services/api   show what would be written and why
  slimgo init --main ./cmd/worker      pick one of several main packages
  slimgo init --runtime distroless     distroless/static instead of scratch
  slimgo init --diff                   compare with the files you have (exit 1 when they differ)
  slimgo init --dev                    compose.yaml with a rebuild-on-save loop (docker compose watch)
  slimgo init --ci github              .github/workflows/image.yml: lint, build, scan, push
  slimgo init --all                    one target per main package, and docker-bake.hcl`,
    )
    .action(async (dir: string, flags: InitFlags) => {
      const { keepsOwnFile, planInit, writeInit } = await import("../../init/index.js");
      const out = outputFor(flags);
      const result = await planInit(dir, {
        main: flags.main,
        all: flags.all,
        runtime: flags.runtime,
        shell: flags.shell,
        port: flags.port,
        healthPath: flags.healthcheck,
        configPath: flags.config,
        engine: flags.engine,
        compose: flags.compose,
        dev: flags.dev,
        ci: flags.ci,
      });
      const dockerfile = result.files[0]!;
      const preview = flags.stdout || flags.dryRun || flags.diff;
      if (!preview) await writeInit(result, { force: flags.force });
      // --diff exits as diff(1) does, so CI can check that the files on disk are current.
      if (flags.diff && result.files.some((f) => f.existing !== f.content)) process.exitCode = 1;

      if (flags.json) {
        out.json({
          module: result.analysis.goMod.path,
          root: result.analysis.root,
          engine: result.analysis.engine,
          programs: result.plan.programs.map((p) => ({ dir: p.main.dir, binary: p.main.binary, runtime: p.runtimeImage })),
          written: !preview,
          files: result.files.map((f) => ({
            name: f.name,
            path: f.path,
            ...(f.secret ? { secret: true } : { content: f.content }),
            changed: f.existing !== f.content,
            ...(f.remove ? { removed: true } : {}),
            ...(keepsOwnFile(f, flags.force) ? { kept: true } : {}),
          })),
          decisions: [...result.plan.decisions, ...result.plan.programs.flatMap((p) => p.decisions), ...result.decisions],
          warnings: [...result.analysis.warnings, ...result.plan.warnings],
        });
        return;
      }
      if (flags.stdout) {
        out.result(dockerfile.content.trimEnd());
        return;
      }
      if (flags.diff) {
        const { createTwoFilesPatch } = await import("diff");
        let same = true;
        for (const f of result.files) {
          if (f.existing === f.content) continue;
          same = false;
          if (f.secret) {
            out.result(`${f.name} would change (holds a password: not shown)`);
            continue;
          }
          out.result(createTwoFilesPatch(`a/${f.name}`, `b/${f.name}`, f.existing ?? "", f.content, undefined, undefined, { context: 3 }).trimEnd());
        }
        if (same) out.info("The files on disk already match what slimgo would write.");
        return;
      }
      for (const w of [...result.analysis.warnings, ...result.plan.warnings]) out.warn(w);
      printDecisions(out, result, !preview, (f) => keepsOwnFile(f, flags.force));
      if (flags.dryRun) {
        for (const f of result.files) {
          if (f.remove) {
            out.result(`\n--- ${f.name} (not removed: --dry-run)`);
            continue;
          }
          out.result(`\n--- ${f.name} (not written: --dry-run)`);
          out.result(f.secret ? "(holds a password: not shown)" : f.content.trimEnd());
        }
      }
    });
}

const BUILD_FILES = new Set(["Dockerfile", ".dockerignore", "Dockerfile.dockerignore", ".containerignore"]);

function printDecisions(out: Output, result: InitResult, written: boolean, kept: (f: GeneratedFile) => boolean): void {
  const c = out.color;
  const { analysis, plan } = result;
  const programs = plan.programs.map((p) => `${p.buildTarget} → ${p.main.binary}`).join(", ");
  out.result(`${c.bold(analysis.goMod.path)} (${programs}), analysed with ${analysis.engine === "go-list" ? "go list" : "slimgo's Go scanner"}`);
  const decisions = [...plan.decisions, ...plan.programs.flatMap((p) => p.decisions), ...result.decisions];
  const width = Math.max(...decisions.map((d) => d.topic.length));
  for (const d of decisions) {
    const ev = d.evidence.length > 0 ? c.dim(` (${formatEvidence(analysis.root, d.evidence)})`) : "";
    out.result(`  ${c.cyan(d.topic.padEnd(width))}  ${d.choice}: ${d.reason}${ev}`);
  }
  // The Dockerfile and its ignore files get their own line; compose, CI and bake files the next.
  const buildFile = (f: GeneratedFile) => BUILD_FILES.has(f.name);
  const groups = [result.files.filter(buildFile), result.files.filter((f) => !buildFile(f))].filter((g) => g.length > 0);
  const names = (files: GeneratedFile[]) => files.map((f) => displayPath(f.path)).join(files.length > 2 ? ", " : " and ");
  const keptWhy = "differs from what init would write (--diff shows how, --force replaces it)";
  for (const group of groups) {
    const own = group.filter(kept);
    const removing = group.filter((f) => f.remove);
    const writing = group.filter((f) => !kept(f) && !f.remove);
    if (own.length > 0) out.result(`${written ? "Kept" : "Would keep"} ${names(own)} as ${own.length === 1 ? "it is: it" : "they are: each"} ${keptWhy}`);
    if (!written) {
      if (writing.length > 0) out.result(`Would write ${names(writing)} (--dry-run: nothing written)`);
      if (removing.length > 0) out.result(`Would remove ${names(removing)} (--dry-run: nothing removed)`);
      continue;
    }
    if (removing.length > 0) out.result(`Removed ${names(removing)}`);
    const changed = writing.filter((f) => f.existing !== f.content);
    const unchanged = writing.filter((f) => f.existing === f.content);
    if (changed.length > 0) out.result(`Wrote ${names(changed)}`);
    if (unchanged.length > 0) out.result(`Unchanged: ${names(unchanged)}`);
  }
}

/** Where the choice was read, as files the user can open from the directory init ran in. */
function formatEvidence(root: string, evidence: Evidence[]): string {
  const shown = evidence.slice(0, 3).map((e) => displayModuleLine(root, e));
  if (evidence.length > 3) shown.push(`+${evidence.length - 3} more`);
  return shown.join(", ");
}
