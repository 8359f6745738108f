import { goVersionOfTag, isAlpineImage, isGolangImage, isStaticRuntime } from "../model/images.js";
import { envAssignmentEdit, unwrapCommand, whyDropped } from "../model/command-wrappers.js";
import { editableWords, envForCommand, goBuilds, goFlagValue, rootImage, stageChain, type GoInvocation } from "../model/queries.js";
import type { DockerfileModel, StageModel } from "../model/types.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG104",
    name: "cgo-static-runtime",
    severity: "error",
    description: "A binary built with cgo enabled is copied into scratch, distroless/static or alpine (from a glibc builder), where its C library is missing.",
    docs: "docs/rules/SG104.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    const builds = goBuilds(model).filter((b) => b.subcommand === "build" || !b.args.some((a) => a.value.includes("@")));
    const reported = new Set<GoInvocation>();
    const cgoRequired = ctx.module?.mainPackages.some((p) => p.facts.cgo.required) ?? false;
    for (const runtime of model.stages) {
      const runtimeImage = rootImage(runtime);
      const staticRuntime = isStaticRuntime(runtimeImage);
      const alpineRuntime = !staticRuntime && isAlpineImage(runtimeImage);
      if (!staticRuntime && !alpineRuntime) continue;
      for (const edge of runtime.copyFrom) {
        if (!edge.stage || edge.stage === runtime) continue;
        const builder: StageModel = edge.stage;
        if (alpineRuntime && isAlpineImage(rootImage(builder))) continue;
        const chain = stageChain(builder);
        for (const b of builds) {
          if (!chain.includes(b.stage) || reported.has(b)) continue;
          const cgo = envForCommand(model, b, "CGO_ENABLED");
          if (cgo === "0" || (cgo === undefined && !hasCCompiler(model, b))) continue;
          const ldflags = goFlagValue(b.args, "ldflags") ?? "";
          if (/extldflags[ =]+["']?-static/.test(ldflags)) continue;
          reported.add(b);
          const where = `${runtime.resolvedImage} (line ${runtime.from.range.line})`;
          const explicit = b.assignments.some((a) => a.name === "CGO_ENABLED") || cgo === "1";
          const fixable = !explicit && editableWords(b.instruction, b.command) && !cgoRequired;
          const edit = fixable ? envAssignmentEdit(b, "CGO_ENABLED=0") : undefined;
          const dropper = b.droppedBy("CGO_ENABLED");
          const dropped = dropper !== undefined && envForCommand(model, { ...b, inherits: () => true }, "CGO_ENABLED") === "0" ? dropper : undefined;
          ctx.report({
            at: b.instruction,
            message: cgoRequired
              ? `the module needs cgo, but this binary goes into ${where}, which has no C library: use a glibc runtime (distroless/base) or link statically with -ldflags '-extldflags "-static"'`
              : `cgo is enabled for this go ${b.subcommand}, so the binary links ${isAlpineImage(rootImage(builder)) ? "musl" : "glibc"} dynamically and fails to start in ${where}: set CGO_ENABLED=0${dropped ? ` on the go command (the one set earlier does not reach go: ${whyDropped(dropped, "CGO_ENABLED")})` : ""}`,
            ...(edit ? { fix: { description: "prefix the go command with CGO_ENABLED=0", edits: [edit] } } : {}),
          });
        }
      }
    }
  },
};

/**
 * Since Go 1.20, cgo is off by default when no C compiler is found. The golang alpine images have
 * none until one is installed (apk add gcc, build-base, clang) or CC names one.
 */
function hasCCompiler(model: DockerfileModel, b: GoInvocation): boolean {
  const root = rootImage(b.stage);
  if (!isGolangImage(root) || !isAlpineImage(root)) return true;
  const version = goVersionOfTag(root.tag);
  const [major = 1, minor = 0] = (version ?? "").split(".").map(Number);
  if (version !== undefined && major === 1 && minor < 20) return true;
  if (envForCommand(model, b, "CC") !== undefined) return true;
  return stageChain(b.stage).some((s) =>
    s.instructions.some(
      (i) =>
        i.keyword === "RUN" &&
        (s !== b.stage || i.index <= b.instruction.index) &&
        i.commands.some((c) => {
          const words = unwrapCommand(c).words.map((w) => w.value);
          return words[0] === "apk" && words.includes("add") && words.some((w) => /^(gcc|build-base|clang\d*|g\+\+|tcc)(=.*)?$/.test(w));
        }),
    ),
  );
}
