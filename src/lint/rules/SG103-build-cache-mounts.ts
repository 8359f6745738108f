import { goBuilds, goFlagValue, goPackageArgs } from "../model/queries.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG103",
    name: "build-cache-mounts",
    severity: "info",
    description: "go build runs without BuildKit cache mounts for the module cache and the build cache.",
    docs: "docs/rules/SG103.md",
    peers: {},
  },
  check(ctx) {
    const seen = new Set<number>();
    for (const b of goBuilds(ctx.model)) {
      if (seen.has(b.instruction.index)) continue;
      seen.add(b.instruction.index);
      const targets = b.instruction.mounts.filter((m) => m.type === "cache").map((m) => (m.target ?? "").replace(/\/+$/, ""));
      const missing: string[] = [];
      // A lone file outside the module (e.g. a probe built from /probe/main.go) has no modules to cache.
      const pkgs = goPackageArgs(b.args);
      const standalone = pkgs.length > 0 && pkgs.every((w) => w.value.startsWith("/") && w.value.endsWith(".go"));
      const vendored = goFlagValue(b.args, "mod") === "vendor" || ctx.module?.vendored === true;
      if (!standalone && !vendored && !targets.some((t) => /\/pkg\/mod$/.test(t) || t.includes("GOMODCACHE"))) missing.push("/go/pkg/mod");
      if (!targets.some((t) => /go-build$/.test(t) || t.includes("GOCACHE"))) missing.push("/root/.cache/go-build");
      if (missing.length === 0) continue;
      ctx.report({
        at: b.instruction,
        message: `go ${b.subcommand} without a cache mount for ${missing.join(" and ")}: add ${missing.map((m) => `--mount=type=cache,target=${m}`).join(" ")} to this RUN so rebuilds reuse compiled packages`,
      });
    }
  },
};
