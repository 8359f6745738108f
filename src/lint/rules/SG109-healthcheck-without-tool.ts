import { stageCopies, stageHasNoShell } from "../model/queries.js";
import { hasNoShell } from "../model/images.js";
import { rootImage } from "../model/queries.js";
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
        const called = ins.json !== null ? [ins.json[0] ?? ""] : ins.commands.map((c) => c.name);
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
