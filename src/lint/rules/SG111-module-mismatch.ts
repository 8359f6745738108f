import { goVersionOfTag, isGolangImage } from "../model/images.js";
import { resolve } from "node:path";
import { localReplaces, replacementDir } from "../../analysis/local-replaces.js";
import { copyPaths, envForCommand, goBuilds, goInvocations, goPackageArgs, isModDownload, moduleFilesTaken, rootImage, stageChain, wordRange, type GoInvocation } from "../model/queries.js";
import type { StageModel } from "../model/types.js";
import type { Rule, RuleContext } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG111",
    name: "module-mismatch",
    severity: "error",
    description: "The Dockerfile disagrees with the Go module: builder Go too old, go.sum copied but absent, go build path missing, cgo needed but disabled.",
    docs: "docs/rules/SG111.md",
    peers: {},
  },
  check(ctx) {
    const { model, module } = ctx;
    const invocations = goInvocations(model);
    const goStages = new Set<StageModel>(invocations.map((g) => g.stage));

    if (module) {
      for (const stage of goStages) {
        const image = rootImage(stage);
        if (!isGolangImage(image)) continue;
        const have = goVersionOfTag(image.tag);
        if (have === undefined) continue;
        for (const [want, what] of [[module.goMod.go, "go"], [module.goMod.toolchain, "toolchain"]] as const) {
          if (want === undefined || !olderThan(have, want)) continue;
          ctx.report({ at: stage.from, message: `builder ${stage.resolvedImage} has Go ${have}, older than go.mod's ${what} ${want}: use golang:${want.split(".").slice(0, 2).join(".")} or newer` });
          break;
        }
      }
    }

    const hasMod = ctx.fileExists("go.mod");
    const hasSum = ctx.fileExists("go.sum");
    // With no go.mod in the context nor above it, the Dockerfile was linted away from its module
    // (a Dockerfile on its own, standard input): what its context holds is not known.
    const contextKnown = hasMod === true || module !== undefined;
    if (contextKnown && (hasMod === false || hasSum === false)) {
      for (const stage of model.stages) {
        for (const ins of stage.instructions) {
          const taken = moduleFilesTaken(ins);
          const mod = taken.get("go.mod");
          const sum = taken.get("go.sum");
          if (mod && hasMod === false) {
            ctx.report({ at: ins, message: `go.mod is ${mod} but the build context has none, so the build fails here: build from the module root (docker build -f path/to/Dockerfile .), or lint with --context set to it` });
          } else if (sum && hasSum === false && hasMod !== false) {
            ctx.report({ at: ins, message: `go.sum is ${sum} but the build context has none (a module without requirements has no go.sum): remove it from this line, or run "go mod tidy" and commit go.sum` });
          }
        }
      }
    }

    for (const b of goBuilds(model)) {
      // Paths are only comparable with the context when the context root is what the build sees.
      const wholeContext =
        b.instruction.mounts.some((m) => m.type === "bind" && (m.source ?? ".").replace(/^\.\/?$/, "") === "" && m.from === undefined) ||
        stageChain(b.stage).some((s) => s.instructions.some((i) => i.index < b.instruction.index && (i.keyword === "COPY" || i.keyword === "ADD") && !i.flags.some((f) => f.name === "from") && copyPaths(i).sources.some((src) => src === "." || src === "./")));
      if (!wholeContext || !contextKnown) continue;
      for (const pkg of goPackageArgs(b.args)) {
        const p = pkg.value;
        if (!p.startsWith("./") || p.includes("...") || p.includes("$")) continue;
        const dir = p.replace(/^\.\//, "").replace(/\/$/, "");
        if (dir === "" || ctx.fileExists(dir) !== false) continue;
        ctx.report({ at: wordRange(model, pkg), message: `${b.program} ${b.subcommand} ${p}: no such directory in the build context${module ? ` (main packages: ${module.mainPackages.map((m) => (m.dir === "." ? "." : "./" + m.dir)).join(", ") || "none"})` : ""}` });
      }
    }

    if (module && !module.vendored) checkLocalReplaces(ctx, invocations);

    if (module) {
      const cgo = module.mainPackages.find((m) => m.facts.cgo.required);
      if (cgo) {
        for (const b of goBuilds(model)) {
          if (envForCommand(model, b, "CGO_ENABLED") !== "0") continue;
          const e = cgo.facts.cgo.evidence[0] ?? cgo.facts.cgo.dependencies[0]?.evidence;
          ctx.report({ at: b.instruction, message: `the module needs cgo${e ? ` (${displayModuleLine(ctx.module!.root, e)})` : ""} but this build sets CGO_ENABLED=0, so it will fail: enable cgo and use a runtime with a C library, or switch to a pure-Go dependency` });
        }
      }
    }
  },
};

