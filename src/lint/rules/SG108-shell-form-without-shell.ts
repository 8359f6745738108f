import { execFormFix, execFormOf, notJsonNote, shellFormArguments, shellWrapperFix } from "../fixes/exec-form.js";
import { runsCmdAsCommand, startedProcess } from "../model/entrypoint.js";
import { absoluteIn, contextSourcesOf, workdirAt } from "../model/image-files.js";
import { shebangShell } from "../../shell/signal-path.js";
import { cmdInEffect, execEntrypointOf, stageHasNoShell } from "../model/queries.js";
import type { Rule, RuleContext } from "../types.js";

/** Programs that are a shell: an exec-form instruction that starts one needs it in the image. */
const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh)$/;

export const rule: Rule = {
  meta: {
    id: "SG108",
    name: "shell-form-without-shell",
    severity: "error",
    description: "Shell-form RUN, CMD, ENTRYPOINT or HEALTHCHECK, or an exec-form one that starts a shell or a shell script, in a stage whose image has no shell (scratch, distroless).",
    docs: "docs/rules/SG108.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      if (!stageHasNoShell(stage)) continue;
      for (const ins of stage.instructions) {
        const shellForm =
          ((ins.keyword === "RUN" || ins.keyword === "CMD" || ins.keyword === "ENTRYPOINT") && ins.json === null && ins.args.length > 0) ||
          (ins.keyword === "HEALTHCHECK" && ins.json === null && /^\s*CMD\s/i.test(model.text.slice(ins.argsStart, ins.end)));
        const argumentsOf = ins.keyword === "CMD" && shellForm ? execEntrypointOf(stage) : undefined;
        if (argumentsOf && !runsCmdAsCommand(argumentsOf.json ?? [])) {
          const { message, fix } = shellFormArguments(model, ins, argumentsOf);
          ctx.report({ at: ins, message, ...(fix ? { fix } : {}) });
          continue;
        }
        if (shellForm) {
          const cmd = ins.keyword === "ENTRYPOINT" ? cmdInEffect(model, stage, ins) : undefined;
          const fix = ins.keyword === "RUN" ? undefined : execFormFix(model, ins, cmd !== undefined);
          const exec = ins.keyword === "RUN" ? undefined : execFormOf(model, ins);
          const form = exec?.array;
          ctx.report({
            at: ins,
            message:
              ins.keyword === "RUN"
                ? `RUN in shell form needs /bin/sh, which ${stage.resolvedImage} does not have: do this work in a builder stage and COPY the result`
                : `${ins.keyword} in shell form runs through /bin/sh, which ${stage.resolvedImage} does not have, so the container cannot start it: use exec form ${form ?? '["/app", "arg"]'}${notJsonNote(exec)}` +
                  (cmd && form ? `, but mind the CMD (line ${cmd.range.line}): /bin/sh -c ignored it, while an exec-form ENTRYPOINT gets its words as arguments, so not fixed for you (move what the CMD should pass into the ENTRYPOINT or drop the CMD)` : ""),
            ...(fix ? { fix } : {}),
          });
          continue;
        }
        // HEALTHCHECK ["CMD", "sh", ...] is SG109's: a tool the check calls that the image lacks.
        const shell = (ins.keyword === "RUN" || ins.keyword === "CMD" || ins.keyword === "ENTRYPOINT") && ins.json?.[0];
        if (!shell || !SHELLS.test(shell)) continue;
        const fix = ins.keyword === "RUN" ? undefined : shellWrapperFix(model, ins, cmdInEffect(model, stage, ins) !== undefined);
        ctx.report({
          at: ins,
          message:
            ins.keyword === "RUN"
              ? `RUN starts ${shell}, which ${stage.resolvedImage} does not have: do this work in a builder stage and COPY the result`
              : `${ins.keyword} starts ${shell}, which ${stage.resolvedImage} does not have, so the container cannot start: run the program itself${fix ? `: ${fix.edits[0]!.text}` : ' (["/app", "arg"])'}`,
          ...(fix ? { fix } : {}),
        });
      }
    }
    checkEntrypointScript(ctx);
  },
};

/**
 * An exec-form ENTRYPOINT or CMD of a shell-less final image that starts a script from the build
 * context whose #! line names a shell: the kernel finds no interpreter, and the runtime says
 * `exec /docker-entrypoint.sh: no such file or directory`.
 */
function checkEntrypointScript(ctx: RuleContext): void {
  const stage = ctx.model.finalStage;
  if (!stage || ctx.contextDir === undefined || !stageHasNoShell(stage)) return;
  const started = startedProcess(stage);
  const program = started?.argv[0];
  if (!started || started.instruction.json === null || program === undefined || SHELLS.test(program)) return;
  const imagePath = absoluteIn(workdirAt(stage), program);
  if (imagePath === undefined) return;
  for (const source of contextSourcesOf(stage, imagePath)) {
    const text = ctx.fileExists(source) === true ? ctx.readFile(source) : undefined;
    if (text === undefined) continue;
    const shell = shebangShell(text);
    if (shell === undefined || !SHELLS.test(shell)) return;
    const shebang = text.split("\n", 1)[0]!.trim();
    ctx.report({
      at: started.instruction,
      message: `${started.instruction.keyword} starts ${source}, whose ${shebang} needs ${shell}, which ${stage.resolvedImage} does not have, so the container cannot start ("exec ${imagePath}: no such file or directory"): run the Go program itself, or use a base image with a shell`,
    });
    return;
  }
}
