import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG207",
    name: "maintainer",
    severity: "warning",
    description: "MAINTAINER is deprecated; use the org.opencontainers.image.authors label.",
    docs: "docs/rules/SG207.md",
    peers: { hadolint: ["DL4000"], buildkit: ["MaintainerDeprecated"], trivy: ["DS022"] },
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const ins of model.instructions) {
      if (ins.keyword !== "MAINTAINER") continue;
      const who = ins.args.join(" ").replace(/^"(.*)"$/, "$1");
      const multiline = model.text.slice(ins.start, ins.end).includes("\n");
      const label = `LABEL org.opencontainers.image.authors=${JSON.stringify(who)}`;
      ctx.report({
        at: ins,
        message: `MAINTAINER is deprecated: use ${label}`,
        ...(who !== "" && !multiline && !/[$`\\]/.test(who) ? { fix: { description: "replace MAINTAINER with a LABEL", edits: [{ start: ins.start, end: ins.start + model.text.slice(ins.start, ins.end).replace(/\s+$/, "").length, text: label }] } } : {}),
      });
    }
  },
};
