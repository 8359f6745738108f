import { posix } from "node:path";
import { buildInputs, type BuildInput } from "../../analysis/build-inputs.js";
import { contextPlacements, landingPaths, type Placement } from "../model/context-placement.js";
import { contextBuilds, directoryInModule, listedFiles, moduleInContext } from "../model/go-build-context.js";
import { workdirAt } from "../model/image-files.js";
import { copyPaths, envForCommand, goBuilds, goPackageArgs, hasGoFlag, lineStartOf, stageChain, type GoInvocation } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, ShellCommand } from "../model/types.js";
import type { Rule, TextEdit } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG119",
    name: "copy-misses-build-input",
    severity: "error",
    description: "The COPY instructions before a go build miss go.mod, go.sum, a package the program imports or files it embeds, or put them elsewhere than go looks (COPY cmd . copies cmd's contents, so cmd/api lands at ./api): the build fails.",
    docs: "docs/rules/SG119.md",
    peers: {},
    fixable: true,
    needsModule: true,
  },
  check(ctx) {
    const { module, contextDir } = ctx;
    if (!module || contextDir === undefined) return;
    const inContext = moduleInContext(contextDir, module.root);
    if (!inContext) return;
    const reported = new Set<string>();
    // Go commands that find no go.mod: what else they miss is beside the point.
    const noModule = new Set<ShellCommand>();
    for (const build of goBuilds(ctx.model)) {
      if (sourcesFromElsewhere(build)) continue;
      const problem = goModNotFound(ctx.model, build, contextDir, inContext);
      if (!problem) continue;
      noModule.add(build.command);
      ctx.report({ at: build.instruction, message: problem });
    }
    for (const { build, programs, builtFor, brings } of contextBuilds(ctx.model, module, contextDir)) {
      if (sourcesFromElsewhere(build) || noModule.has(build.command)) continue;
      const placements = contextPlacements(build.stage, build.instruction, contextDir);
      const root = moduleRootOf(build, placements, inContext);
      const inputs = buildInputs(module, programs);
      // The input's files a COPY puts elsewhere than go looks, with where the first of them lands.
      const misplaced = new Map<BuildInput, Misplaced>();
      if (root !== undefined) {
        for (const input of inputs) {
          const wrong = input.files.filter(brings).filter((file) => {
            const landed = landingPaths(placements, inContext(file));
            return landed.length > 0 && !landed.includes(undefined) && !landed.includes(posix.join(root, file));
          });
          const file = wrong[0];
          if (file === undefined) continue;
          const by = placements.filter((p) => landingPaths([p], inContext(file)).length > 0).at(-1)!;
          misplaced.set(input, { file, at: landingPaths([by], inContext(file))[0]!, by, all: wrong.length === input.files.length });
        }
      }
      const moves = new Map<InstructionModel, TextEdit>();
      for (const { by } of misplaced.values()) {
        const edit = root === undefined ? undefined : destinationFix(ctx.model, by, root, inContext);
        if (edit) moves.set(by.instruction, edit);
      }
      const mirrored = copiesMirrorModule(build, inContext, new Set(moves.keys()));
      for (const input of inputs) {
        const wrong = misplaced.get(input);
        const missing = input.files.filter((f) => !brings(f));
        if ((missing.length === 0 && !wrong) || reported.has(input.pattern)) continue;
        reported.add(input.pattern);
        if (wrong && missing.length === 0) {
          const move = moves.get(wrong.by.instruction);
          ctx.report({ at: build.instruction, message: misplacedMessage(build, input, builtFor, wrong, root!, inContext, module.root), ...(move ? { fix: { description: `copy ${inContext(wrong.by.source)} to where go looks for it`, edits: [move] } } : {}) });
          continue;
        }
        const all = missing.length === input.files.length;
        const copyAdvice = copyFor(input, inContext);
        const message =
          input.kind === "module-file"
            ? `no COPY before this ${build.program} ${build.subcommand} brings in ${inContext(input.pattern)}: ${input.pattern === "go.mod" ? "go finds no module" : "go stops on a missing go.sum entry"}; ${copyAdvice}`
            : input.kind === "package"
              ? `${build.program} ${build.subcommand} compiles package ${input.importPath} for ${builtFor}, but no COPY before it brings in ${listedFiles(missing.map(inContext))}: the build ${all ? "cannot find the package" : "compiles a different package than this checkout"}; ${copyAdvice}`
              : `//go:embed ${input.embed} (${displayModuleLine(module.root, input.evidence)}) embeds ${listedFiles(missing.map(inContext))}, which no COPY before this ${build.program} ${build.subcommand} brings in: ${all ? `go build fails ("pattern ${input.embed.replace(/^all:/, "")}: no matching files found")` : "the binary lacks them"}; ${copyAdvice}`;
        const at = lineStartOf(ctx.model, build.instruction.start);
        const fix = mirrored ? { fix: { description: copyAdvice, edits: [{ start: at, end: at, text: `${copyAdvice}\n` }] } } : {};
        ctx.report({ at: build.instruction, message, ...fix });
      }
    }
  },
};

