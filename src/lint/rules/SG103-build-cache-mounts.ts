import { lookupAt } from "../model/build.js";
import { envForCommand, goBuilds, goModMode, goPackageArgs } from "../model/queries.js";
import { expand } from "../model/variables.js";
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
      const lookup = lookupAt(ctx.model, b.instruction);
      const targets = b.instruction.mounts.filter((m) => m.type === "cache").map((m) => {
        const t = expand(m.target ?? "", lookup, ctx.model.escape);
        return (t.unknown ? (m.target ?? "") : t.value).replace(/\/+$/, "");
      });
      const holds = (t: string, dir: string): boolean => dir === t || dir.startsWith(t + "/");
      // GOMODCACHE and GOCACHE set by ENV, ARG or go env -w: the mount must hold that directory.
      const covered = (name: string, fallback: (t: string) => boolean): { ok: boolean; dir?: string } => {
        const dir = envForCommand(ctx.model, b, name)?.replace(/\/+$/, "");
        if (!dir?.startsWith("/")) return { ok: targets.some(fallback) };
        return { ok: targets.some((t) => holds(t, dir)), dir };
      };
      // Unset, they default to /go/pkg/mod and /root/.cache/go-build, which a mount at a parent (/go/pkg) holds too.
      const modCache = covered("GOMODCACHE", (t) => /\/pkg\/mod$/.test(t) || t.includes("GOMODCACHE") || holds(t, "/go/pkg/mod"));
      const buildCache = covered("GOCACHE", (t) => /go-build$/.test(t) || t.includes("GOCACHE") || holds(t, "/root/.cache/go-build"));
      const missing: string[] = [];
      // A lone file outside the module (e.g. a probe built from /probe/main.go) has no modules to cache.
      const pkgs = goPackageArgs(b.args);
      const standalone = pkgs.length > 0 && pkgs.every((w) => w.value.startsWith("/") && w.value.endsWith(".go"));
      // -mod=vendor (on the command or in GOFLAGS) reads modules from vendor/: there is no module cache to keep.
      const mode = goModMode(ctx.model, b);
      const vendored = typeof mode === "string" ? mode === "vendor" : ctx.module?.vendored === true;
      if (!standalone && !vendored && !modCache.ok) missing.push(modCache.dir ?? "/go/pkg/mod");
      if (!buildCache.ok) missing.push(buildCache.dir ?? "/root/.cache/go-build");
      if (missing.length === 0) continue;
      ctx.report({
        at: b.instruction,
        message: `${b.program} ${b.subcommand} without a cache mount for ${missing.join(" and ")}: add ${missing.map((m) => `--mount=type=cache,target=${m}`).join(" ")} to this RUN so rebuilds reuse compiled packages`,
      });
    }
  },
};
