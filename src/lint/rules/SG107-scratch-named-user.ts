import { lookupAt } from "../model/build.js";
import { isScratch } from "../model/images.js";
import { rootImage, stageCopies, userSpec } from "../model/queries.js";
import { expand } from "../model/variables.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG107",
    name: "scratch-named-user",
    severity: "warning",
    description: "A named USER or --chown=name in a scratch stage that has no /etc/passwd.",
    docs: "docs/rules/SG107.md",
    peers: {},
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      if (!isScratch(rootImage(stage))) continue;
      if (stageCopies(stage, (p) => /(^|\/)etc\/passwd$|^\/etc\/?$/.test(p))) continue;
      for (const ins of stage.instructions) {
        const spec = userSpec(model, ins)?.spec;
        if (spec === undefined) continue;
        const e = expand(spec, lookupAt(model, ins), model.escape);
        if (e.unknown) continue;
        const names = e.value.split(":").filter((p) => p !== "" && !/^\d+$/.test(p));
        if (names.length === 0) continue;
        ctx.report({
          at: ins,
          message: `${ins.keyword === "USER" ? "USER" : "--chown"} names "${names.join(":")}" but this scratch stage has no /etc/passwd to resolve it: use a numeric uid:gid such as 65532:65532`,
        });
      }
    }
  },
};
