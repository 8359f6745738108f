import type { Rule } from "../types.js";

const reserved = new Set(["scratch", "context"]);

export const rule: Rule = {
  meta: {
    id: "SG205",
    name: "stage-name",
    severity: "error",
    description: "Two stages with the same name, or a stage named with a reserved word (scratch, context).",
    docs: "docs/rules/SG205.md",
    peers: { hadolint: ["DL3024"], buildkit: ["DuplicateStageName", "ReservedStageName"], trivy: ["DS012"] },
  },
  check(ctx) {
    const seen = new Map<string, number>();
    for (const stage of ctx.model.stages) {
      const name = stage.name;
      if (name === undefined) continue;
      if (reserved.has(name)) ctx.report({ at: stage.from, message: `stage name "${name}" is reserved: choose another name` });
      const first = seen.get(name);
      if (first !== undefined) ctx.report({ at: stage.from, message: `stage name "${name}" is already used on line ${first}: stage names must be unique` });
      else seen.set(name, stage.from.range.line);
    }
  },
};
