import { unwrapCommand } from "../model/command-wrappers.js";
import { stageCopies, stageHasNoShell } from "../model/queries.js";
import { hasNoShell } from "../model/images.js";
import { rootImage } from "../model/queries.js";
import type { InstructionModel } from "../model/types.js";
import type { Rule } from "../types.js";

const tools = ["curl", "wget", "sh", "bash", "nc"];

export const rule: Rule = {
  meta: {
    id: "SG109",
    name: "healthcheck-without-tool",
    severity: "error",
    description: "HEALTHCHECK calls curl, wget or sh in a scratch or distroless image that does not have them.",
    docs: "docs/rules/SG109.md",
    peers: {},
  },
  check(ctx) {
    for (const stage of ctx.model.stages) {
      if (!hasNoShell(rootImage(stage))) continue;
      for (const ins of stage.instructions) {
        if (ins.keyword !== "HEALTHCHECK") continue;
        const called = calledCommands(ins);
        for (const cmd of called) {
          const base = cmd.split("/").pop() ?? cmd;
          if (!tools.includes(base)) continue;
          if (stageCopies(stage, (p) => (p.split("/").pop() ?? "") === base || (base !== "sh" && /busybox/.test(p)))) continue;
          if ((base === "sh" || base === "bash") && !stageHasNoShell(stage)) continue;
          ctx.report({
            at: ins,
            message: `HEALTHCHECK calls ${base}, which ${stage.resolvedImage} does not have, so the check always fails: let the Go binary probe itself (e.g. CMD ["/app", "-health"])`,
          });
          break;
        }
      }
    }
  },
};

/** The commands a HEALTHCHECK runs, wrappers (nice, env, ...) taken off; exec form is one command. */
function calledCommands(ins: InstructionModel): string[] {
  const commands = ins.json !== null ? [{ assignments: [], words: ins.json.map((value) => ({ value, start: ins.start, end: ins.end, quoted: true })), name: ins.json[0] ?? "", next: "" }] : ins.commands;
  return commands.map((c) => unwrapCommand(c).words[0]?.value ?? "");
}