/** The COPY that brings an input in where it is in the module, relative to the module root. */
function copyFor(input: BuildInput, inContext: (moduleRelative: string) => string): string {
  // A package's directory; an embedded directory or file itself, unless its pattern is a glob.
  const whole = input.kind === "embed" && !/[*?[]/.test(input.pattern);
  const dir = whole ? input.pattern : posix.dirname(input.pattern);
  const isFile = whole && input.files.length === 1 && input.files[0] === input.pattern;
  return dir === "." ? `COPY ${inContext(input.pattern)} ./` : isFile ? `COPY ${inContext(dir)} ${dir}` : `COPY ${inContext(dir)}/ ${dir}/`;
}

/**
 * Why go finds no go.mod, when a COPY or bind mount brings it in but not to where go looks: the
 * directory go runs in or one above it (`COPY . /app` with WORKDIR /src, or `COPY go.mod go.sum`,
 * which copies go.mod to a file named go.sum). Undefined when go finds it, or nothing brings it in.
 */
function goModNotFound(model: DockerfileModel, build: GoInvocation, contextDir: string, inContext: (moduleRelative: string) => string): string | undefined {
  const commands = build.instruction.commands;
  if (commands.slice(0, commands.indexOf(build.command)).some((c) => c.name === "cd" || c.name === "pushd") || hasGoFlag(build.args, "C") || hasGoFlag(build.args, "modfile")) return undefined;
  // `go install tool@v1.2.3` and `go build main.go` need no go.mod; GOPATH mode reads none.
  const packages = goPackageArgs(build.args).map((w) => w.value);
  if (packages.some((p) => p.includes("@") || p.endsWith(".go")) || envForCommand(model, build, "GO111MODULE") === "off") return undefined;
  const runsIn = workdirAt(build.stage, build.instruction);
  if (runsIn === undefined) return undefined;
  const placements = contextPlacements(build.stage, build.instruction, contextDir);
  const landed = landingPaths(placements, inContext("go.mod"));
  if (landed.length === 0 || landed.includes(undefined) || goModRoots(landed as string[], runsIn).length > 0) return undefined;
  const at = landed.at(-1)!;
  const by = placements.filter((p) => landingPaths([p], inContext("go.mod")).length > 0).at(-1)!;
  const where = `${by.instruction.keyword}${by.instruction === build.instruction ? " --mount" : ""} at line ${by.instruction.range.line}`;
  const advice =
    posix.basename(at) === "go.mod"
      ? `run it where the module is (WORKDIR ${posix.dirname(at)} before it), or copy the module into ${runsIn}`
      : `copy go.mod by its name into ${runsIn} (COPY ${inContext("go.mod")} ./; a COPY's last word is where it copies to)`;
  return `the ${where} puts ${inContext("go.mod")} at ${at}, but ${build.program} ${build.subcommand} runs in ${runsIn} and looks for go.mod there and in the directories above: it stops with "go.mod file not found"; ${advice}`;
}

/** The directories holding a go.mod at one of `landed` that go, running in `runsIn`, finds: it or one above it, nearest first. */
function goModRoots(landed: readonly string[], runsIn: string): string[] {
  return landed
    .filter((p) => posix.basename(p) === "go.mod" && (posix.dirname(p) === runsIn || posix.dirname(p) === "/" || runsIn.startsWith(`${posix.dirname(p)}/`)))
    .map((p) => posix.dirname(p))
    .sort((a, b) => b.length - a.length);
}

/** The image directory go takes for the module root: where go.mod lands for it, else the one the go command's place in the module gives. */
function moduleRootOf(build: GoInvocation, placements: readonly Placement[], inContext: (moduleRelative: string) => string): string | undefined {
  const runsIn = workdirAt(build.stage, build.instruction);
  const here = directoryInModule(build);
  if (runsIn === undefined || here === undefined) return undefined;
  const landed = landingPaths(placements, inContext("go.mod"));
  if (landed.includes(undefined)) return undefined;
  return goModRoots(landed as string[], runsIn)[0] ?? posix.join(runsIn, here === "." ? "." : here.split("/").map(() => "..").join("/"));
}

/** A build input's file that lands elsewhere than go looks: where, by which placement, and whether all of the input's files do. */
interface Misplaced {
  file: string;
  at: string;
  by: Placement;
  all: boolean;
}

function misplacedMessage(build: GoInvocation, input: BuildInput, builtFor: string, wrong: Misplaced, root: string, inContext: (moduleRelative: string) => string, moduleRoot: string): string {
  const by = wrong.by.instruction;
  const puts = `the ${by.keyword}${by === build.instruction ? " --mount" : ""} at line ${by.range.line} puts ${inContext(wrong.file)} at ${wrong.at}`;
  const wanted = posix.join(root, wrong.file);
  const advice = `copy it to ${wanted}${destinationAdvice(wrong.by, root, inContext)}`;
  if (input.kind === "module-file") return `${puts}, not beside go.mod at ${wanted}: go stops on a missing go.sum entry; ${advice}`;
  if (input.kind === "package") {
    const dir = posix.dirname(wanted);
    return `${build.program} ${build.subcommand} compiles package ${input.importPath} for ${builtFor} from ${dir}, but ${puts}: the build ${wrong.all ? "cannot find the package" : "compiles a different package than this checkout"}; ${advice}`;
  }
  return `//go:embed ${input.embed} (${displayModuleLine(moduleRoot, input.evidence)}) embeds ${inContext(wrong.file)}, but ${puts}, not ${wanted}: ${wrong.all ? `go build fails ("pattern ${input.embed.replace(/^all:/, "")}: no matching files found")` : "the binary lacks it"}; ${advice}`;
}

/** Where a COPY's one source belongs: its path in the module, under the module root, written relative to the COPY's WORKDIR when inside it. */
function correctDestination(placement: Placement, root: string, inContext: (moduleRelative: string) => string): string | undefined {
  const prefix = inContext("x").slice(0, -1);
  if (placement.glob || !placement.source.startsWith(prefix)) return undefined;
  const inModule = placement.source.slice(prefix.length);
  const target = placement.how === "contents" ? posix.join(root, inModule) : posix.join(root, posix.dirname(inModule));
  const workdir = workdirAt(placement.stage, placement.instruction);
  const rel = workdir === undefined ? ".." : posix.relative(workdir, target);
  return rel === "" ? "./" : rel.startsWith("..") ? `${target}/` : `${rel}/`;
}

function destinationAdvice(placement: Placement, root: string, inContext: (moduleRelative: string) => string): string {
  const dest = placement.instruction.keyword === "RUN" ? undefined : correctDestination(placement, root, inContext);
  return dest === undefined ? "" : ` (${placement.instruction.keyword} ${placement.source === "" ? "." : placement.source}${placement.how === "contents" ? "/" : ""} ${dest})`;
}

/** An edit that writes the correct destination into a shell-form COPY/ADD of one source from the context. */
function destinationFix(model: DockerfileModel, placement: Placement, root: string, inContext: (moduleRelative: string) => string): TextEdit | undefined {
  const ins = placement.instruction;
  if (ins.keyword === "RUN" || ins.json !== null || ins.heredocs.length > 0 || ins.args.length !== 2) return undefined;
  const dest = correctDestination(placement, root, inContext);
  const written = ins.args[1]!;
  const start = model.text.lastIndexOf(written, ins.end);
  if (dest === undefined || start < ins.argsStart) return undefined;
  return { start, end: start + written.length, text: dest };
}

/**
 * Whether a COPY the fix adds before the build lands where go looks: go runs at the module root, and
 * every COPY from the context puts files where they are in the module (`COPY cmd/ cmd/`, `COPY go.mod go.sum ./`).
 */
function copiesMirrorModule(build: GoInvocation, inContext: (moduleRelative: string) => string, rewritten: ReadonlySet<InstructionModel>): boolean {
  if (directoryInModule(build) !== ".") return false;
  const clean = (p: string) => p.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  const prefix = inContext("x").slice(0, -1);
  const inModule = (source: string) => (clean(source).startsWith(prefix) ? clean(source).slice(prefix.length) : undefined);
  for (const stage of stageChain(build.stage)) {
    for (const ins of stage.instructions) {
      if (stage === build.stage && ins.index >= build.instruction.index) break;
      if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || ins.flags.some((f) => f.name === "from") || rewritten.has(ins)) continue;
      const { sources, dest } = copyPaths(ins);
      const to = clean(dest) || ".";
      const intoDirectory = dest.endsWith("/") || to === "." || sources.length > 1 || sources.some((s) => /[*?[]/.test(s));
      const ok = sources.every((s) => {
        const rel = inModule(s);
        return rel !== undefined && (rel === to || (intoDirectory && posix.dirname(rel) === to));
      });
      if (!ok) return false;
    }
  }
  return true;
}

/** git subcommands that bring files into the stage (`git config` for private modules does not). */
const gitFetches = new Set(["clone", "fetch", "pull", "checkout", "archive", "submodule", "worktree", "restore"]);

/** The stage gets files another way than COPY from the context: from a stage or image, a URL, a git clone, an archive. */
function sourcesFromElsewhere(build: GoInvocation): boolean {
  for (const stage of stageChain(build.stage)) {
    for (const ins of stage.instructions) {
      if (stage === build.stage && ins.index > build.instruction.index) break;
      if ((ins.keyword === "COPY" || ins.keyword === "ADD") && (ins.flags.some((f) => f.name === "from") || copyPaths(ins).sources.some((s) => /:\/\/|^git@/.test(s)))) return true;
      if (ins.keyword !== "RUN") continue;
      if (ins.mounts.some((m) => m.from !== undefined)) return true;
      if (ins.commands.some((c) => (c.name === "git" && gitFetches.has(c.words[1]?.value ?? "")) || c.name === "tar" || c.name === "unzip" || c.name === "svn")) return true;
    }
  }
  return false;
}
