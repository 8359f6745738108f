import type { Evidence, MainPackage, ModuleAnalysis } from "../../analysis/types.js";
import { programsBuilt } from "../model/go-build-context.js";
import { glibcMinorOf, goVersionOfTag, isAlpineImage, isGolangImage, isStaticRuntime } from "../model/images.js";
import { envAssignmentEdit, unwrapCommand, whyDropped } from "../model/command-wrappers.js";
import { editableWords, envForCommand, goBuilds, goFlagValue, hasGoFlag, rootImage, stageChain, type GoInvocation } from "../model/queries.js";
import type { DockerfileModel, StageModel } from "../model/types.js";
import type { Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG104",
    name: "cgo-static-runtime",
    severity: "error",
    description: "A binary built with cgo enabled is copied into scratch, distroless/static or alpine (from a glibc builder), where its C library is missing, or into a Debian or Ubuntu release whose glibc is older than 2.34 from a golang image on a newer one.",
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
      const runtimeGlibc = staticRuntime || alpineRuntime ? undefined : glibcMinorOf(runtimeImage);
      if (!staticRuntime && !alpineRuntime && runtimeGlibc === undefined) continue;
      for (const edge of runtime.copyFrom) {
        if (!edge.stage || edge.stage === runtime) continue;
        const builder: StageModel = edge.stage;
        if (alpineRuntime && isAlpineImage(rootImage(builder))) continue;
        const builderGlibc = glibcMinorOf(rootImage(builder));
        // A binary linked against glibc 2.34 or newer asks for GLIBC_2.34 (pthread, __libc_start_main), which older ones lack.
        if (runtimeGlibc !== undefined && !(builderGlibc !== undefined && builderGlibc >= 34 && runtimeGlibc < 34)) continue;
        const chain = stageChain(builder);
        for (const b of builds) {
          if (!chain.includes(b.stage) || reported.has(b)) continue;
          const cgo = envForCommand(model, b, "CGO_ENABLED");
          if (cgo === "0" || (cgo === undefined && !hasCCompiler(model, b))) continue;
          const ldflags = withVariables(goFlagValue(b.args, "ldflags") ?? "", (name) => envForCommand(model, b, name));
          if (/extldflags[ =]+["']?-static/.test(ldflags)) continue;
          const pureGo = pureGoTags(model, b, ctx.module);
          if (pureGo?.static) continue;
          reported.add(b);
          const where = `${runtime.resolvedImage} (line ${runtime.from.range.line})`;
          const explicit = b.assignments.some((a) => a.name === "CGO_ENABLED") || cgo === "1";
          // -race, -msan and -asan fail to build with CGO_ENABLED=0.
          const sanitizer = SANITIZERS.find((f) => hasGoFlag(b.args, f));
          const fixable = !explicit && editableWords(b.instruction, b.command) && !cgoRequired && sanitizer === undefined;
          const advice = sanitizer ? `drop -${sanitizer} from this build and ` : (pureGo?.advice ?? "");
          const edit = fixable ? envAssignmentEdit(b, "CGO_ENABLED=0") : undefined;
          const dropper = b.droppedBy("CGO_ENABLED");
          const dropped = dropper !== undefined && envForCommand(model, { ...b, inherits: () => true }, "CGO_ENABLED") === "0" ? dropper : undefined;
          const unseenGlobal = cgo === undefined ? globalArgLine(model, "CGO_ENABLED", "0") : undefined;
          const builderImage = stageChain(builder).at(-1)?.resolvedImage ?? builder.resolvedImage;
          const tooOld = runtimeGlibc !== undefined ? `cgo is enabled for this ${b.program} ${b.subcommand} on ${builderImage} (glibc 2.${builderGlibc}), so the binary asks for GLIBC_2.34 symbols, and ${where} has glibc 2.${runtimeGlibc}: it fails to start ("version \`GLIBC_2.34' not found"): ` : undefined;
          ctx.report({
            at: b.instruction,
            message: tooOld !== undefined
              ? `${tooOld}${cgoRequired ? "the module needs cgo, so build on a golang image of the runtime's release, or use a runtime as new as the builder" : `${advice}set CGO_ENABLED=0, or build on a golang image of the runtime's release`}`
              : cgoRequired
              ? `the module needs cgo, but this binary goes into ${where}, which has no C library: use a glibc runtime (distroless/base) or link statically with -ldflags '-extldflags "-static"'`
              : `cgo is enabled for this ${b.program} ${b.subcommand}, ${pureGo ? `and ${pureGo.why}, ` : ""}so the binary links ${isAlpineImage(rootImage(builder)) ? "musl" : "glibc"} dynamically and fails to start in ${where}: ${advice}set CGO_ENABLED=0${dropped ? ` on the go command (the one set earlier does not reach go: ${whyDropped(dropped, "CGO_ENABLED")})` : ""}${unseenGlobal !== undefined ? ` (the ARG CGO_ENABLED=0 at line ${unseenGlobal} is before the first FROM, so this stage does not see it unless it declares ARG CGO_ENABLED again)` : ""}`,
            ...(edit ? { fix: { description: "prefix the go command with CGO_ENABLED=0", edits: [edit] } } : {}),
          });
        }
      }
    }
  },
};

