import { execFormFix } from "../fixes/exec-form.js";
import { isAlpineImage } from "../model/images.js";
import { rootImage, stageHasNoShell } from "../model/queries.js";
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
        const root = rootImage(stage);
        const why = isAlpineImage(root) || root.repository === "busybox"
          ? "busybox sh runs a lone last command in its own place, but one in a pipeline, or after a trap, stays its child, which never gets SIGTERM"
          : "Debian's and Ubuntu's sh (dash) keeps the service as its child and does not pass on SIGTERM, so the service is killed instead of shutting down";
        ctx.report({
          at: ins,
          message: `${ins.keyword} in shell form runs under /bin/sh -c: ${why}: use exec form ${fix?.edits[0]?.text ?? '(a JSON array, e.g. ["/app", "serve"])'}`,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
};