/** Compares only the components the image tag pins: tag 1.22 satisfies go 1.22.5. */
function olderThan(have: string, want: string): boolean {
  const h = have.split(".").map(Number);
  const w = want.split(".").map((x) => parseInt(x, 10));
  for (let i = 0; i < h.length; i++) {
    const a = h[i] ?? 0;
    const b = w[i] ?? 0;
    if (Number.isNaN(b)) return false;
    if (a !== b) return a < b;
  }
  return false;
}

/**
 * go.mod's replacements by a directory: one outside the module cannot be in a build whose context is
 * the module; one inside it must be there when go mod download runs, which reads its go.mod.
 */
function checkLocalReplaces(ctx: RuleContext, invocations: GoInvocation[]): void {
  const module = ctx.module!;
  const { inside, outside } = localReplaces(module);
  const first = invocations[0];
  const contextIsModule = ctx.contextDir !== undefined && resolve(ctx.contextDir) === resolve(module.root);
  if (first && contextIsModule) {
    for (const r of outside) {
      ctx.report({
        at: first.instruction,
        message: `${displayModuleLine(module.root, r.evidence)} replaces ${r.oldPath} with ${r.newPath}, outside the module directory, so this build (its context is the module) cannot see it and go fails: run go mod vendor (vendor/ then holds it), or build from a directory that holds both modules`,
      });
    }
  }
  if (inside.length === 0) return;
  for (const d of invocations.filter((g) => isModDownload(g.command))) {
    const have = contextPathsAt(d);
    const missing = inside.map((r) => ({ r, goMod: `${replacementDir(module.root, r.newPath)}/go.mod` })).filter(({ goMod }) => !have(goMod));
    if (missing.length === 0) continue;
    const names = missing.map((m) => m.goMod).join(", ");
    const why = missing.map(({ r }) => `${displayModuleLine(module.root, r.evidence)} replaces ${r.oldPath} with ${r.newPath}`).join("; ");
    ctx.report({ at: d.instruction, message: `go mod download reads ${names} (${why}), which this step does not have, so it fails: COPY it beside go.mod before this step, or add a bind mount of it to this RUN` });
  }
}

/** Whether a file of the build context is in the stage when `d` runs: copied before it, or bind-mounted on its RUN. */
function contextPathsAt(d: GoInvocation): (path: string) => boolean {
  const sources: string[] = [];
  for (const s of stageChain(d.stage)) {
    for (const i of s.instructions) {
      if (s === d.stage && i.index >= d.instruction.index) break;
      if ((i.keyword === "COPY" || i.keyword === "ADD") && !i.flags.some((f) => f.name === "from")) sources.push(...copyPaths(i).sources);
    }
  }
  for (const m of d.instruction.mounts) if (m.type === "bind" && m.from === undefined) sources.push(m.source ?? ".");
  const patterns = sources.map((src) => {
    const p = src.replace(/^\.\//, "").replace(/\/+$/, "");
    if (p === "" || p === ".") return /^/;
    const glob = p.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
    return new RegExp(`^${glob}(/|$)`);
  });
  return (path) => patterns.some((re) => re.test(path));
}
