import { posix } from "node:path";
import { stringRun } from "../../shell/signal-path.js";
import { joinContinuations } from "../../shell/tokenize.js";
import { execFormFix, execFormOf, notJsonNote, shellFormArguments, shellWrapperFix } from "../fixes/exec-form.js";
import { runsCmdAsCommand } from "../model/entrypoint.js";
import { cmdInEffect, execEntrypointOf, shellImplementation, stageHasNoShell } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, StageModel } from "../model/types.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG203",
    name: "exec-form-cmd",
    severity: "warning",
    description: "CMD or ENTRYPOINT in shell form, or in exec form through sh -c, where the shell stays PID 1: the process runs under /bin/sh and does not get signals.",
    docs: "docs/rules/SG203.md",
    peers: { hadolint: ["DL3025"], buildkit: ["JSONArgsRecommended"] },
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      // In images without a shell SG108 reports this as an error.
      if (stageHasNoShell(stage)) continue;
      for (const ins of stage.instructions) {
        if (ins.keyword !== "CMD" && ins.keyword !== "ENTRYPOINT") continue;
        if (ins.json !== null) {
          reportShellWrapper(ctx, stage, ins);
          continue;
        }
        if (ins.args.length === 0) continue;
        const entrypoint = ins.keyword === "CMD" ? execEntrypointOf(stage) : undefined;
        if (entrypoint && !runsCmdAsCommand(entrypoint.json ?? [])) {
          reportShellFormArguments(ctx, ins, entrypoint);
          continue;
        }
        // `CMD exec /app serve`: every shell replaces itself with what exec names, which gets the signals.
        if (endsInExec(model, ins)) continue;
        const cmd = ins.keyword === "ENTRYPOINT" ? cmdInEffect(model, stage, ins) : undefined;
        const fix = execFormFix(model, ins, cmd !== undefined);
        const exec = execFormOf(model, ins);
        const form = exec?.array;
        const why = shellImplementation(stage, "sh") === "ash"
          ? "busybox sh runs a lone last command in its own place, but one in a pipeline, or after a trap, stays its child, which never gets SIGTERM"
          : "Debian's and Ubuntu's sh (dash) keeps the service as its child and does not pass on SIGTERM, so the service is killed instead of shutting down";
        const advice = cmd && form
          ? `use exec form ${form}, but mind the CMD (line ${cmd.range.line}): /bin/sh -c ignores it, while an exec-form ENTRYPOINT gets its words as arguments, so not fixed for you (move what the CMD should pass into the ENTRYPOINT or drop the CMD)`
          : `use exec form ${form ?? '(a JSON array, e.g. ["/app", "serve"])'}${notJsonNote(exec)}`;
        ctx.report({
          at: ins,
          message: `${ins.keyword} in shell form runs under /bin/sh -c: ${why}: ${advice}`,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
};

function reportShellFormArguments(ctx: Parameters<Rule["check"]>[0], ins: InstructionModel, entrypoint: InstructionModel): void {
  const { message, fix } = shellFormArguments(ctx.model, ins, entrypoint);
  ctx.report({ at: ins, message, ...(fix ? { fix } : {}) });
}

/**
 * Exec form that starts a shell on a string (`["sh", "-c", "/app serve"]`) is shell form written
 * out: reported where that shell keeps itself in front of the program (dash always; any shell for a
 * pipeline or a background job at the end), which then never gets SIGTERM.
 */
function reportShellWrapper(ctx: Parameters<Rule["check"]>[0], stage: StageModel, ins: InstructionModel): void {
  const [program, flag, script] = ins.json ?? [];
  if (program === undefined || flag !== "-c" || script === undefined) return;
  const shell = shellImplementation(stage, program);
  if (shell === undefined) return;
  const run = stringRun(shell, script);
  if (!("forks" in run)) return;
  const fix = shellWrapperFix(ctx.model, ins, cmdInEffect(ctx.model, stage, ins) !== undefined);
  ctx.report({
    at: ins,
    message: `${ins.keyword} ${JSON.stringify(ins.json)} keeps ${posix.basename(program)} as PID 1 with the service as its child (${run.forks.replace(/\s*\(.*\)$/, "")}), and a shell as PID 1 does not pass on SIGTERM, so the service is killed instead of shutting down: ${fix ? `run the program itself, ${fix.edits[0]!.text}` : "run the program itself in exec form, or end the string with exec and the program"}`,
    ...(fix ? { fix } : {}),
  });
}

/**
 * Whether a shell-form command's last command is `exec` and a program, in the foreground with no
 * trap set: then any shell (dash too) replaces itself with that program, which is PID 1 and gets
 * SIGTERM itself (`CMD exec /app serve`, `CMD /app migrate && exec /app serve`).
 */
function endsInExec(model: DockerfileModel, ins: InstructionModel): boolean {
  const script = joinContinuations(model.text.slice(ins.argsStart, ins.end), ins.argsStart, model.escape).chars;
  const run = stringRun("dash", script);
  const program = "execs" in run ? run.execs[0] : undefined;
  return program !== undefined && (program.quoted || !/^\d*[<>]/.test(program.value));
}
