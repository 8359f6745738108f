/**
 * Go builds in a Dockerfile seen against the module: which programs each builds, what it takes from
 * the build context, and where the binaries it writes land in the images that copy them.
 */
import { isAbsolute, posix, relative, sep } from "node:path";
import type { MainPackage, ModuleAnalysis } from "../../analysis/types.js";
import { dockerignoreMatcher } from "../../dockerfile/dockerignore-patterns.js";
import { startedProcess } from "./entrypoint.js";
import { absoluteIn, imageCopies, workdirAt } from "./image-files.js";
import { isGolangImage } from "./images.js";
import { copyPaths, envForCommand, goBuilds, goFlagValue, goPackageArgs, rootImage, stageChain, type GoInvocation } from "./queries.js";
import type { DockerfileModel, StageModel } from "./types.js";

/** A go build of the module's programs that takes files from the build context. */
export interface ContextBuild {
  build: GoInvocation;
  programs: MainPackage[];
  /** "./cmd/api, ./cmd/tool", for messages. */
  builtFor: string;
  /** The context path of a module-relative path. */
  inContext(moduleRelative: string): string;
  /** Whether a COPY/ADD or bind mount before the build brings in a module-relative path. */
  brings(moduleRelative: string): boolean;
}

/** Each go build or go install of the module's programs that copies or mounts something from the context, when the module is inside it. */
export function contextBuilds(model: DockerfileModel, module: ModuleAnalysis, contextDir: string): ContextBuild[] {
  const inContext = moduleInContext(contextDir, module.root);
  if (!inContext) return [];
  const out: ContextBuild[] = [];
  for (const build of goBuilds(model)) {
    const sources = contextPathsReadBy(build);
    const programs = programsBuilt(build, module);
    if (sources.length === 0 || programs.length === 0) continue;
    const builtFor = programs.map((p) => (p.dir === "." ? "." : `./${p.dir}`)).join(", ");
    const brought = copiedFrom(sources);
    out.push({ build, programs, builtFor, inContext, brings: (f) => brought(inContext(f)) });
  }
  return out;
}

/**
 * The module's main packages a go build or go install names (`.`, `./cmd/api`, `./...`, `./cmd/...`,
 * an import path; none is `.`), relative to where it runs in the module: the WORKDIR under the
 * directory go.mod was copied or mounted to. None when that is not known (a `cd` before go in the RUN).
 */
export function programsBuilt(build: GoInvocation, module: ModuleAnalysis): MainPackage[] {
  const here = directoryInModule(build);
  if (here === undefined) return [];
  const args = goPackageArgs(build.args).map((w) => w.value);
  const modulePath = module.goMod.path;
  const picked = new Set<MainPackage>();
  for (const arg of args.length > 0 ? args : ["."]) {
    let p: string;
    if (arg === modulePath || arg.startsWith(`${modulePath}/`)) p = arg === modulePath ? "." : arg.slice(modulePath.length + 1);
    else if (arg === "." || arg === ".." || arg.startsWith("./") || arg.startsWith("../") || arg === "...") p = posix.join(here, arg);
    else continue;
    if (p === ".." || p.startsWith("../")) continue;
    const tree = p === "..." ? "." : p.endsWith("/...") ? p.slice(0, -4) : undefined;
    for (const m of module.mainPackages) {
      if (tree !== undefined ? tree === "." || m.dir === tree || m.dir.startsWith(`${tree}/`) : m.dir === p) picked.add(m);
    }
  }
  return [...picked];
}

/** Where in the module a go command runs: "." at the module root; undefined when not known. */
export function directoryInModule(build: GoInvocation): string | undefined {
  const commands = build.instruction.commands;
  if (commands.slice(0, commands.indexOf(build.command)).some((c) => c.name === "cd" || c.name === "pushd")) return undefined;
  const workdir = workdirAt(build.stage, build.instruction);
  let moduleDir: string | undefined;
  for (const m of build.instruction.mounts) if ((m.type ?? "bind") === "bind" && m.from === undefined && (m.source ?? ".").replace(/^\.\/?/, "") === "") moduleDir = absoluteIn(workdir, m.target ?? m.dst ?? m.destination ?? "");
  if (moduleDir === undefined) {
    for (const stage of stageChain(build.stage).reverse()) {
      for (const ins of stage.instructions) {
        if (stage === build.stage && ins.index >= build.instruction.index) break;
        if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || ins.flags.some((f) => f.name === "from")) continue;
        const { sources, dest } = copyPaths(ins);
        const dir = dest.endsWith("/") || dest === "." || sources.length > 1 ? dest : posix.dirname(dest);
        if (sources.some((s) => ["go.mod", "./go.mod", ".", "./"].includes(s))) moduleDir = absoluteIn(workdirAt(stage, ins), dir);
      }
    }
  }
  if (moduleDir === undefined || workdir === undefined) return ".";
  const rel = posix.relative(moduleDir, workdir);
  return rel === "" ? "." : rel === ".." || rel.startsWith("../") ? undefined : rel;
}

