import { lookupAt } from "../model/build.js";
import { expand } from "../model/variables.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG208",
    name: "relative-workdir",
    severity: "warning",
    description: "A relative WORKDIR depends on the base image's working directory.",
    docs: "docs/rules/SG208.md",
    peers: { hadolint: ["DL3000"], buildkit: ["WorkdirRelativePath"], trivy: ["DS009"] },
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      let absoluteSeen = false;
      for (const ins of stage.instructions) {
        // WORKDIR alone is SG001's: builders stop at it.
        if (ins.keyword !== "WORKDIR" || ins.args.length === 0) continue;
        const e = expand((ins.args[0] ?? "").replace(/^["']|["']$/g, ""), lookupAt(model, ins), model.escape);
        if (e.unknown) continue;
        const path = e.value;
        if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\")) {
          absoluteSeen = true;
          continue;
        }
        if (absoluteSeen) continue;
        ctx.report({ at: ins, message: `WORKDIR ${path} is relative, so where it lands depends on the base image: use an absolute path such as /${path.replace(/^\.\//, "")}` });
      }
    }
  },
};