/** The line of the ARG before the first FROM that gives `name` the value `value`: a stage sees it only when it declares the ARG again. */
function globalArgLine(model: DockerfileModel, name: string, value: string): number | undefined {
  if (model.globalArgs.get(name) !== value) return undefined;
  const declared = model.instructions.filter((i) => i.keyword === "ARG" && i.stage < 0 && i.args.some((a) => a === name || a.startsWith(`${name}=`)));
  return declared.at(-1)?.range.line;
}

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

/** Text with each `$NAME` / `${NAME}` replaced by its value where known (`-ldflags="${LD_EXTRA} -s"` after `export LD_EXTRA=...`). */
function withVariables(text: string, value: (name: string) => string | null | undefined): string {
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (written: string, braced?: string, bare?: string) => value((braced ?? bare)!) ?? written);
}

const SANITIZERS = ["race", "msan", "asan"];

/**
 * The build tags go gets: those of -tags on the command line, else those of -tags= in GOFLAGS (a
 * flag on the command line overrides GOFLAGS'). Comma-separated, or space-separated as before Go 1.13.
 */
function buildTags(model: DockerfileModel, b: GoInvocation): string[] {
  let value = goFlagValue(b.args, "tags");
  if (value === undefined) {
    const goflags = envForCommand(model, b, "GOFLAGS") ?? "";
    for (const word of goflags.split(/\s+/)) {
      const m = /^--?tags=(.*)$/.exec(word);
      if (m) value = m[1];
    }
  }
  return (value ?? "").split(/[,\s]+/).filter((t) => t !== "");
}

/**
 * With cgo on, a Go binary links the C library only when a package of its build uses cgo: on Linux,
 * net (unless the netgo tag), os/user (unless osusergo), a package that imports "C", plugin, and
 * the race, memory and address sanitizers. So `-tags netgo` gives a static binary when the program
 * uses neither os/user (or osusergo is among the tags too) nor cgo of its own, as the module
 * analysis tells for the program's packages and known cgo modules (not for the source of other
 * dependencies, which it does not read). Undefined without the netgo tag; `static` when those tags
 * make this build static; otherwise why not, and what to do besides CGO_ENABLED=0.
 */
function pureGoTags(model: DockerfileModel, b: GoInvocation, module: ModuleAnalysis | undefined): { static: true } | { static: false; why: string; advice: string } | undefined {
  const tags = buildTags(model, b);
  if (!tags.includes("netgo")) return undefined;
  const sanitizer = SANITIZERS.find((f) => hasGoFlag(b.args, f));
  if (sanitizer) return { static: false, why: `-${sanitizer} needs cgo whatever the tags`, advice: "" };
  const buildmode = goFlagValue(b.args, "buildmode");
  if (buildmode !== undefined && buildmode !== "exe" && buildmode !== "default") return { static: false, why: `-buildmode=${buildmode} links dynamically whatever the tags`, advice: "" };
  if (!module) {
    return { static: false, why: `-tags netgo keeps net off the C library, but without the module analysis slimgo cannot tell whether the program uses os/user (which needs osusergo too) or cgo of its own`, advice: "" };
  }
  const built = programsBuilt(b, module);
  const programs = built.length > 0 ? built : module.mainPackages;
  if (programs.length === 0) return undefined;
  for (const p of programs) {
    if (p.facts.cgo.required) return undefined; // the cgo message covers it
    if (p.facts.imports.includes("plugin")) return { static: false, why: `-tags netgo keeps net off the C library, but ${name(p)} imports plugin, which needs cgo`, advice: "" };
    const user = usesOsUser(p);
    if (user && !tags.includes("osusergo")) {
      return { static: false, why: `-tags netgo keeps net off the C library, but ${name(p)} uses os/user${user.file ? ` (${displayModuleLine(module.root, { file: user.file, line: user.line ?? 0 })})` : ""}, which links it unless osusergo is among the tags too`, advice: "add osusergo to the tags (-tags netgo,osusergo) or " };
    }
  }
  return { static: true };
}

function name(p: MainPackage): string {
  return p.dir === "." ? p.binary : `./${p.dir}`;
}

function usesOsUser(p: MainPackage): Partial<Evidence> | undefined {
  if (p.facts.needs.user.needed) return p.facts.needs.user.evidence[0] ?? {};
  return p.facts.imports.includes("os/user") ? {} : undefined;
}
