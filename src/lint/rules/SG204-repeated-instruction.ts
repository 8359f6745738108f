import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG204",
    name: "repeated-instruction",
    severity: "warning",
    description: "Several CMD, ENTRYPOINT or HEALTHCHECK instructions in one stage: only the last one counts.",
    docs: "docs/rules/SG204.md",
    peers: { hadolint: ["DL4003", "DL4004", "DL3012"], buildkit: ["MultipleInstructionsDisallowed"], trivy: ["DS016", "DS007", "DS023"] },
  },
  check(ctx) {
    for (const stage of ctx.model.stages) {
      for (const keyword of ["CMD", "ENTRYPOINT", "HEALTHCHECK"]) {
        const all = stage.instructions.filter((i) => i.keyword === keyword);
        const last = all[all.length - 1];
        if (!last) continue;
        for (const ins of all.slice(0, -1)) {
          ctx.report({ at: ins, message: `${keyword} is repeated in this stage and only the last one (line ${last.range.line}) takes effect: remove this one` });
        }
      }
    }
  },
};
