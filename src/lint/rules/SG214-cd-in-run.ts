import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG214",
    name: "cd-in-run",
    severity: "warning",
    description: "cd inside RUN: the directory change is lost at the end of the step; WORKDIR says it once.",
    docs: "docs/rules/SG214.md",
    peers: { hadolint: ["DL3003"], trivy: ["DS013"] },
  },
  check(ctx) {
    for (const ins of ctx.model.instructions) {
      if (ins.keyword !== "RUN") continue;
      if (ins.commands.some((c) => c.name === "cd")) ctx.report({ at: ins, message: "cd in RUN only lasts for this step and hides where later steps run: use WORKDIR" });
    }
  },
};
