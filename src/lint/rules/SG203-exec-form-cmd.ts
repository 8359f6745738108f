import { execFormFix } from "../fixes/exec-form.js";
import { stageHasNoShell } from "../model/queries.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG203",
    name: "exec-form-cmd",
    severity: "warning",
    description: "CMD or ENTRYPOINT in shell form: the process runs under /bin/sh and does not get signals.",
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
        if ((ins.keyword !== "CMD" && ins.keyword !== "ENTRYPOINT") || ins.json !== null || ins.args.length === 0) continue;
        const fix = execFormFix(model, ins);
        ctx.report({
          at: ins,
          message: `${ins.keyword} in shell form runs as a child of /bin/sh, which does not pass on SIGTERM, so the service is killed instead of shutting down: use exec form ${fix?.edits[0]?.text ?? '(a JSON array, e.g. ["/app", "serve"])'}`,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
};