/** Maps module-relative paths to context-relative ones; undefined when the module is not inside the context. */
export function moduleInContext(contextDir: string, moduleRoot: string): ((moduleRelative: string) => string) | undefined {
  const prefix = relative(contextDir, moduleRoot).split(sep).join("/");
  if (prefix.startsWith("..") || isAbsolute(prefix)) return undefined;
  return (moduleRelative) => (prefix === "" ? moduleRelative : `${prefix}/${moduleRelative}`);
}

/** Context paths a go build can read: COPY/ADD sources from the context before it in its stage and the stages it builds on, and its bind mounts of the context. */
function contextPathsReadBy(build: GoInvocation): string[] {
  const sources: string[] = [];
  for (const stage of stageChain(build.stage)) {
    for (const ins of stage.instructions) {
      if (stage === build.stage && ins.index >= build.instruction.index) break;
      if ((ins.keyword === "COPY" || ins.keyword === "ADD") && !ins.flags.some((f) => f.name === "from")) sources.push(...copyPaths(ins).sources);
    }
  }
  for (const m of build.instruction.mounts) if ((m.type ?? "bind") === "bind" && m.from === undefined) sources.push(m.source ?? ".");
  return sources;
}

/**
 * Whether COPY sources (paths or globs, context-relative) bring in a context path, itself or as part
 * of a directory: the same matching as a .dockerignore pattern's.
 */
function copiedFrom(sources: readonly string[]): (path: string) => boolean {
  const clean = sources.map((s) => s.replace(/^(\.\/)+/, "").replace(/^\/+/, "").replace(/\/+$/, ""));
  if (clean.some((s) => s === "" || s === ".")) return () => true;
  const matchers = clean.map((s) => dockerignoreMatcher([s]));
  return (path) => matchers.some((m) => m.isIgnored(path));
}

/** "a.go", or "a.go and 2 more files", for messages. */
export function listedFiles(paths: readonly string[]): string {
  return paths.length === 1 ? paths[0]! : `${paths[0]} and ${paths.length - 1} more file${paths.length === 2 ? "" : "s"}`;
}

/**
 * The module's programs in a stage's image: those it copies in from the stages that build them
 * (`COPY --from=b /out/x` matched to what `go build -o /out/x ./cmd/x` or `go install ./cmd/x`
 * writes), and those built in the stage itself or a stage it starts FROM (a single-stage build),
 * with the image path each binary lands at (undefined when a variable or an unknown WORKDIR hides it).
 */
export function shippedBinaries(model: DockerfileModel, stage: StageModel, module: ModuleAnalysis): { program: MainPackage; path: string | undefined }[] {
  const found: { program: MainPackage; path: string | undefined }[] = [];
  const own = stageChain(stage);
  for (const b of goBuilds(model)) if (own.includes(b.stage)) found.push(...buildOutputs(model, b, module));
  for (const s of own) {
    for (const edge of s.copyFrom) {
      if (!edge.stage) continue;
      const { sources, dest } = copyPaths(edge.instruction);
      const chain = stageChain(edge.stage);
      for (const b of goBuilds(model)) {
        if (!chain.includes(b.stage)) continue;
        for (const { program, path: out } of buildOutputs(model, b, module)) {
          for (const raw of sources) {
            // A COPY --from source is relative to the root of that stage.
            const src = posix.join("/", raw).replace(/\/+$/, "") || "/";
            if (src !== out && !out.startsWith(src + "/")) continue;
            const intoDirectory = dest.endsWith("/") || dest === "." || dest.endsWith("/.") || sources.length > 1;
            const inDir = src === out ? (intoDirectory ? posix.basename(out) : "") : out.slice(src.length + 1);
            found.push({ program, path: absoluteIn(workdirAt(s, edge.instruction), inDir === "" ? dest : posix.join(dest, inDir)) });
          }
        }
      }
    }
  }
  if (found.length === 0 && goBuilds(model).length === 0) found.push(...prebuiltBinaries(stage, module));
  return found;
}

