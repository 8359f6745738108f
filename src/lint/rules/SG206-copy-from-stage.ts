import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG206",
    name: "copy-from-stage",
    severity: "error",
    description: "COPY --from (or RUN --mount from=) names an undefined stage, a later stage, or its own stage.",
    docs: "docs/rules/SG206.md",
    peers: { hadolint: ["DL3022", "DL3023"], trivy: ["DS006"] },
  },
  check(ctx) {
    for (const stage of ctx.model.stages) {
      for (const edge of stage.copyFrom) {
        const from = edge.from;
        if (from === "" || from.includes("$")) continue;
        if (edge.stage === stage) {
          ctx.report({ at: edge.instruction, message: `--from=${from} refers to the stage it is in: copy from an earlier stage` });
        } else if (edge.stage && edge.stage.index > stage.index) {
          ctx.report({ at: edge.instruction, message: `--from=${from} refers to a stage defined later (line ${edge.stage.from.range.line}): move that stage above this one` });
        } else if (!edge.stage) {
          if (/^\d+$/.test(from)) ctx.report({ at: edge.instruction, message: `--from=${from}: there is no stage with that index` });
          else if (!/[:/@.]/.test(from)) ctx.report({ at: edge.instruction, message: `--from=${from} is not a stage in this Dockerfile, so it would pull an image named "${from}": fix the stage name` });
        }
      }
    }
  },
};
