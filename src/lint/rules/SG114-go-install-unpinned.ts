import { goInvocations, goPackageArgs, wordRange } from "../model/queries.js";
import type { Rule } from "../types.js";

const floating = new Set(["latest", "master", "main", "head", "upgrade", "patch"]);

export const rule: Rule = {
  meta: {
    id: "SG114",
    name: "go-install-unpinned",
    severity: "warning",
    description: "go install of a tool at @latest or a branch, so every build may get a different version.",
    docs: "docs/rules/SG114.md",
    peers: { hadolint: ["DL3062"] },
  },
  check(ctx) {
    for (const g of goInvocations(ctx.model)) {
      if (g.subcommand !== "install" && g.subcommand !== "run") continue;
      for (const pkg of goPackageArgs(g.args)) {
        const at = pkg.value.lastIndexOf("@");
        if (at < 0) continue;
        const version = pkg.value.slice(at + 1);
        if (!floating.has(version.toLowerCase())) continue;
        ctx.report({ at: wordRange(ctx.model, pkg), message: `${g.program} ${g.subcommand} ${pkg.value} follows a moving version, so rebuilds can pull a different (or compromised) tool: pin a release, e.g. ${pkg.value.slice(0, at)}@v1.2.3` });
      }
    }
  },
};