/**
 * In a Dockerfile that builds no Go, the module's programs it copies in prebuilt from the build
 * context (goreleaser's `COPY app /usr/bin/app`, `COPY $TARGETPLATFORM/app /`): a source file
 * named as exactly one main package's binary is taken to be that program's binary.
 */
function prebuiltBinaries(stage: StageModel, module: ModuleAnalysis): { program: MainPackage; path: string | undefined }[] {
  const found: { program: MainPackage; path: string | undefined }[] = [];
  for (const copy of imageCopies(stage)) {
    if (copy.origin === "from") continue;
    for (const raw of copy.sources) {
      const name = posix.basename(raw.replace(/\/+$/, ""));
      if (/[*?[\]$]/.test(name) || /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) continue;
      const programs = module.mainPackages.filter((p) => p.binary === name);
      if (programs.length !== 1) continue;
      found.push({ program: programs[0]!, path: copy.target !== undefined && copy.intoDirectory ? posix.join(copy.target, name) : copy.target });
    }
  }
  return found;
}

/** The absolute paths a go build or go install writes its programs' binaries to, where known. */
function buildOutputs(model: DockerfileModel, b: GoInvocation, module: ModuleAnalysis): { program: MainPackage; path: string }[] {
  const programs = programsBuilt(b, module);
  const workdir = workdirAt(b.stage, b.instruction);
  const at = (dir: string | undefined) => (dir === undefined ? [] : programs.map((program) => ({ program, path: posix.join(dir, program.binary) })));
  const written = goFlagValue(b.args, "o");
  if (written !== undefined) {
    const out = absoluteIn(workdir, written);
    if (out === undefined) return [];
    // -o names a directory when it ends in a slash, or when the command builds several programs.
    if (written.endsWith("/") || programs.length > 1) return at(out);
    return programs.map((program) => ({ program, path: posix.normalize(out) }));
  }
  if (b.subcommand === "build") return programs.length === 1 ? at(workdir) : [];
  // go install: $GOBIN, else $GOPATH/bin (/go in the golang images); cross-compiled ones go elsewhere.
  const goos = envForCommand(model, b, "GOOS");
  if (envForCommand(model, b, "GOARCH") !== undefined || (goos !== undefined && goos !== "linux")) return [];
  const gobin = envForCommand(model, b, "GOBIN");
  const gopath = envForCommand(model, b, "GOPATH") ?? (isGolangImage(rootImage(b.stage)) ? "/go" : undefined);
  if (gobin === null || gopath === null) return [];
  return at(gobin ?? (gopath === undefined ? undefined : posix.join(gopath.split(":")[0]!, "bin")));
}

/**
 * The module's program a stage's image starts (its ENTRYPOINT/CMD, wrappers taken off), matched by
 * the image path it is copied or built to, or by name when it is on PATH; with the arguments it
 * gets. Undefined when the process is not known or is not one of the module's programs.
 */
export function programStartedBy(model: DockerfileModel, stage: StageModel, module: ModuleAnalysis): { program: MainPackage; path: string; args: string[] } | undefined {
  const process = startedProcess(stage);
  if (!process) return undefined;
  const argv0 = process.argv[0] ?? "";
  const wanted = argv0.includes("/") ? (absoluteIn(workdirAt(stage), argv0) ?? argv0) : argv0;
  const match = shippedBinaries(model, stage, module).filter(
    (s): s is { program: MainPackage; path: string } =>
      s.path !== undefined && (s.path === wanted || (!wanted.includes("/") && /^\/(usr\/(local\/)?)?s?bin\/[^/]+$/.test(s.path) && s.path.endsWith(`/${wanted}`))),
  );
  const programs = [...new Set(match.map((m) => m.program))];
  return programs.length === 1 ? { program: programs[0]!, path: match[0]!.path, args: process.argv.slice(1) } : undefined;
}

/** The final stage and the module's program it starts (see programStartedBy), for rules about the running service. */
export function finalStageProgram(model: DockerfileModel, module: ModuleAnalysis | undefined): ({ final: StageModel } & NonNullable<ReturnType<typeof programStartedBy>>) | undefined {
  const final = model.finalStage;
  if (!module || !final) return undefined;
  const started = programStartedBy(model, final, module);
  return started ? { final, ...started } : undefined;
}
