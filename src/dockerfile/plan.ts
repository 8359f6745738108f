import path from "node:path";
import { isDirectoryReplacement, isOutsideModule, localReplaces, replacementDir } from "../analysis/local-replaces.js";
import { workspaceModulePath } from "../analysis/gowork.js";
import { stampedVersionVariables } from "../analysis/version-vars.js";
import type { Evidence, GoModRequire, GoWorkFile, ListeningPort, MainPackage, ModuleAnalysis, ProgramFacts, StateDirectory, UnresolvedHealthRoute, VersionVariable } from "../analysis/types.js";
import type { RuntimeName } from "./runtimes.js";
import { inputError } from "../errors.js";
import { displayModuleFile, displayModuleLine, displayPath } from "../fsutil/display-path.js";
import { builderImage, NONROOT_USER, runtimeImage } from "./images.js";
import { healthTarget } from "./health-probe.js";
import { chooseGoVersion } from "./builder-go-version.js";
import { planModuleFetch, vendoredPrivateModules, type ModuleFetchPlan } from "./module-fetch.js";
import type { ModuleFetchSettings } from "../analysis/module-fetch-settings.js";
import { runTimeFiles, type RunTimeFile, type RunTimeFileLeftOut } from "../analysis/run-time-files.js";
import { embeddedFiles } from "../analysis/embeds.js";

/** One choice the generator made, why, and the source lines behind it. */
export interface Decision {
  topic: string;
  choice: string;
  reason: string;
  evidence: Evidence[];
}

export type HealthProbe =
  | { kind: "flag"; command: string[] }
  | { kind: "probe"; address: string; path: string; /** The port comes from this variable when it is set. */ portEnv?: string }
  | { kind: "none" };

export interface ProgramPlan {
  main: MainPackage;
  /** What the program is called outside its binary (serviceNames): compose service, bake target, image repository, and stage with --all. */
  name: string;
  /** Arguments to the entrypoint (CMD), e.g. the subcommand that serves. */
  command?: string[];
  /** Absolute path of the binary in the runtime image. */
  binaryPath: string;
  /** Package to build, relative to the module root: "." or "./cmd/api". */
  buildTarget: string;
  /** The Dockerfile stage that is this program's image (`--target`): "runtime", or the binary's name when there are several. */
  stage: string;
  runtime: RuntimeName;
  runtimeImage: string;
  cgo: boolean;
  copyCaCertificates: boolean;
  copyZoneinfo: boolean;
  makeTmp: boolean;
  writePasswd: boolean;
  /** Directories outside the working directory the program writes to: created, owned by the non-root user. */
  stateDirectories: StateDirectory[];
  /** alpine/debian need a user entry created when the program resolves its user. */
  addUserWithShell: boolean;
  port?: number;
  /** The other ports it listens on (a metrics or admin server beside the service), exposed too. */
  otherPorts: number[];
  /** port and otherPorts as EXPOSE and compose name them: `1053/udp` for a UDP listener, both forms for a port taken with TCP and UDP. */
  exposedPorts: string[];
  /** The variable the program reads its port from, when the image sets it (ENV): it has no default, or --port moves it. */
  portVariable?: string;
  /** The value the image gives portVariable, when not just the port (":9000" for an address variable). */
  portValue?: string;
  /** --port names a port the program cannot be moved to from the image. */
  portWarning?: string;
  health: HealthProbe;
  /** `-X` symbol to build-arg name, e.g. main.version -> VERSION. */
  versionArgs: { symbol: string; arg: string; default: string }[];
  /** What the program reads from disk at run time, not embedded, copied from the build context into its WORKDIR. */
  runTimeFiles: RunTimeFile[];
  /** What it reads that is not copied (a note is written): a secret, or not in the module. */
  runTimeFilesLeftOut: RunTimeFileLeftOut[];
  decisions: Decision[];
}

export interface DockerfilePlan {
  /** The module's directory, that the programs' evidence (main.go:9) is relative to. */
  root: string;
  goVersion: string;
  builderImage: string;
  vendored: boolean;
  downloadModules: boolean;
  hasGoSum: boolean;
  /** Proxy and private-module settings, and the netrc secret, for the download step; absent when public defaults do. */
  moduleFetch?: ModuleFetchPlan;
  /** go.mod files of modules replaced by directories inside the module ("tools/go.mod"): the download step needs them. */
  replacedGoMods: string[];
  /** Why the build stage sets GOWORK=off (the go.work in the build context uses directories outside it, or the module is vendored); absent: it does not. */
  goWorkOff?: string;
  /** What the Dockerfile cannot do, for the user to fix (a replace that points outside the build context). */
  warnings: string[];
  /** https URL of the repository, for the org.opencontainers.image.source label. */
  sourceUrl?: string;
  programs: ProgramPlan[];
  decisions: Decision[];
}

export interface PlanOptions {
  /** Main package directory (./cmd/x or cmd/x) to build; default: the analysis' primary. */
  main?: string;
  /** Where `main` came from, for an error about it (default: `--main MAIN`). */
  named?: string;
  /** Where runtime, shell and port came from when not from their flags: `slimgo.yaml:3: init.runtime`. */
  givenIn?: Partial<Record<"runtime" | "shell" | "port", string>>;
  /** One target per main package. */
  all?: boolean;
  runtime?: RuntimeName;
  /** Debugging shell wanted: alpine runtime. */
  shell?: boolean;
  port?: number;
  /** Health endpoint path override. */
  healthPath?: string;
  /** Whether go.sum exists at the module root. */
  hasGoSum: boolean;
  /** The developer's non-default GOPROXY, GOPRIVATE, ... (read by init); none: public defaults. */
  moduleFetch?: ModuleFetchSettings;
}

/** The runtime stage's working directory when the program reads files of the module at run time. */
export const RUN_TIME_WORKDIR = "/app";

export function planDockerfile(analysis: ModuleAnalysis, options: PlanOptions): DockerfilePlan {
  const decisions: Decision[] = [];
  const mains = selectMainPackages(analysis, options);
  const names = serviceNames(mains.map((m) => m.binary));
  const programs = mains.map((main, i) => planProgram(main, names[i]!, options, mains.length > 1, analysis.buildConfigVersionVariables, analysis.goMod.path, analysis.root));
  const cgo = programs.some((p) => p.cgo);

  decisions.push({
    topic: "builder",
    choice: cgo ? builderImage.cgo("${GO_VERSION}") : builderImage.static("${GO_VERSION}"),
    reason: cgo
      ? "cgo links against glibc, so the build runs on Debian to match the glibc runtime"
      : "CGO_ENABLED=0 gives a static binary, so the small Alpine builder is enough; it runs on the build host's platform and cross-compiles with GOOS/GOARCH",
    evidence: [],
  });

  const requiresModules = !analysis.vendored && analysis.goMod.requires.length > 0;
  const provided = requiresModules ? workspaceProvidedModules(analysis) : [];
  const downloadModules = requiresModules && provided.length === 0;
  decisions.push(
    analysis.vendored
      ? { topic: "modules", choice: "vendored: no download step", reason: "vendor/ is in the build context and go build uses it", evidence: analysis.vendorEvidence ? [analysis.vendorEvidence] : [] }
      : provided.length > 0
        ? {
            topic: "modules",
            choice: "downloaded by go build, no download step of their own",
            reason:
              `${analysis.goWork!.file} provides ${provided.map((p) => `${p.require.path} from ${p.use.dir}`).join(", ")}, which go.mod requires without a replace, and go mod download reads go.mod alone, ` +
              `so it would look ${provided.map((p) => `${p.require.path} ${p.require.version}`).join(", ")} up in the module proxy instead`,
            evidence: provided.flatMap((p) => [p.use.evidence, p.require.evidence]),
          }
        : downloadModules
        ? { topic: "modules", choice: "go mod download in its own cached step", reason: "go.mod and go.sum are mounted before the source, so a source edit does not refetch modules", evidence: analysis.goMod.requires.slice(0, 3).map((r) => r.evidence) }
        : { topic: "modules", choice: "no download step", reason: "go.mod requires no modules", evidence: [analysis.goMod.pathEvidence] },
  );

  const settings = options.moduleFetch ?? {};
  // The Debian (cgo) builder has git; the Alpine one does not.
  const moduleFetch = requiresModules ? planModuleFetch(analysis.goMod, settings, { hasGit: cgo }, decisions) : undefined;
  const vendoredPrivate = analysis.vendored ? vendoredPrivateModules(analysis.goMod, settings) : undefined;
  if (vendoredPrivate) decisions.push(vendoredPrivate);
  // Decided last, from what the Dockerfile uses, and explained first.
  const versionDecision: Decision[] = [];
  const goVersion = chooseGoVersion(analysis, { cgo, settings: moduleFetch?.args.map((a) => a.name) ?? [] }, versionDecision);
  decisions.unshift(...versionDecision);
  const chosen = options.all || options.main ? undefined : defaultProgramDecision(analysis);
  if (chosen) decisions.unshift(chosen);

  const { inside, outside } = localReplaces(analysis);
  const warnings = analysis.vendored
    ? []
    : outside.map(
        (r) =>
          `${displayModuleLine(analysis.root, r.evidence)}: replace ${r.oldPath} => ${r.newPath} is outside the module directory, the build context of this Dockerfile, so docker build cannot see it: ` +
          `run go mod vendor (vendor/ then holds it) and init again, or publish ${r.oldPath} and drop the replace; this Dockerfile's paths are the module's, so a parent directory as the build context does not help`,
      );
  // A go.work in the build context that uses a directory outside it makes go build fail there
  // ("open /shared/go.mod"), and any go.work makes go build -mod=vendor fail ("-mod may only be set
  // to readonly"): the image builds with the workspace off, from go.mod (and vendor/) alone.
  let goWorkOff: string | undefined;
  if (analysis.goWork) {
    const workFile = path.resolve(analysis.root, analysis.goWork.file);
    const outsideUses = analysis.goWork.uses.filter((use) => isOutsideModule(analysis.root, path.resolve(path.dirname(workFile), use.dir)));
    const inContext = !isOutsideModule(analysis.root, workFile);
    if (inContext && analysis.vendored) {
      goWorkOff = "go build -mod=vendor refuses workspace mode: build from go.mod and vendor/.";
      decisions.push({ topic: "workspace", choice: "GOWORK=off in the build stage", reason: `${analysis.goWork.file} is in the build context, and go build -mod=vendor refuses workspace mode: the image builds from go.mod and vendor/`, evidence: analysis.goWork.uses.slice(0, 1).map((u) => u.evidence) });
    } else if (inContext && outsideUses.length > 0) {
      goWorkOff = "go.work uses directories outside the build context: build from go.mod alone.";
      decisions.push({ topic: "workspace", choice: "GOWORK=off in the build stage", reason: `${analysis.goWork.file} is in the build context and uses ${outsideUses.map((u) => u.dir).join(", ")}, outside it, where go build in the image cannot look: the image builds from go.mod alone`, evidence: outsideUses.map((u) => u.evidence) });
    }
  }
  if (downloadModules && analysis.goWork) {
    const workDir = path.dirname(path.resolve(analysis.root, analysis.goWork.file));
    for (const use of analysis.goWork.uses) {
      const dir = path.resolve(workDir, use.dir);
      if (!isOutsideModule(analysis.root, dir)) continue;
      if (goWorkOff) {
        warnings.push(`${displayModuleLine(analysis.root, use.evidence)}: use ${use.dir}: ${replacementDir(analysis.root, dir)} is outside the build context, so the image builds with GOWORK=off, from go.mod alone: every module it requires must be published or replaced by a directory inside the module`);
        continue;
      }
      warnings.push(
        `${displayModuleLine(analysis.root, use.evidence)}: use ${use.dir}: go build here resolves modules through ${analysis.goWork.file}, but the workspace and ${replacementDir(analysis.root, dir)} are outside the module directory, the build context of this Dockerfile, ` +
          `so the image builds from go.mod alone: every module it requires must be published or replaced by a directory inside the module`,
      );
    }
  }
  for (const program of programs) {
    const note = loopbackWarning(program.main, analysis.root, options.port);
    if (note) warnings.push(note);
    if (program.portWarning) warnings.push(program.portWarning);
    const unprobed = program.health.kind === "none" && options.healthPath === undefined && !program.main.facts.tlsServer ? program.main.facts.unresolvedHealthRoutes?.[0] : undefined;
    if (unprobed) warnings.push(`${displayModuleLine(analysis.root, unprobed.evidence)}: ${program.main.binary}: ${unresolvedHealthReason(unprobed, analysis.root)}`);
    warnings.push(...missingCommandWarnings(program, analysis.root));
    for (const warning of unbuiltEmbedWarnings(program.main, analysis.root)) if (!warnings.includes(warning)) warnings.push(warning);
    for (const d of program.runTimeFilesLeftOut) {
      const warning = `${displayModuleLine(analysis.root, d.read.evidence)}: ${program.main.binary} reads ${d.read.path} from disk at run time, not embedded, and the image does not have it: it ${d.why}`;
      if (!warnings.includes(warning)) warnings.push(warning);
    }
  }
  if (downloadModules && inside.length > 0) {
    decisions.push({ topic: "modules", choice: `the go.mod of ${inside.map((r) => r.newPath).join(", ")} mounted for the download`, reason: "go reads a replacement directory's go.mod to download the modules it requires", evidence: inside.map((r) => r.evidence) });
  }

  return {
    root: analysis.root,
    goVersion,
    builderImage: cgo ? builderImage.cgo("${GO_VERSION}") : builderImage.static("${GO_VERSION}"),
    vendored: analysis.vendored,
    downloadModules,
    hasGoSum: options.hasGoSum,
    ...(moduleFetch ? { moduleFetch } : {}),
    replacedGoMods: inside.map((r) => `${replacementDir(analysis.root, r.newPath)}/go.mod`),
    ...(goWorkOff ? { goWorkOff } : {}),
    warnings,
    sourceUrl: sourceUrlOf(analysis.goMod.path),
    programs,
    decisions,
  };
}

/**
 * The main packages to build: all, the one named, or the primary; an ambiguous choice is a usage
 * error. `named` says where `main` came from in an error (default: `--main MAIN`), `howToChoose`
 * what to do when none is primary (default: init's `pass --main ./cmd/NAME, or --all ...`).
 */
export function selectMainPackages(analysis: ModuleAnalysis, options: { main?: string; all?: boolean; named?: string; howToChoose?: string }): MainPackage[] {
  if (analysis.mainPackages.length === 0) {
    throw inputError(`${displayPath(analysis.root)}: no main package (package main with func main) found: slimgo builds programs, not libraries`);
  }
  if (options.all) return analysis.mainPackages;
  if (options.main) {
    const wanted = normaliseDir(options.main);
    const found = analysis.mainPackages.find((m) => m.dir === wanted);
    if (!found) {
      const known = analysis.mainPackages.map((m) => `./${m.dir === "." ? "" : m.dir}`).join(", ");
      throw inputError(`${options.named ?? `--main ${options.main}`}: not a main package of ${analysis.goMod.path}; choose one of ${known}`);
    }
    return [found];
  }
  if (analysis.primary) return [analysis.primary];
  const known = analysis.mainPackages.map((m) => `./${m.dir}`).join(", ");
  throw inputError(`${displayPath(analysis.root)}: several main packages and none is primary (${known}): ${options.howToChoose ?? "pass --main ./cmd/NAME, or --all for one target each"}`);
}

/**
 * Requirements a go.work in the build context provides from one of its `use` directories, with no
 * directory replace in go.mod: go mod download, which reads go.mod alone, would look them up (and
 * Go's go mod download does not resolve them from the workspace either), while go build in the
 * workspace takes them from their directories. None when the image builds with the workspace off.
 */
function workspaceProvidedModules(analysis: ModuleAnalysis): { require: GoModRequire; use: GoWorkFile["uses"][number] }[] {
  const goWork = analysis.goWork;
  if (!goWork || analysis.vendored) return [];
  const workDir = path.dirname(path.resolve(analysis.root, goWork.file));
  if (isOutsideModule(analysis.root, workDir)) return [];
  const uses = goWork.uses.map((use) => ({ use, dir: path.resolve(workDir, use.dir) }));
  if (uses.some((u) => isOutsideModule(analysis.root, u.dir))) return [];
  const replaced = new Set(analysis.goMod.replaces.filter(isDirectoryReplacement).map((r) => r.oldPath));
  const byPath = new Map(uses.filter((u) => path.relative(analysis.root, u.dir) !== "").map((u) => [workspaceModulePath(u.dir), u.use]));
  return analysis.goMod.requires.flatMap((require) => {
    const use = byPath.get(require.path);
    return use && !replaced.has(require.path) ? [{ require, use }] : [];
  });
}

/** Which of several main packages init builds when none was named, and how to build the others. */
function defaultProgramDecision(analysis: ModuleAnalysis): Decision | undefined {
  const primary = analysis.primary;
  if (!primary || analysis.mainPackages.length < 2) return undefined;
  const others = analysis.mainPackages.filter((m) => m !== primary).map((m) => `./${m.dir}`);
  const why = primary.dir === "." ? "the module root is a main package" : `${primary.dir} is named after the module (${analysis.goMod.path})`;
  const listed = others.length === 1 ? `${others[0]} is a main package too` : `${others.slice(0, -1).join(", ")} and ${others.at(-1)} are main packages too`;
  return {
    topic: "program",
    choice: primary.dir === "." ? "." : `./${primary.dir}`,
    reason: `${why}; ${listed}: --main ${others[0]} builds ${others.length === 1 ? "it" : "one of them"} instead, --all one target each`,
    evidence: [primary.evidence],
  };
}

/** A package directory as the module's main packages name it: "cmd/api" for ./cmd/api/, "." for the root. */
export function normaliseDir(dir: string): string {
  const d = dir.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/+$/, "");
  return d === "" || d === "." ? "." : d;
}


/** Where a program's name is used, and what each accepts. */
const NAME_RULES: { where: string; valid: (name: string) => boolean }[] = [
  // BuildKit lower-cases a stage name before it checks it.
  { where: "a Dockerfile stage (BuildKit: a letter first, then letters, digits, -, _ and .)", valid: (n) => /^[a-z][a-z0-9_.-]*$/.test(n.toLowerCase()) },
  { where: "a bake target (letters, digits, - and _)", valid: (n) => /^[a-zA-Z0-9_-]+$/.test(n) },
  { where: "an image repository (lower case; -, _ or __ between letters and digits)", valid: (n) => /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(n) },
];

/**
 * The names programs go by outside their binaries, one per binary, unique: a Dockerfile stage, a
 * bake target, an image repository and a compose service. Lower-case letters and digits with - or
 * _ between them, a letter first, are valid as all four: "MyAPI" is "myapi", "svc.v2" "svc-v2",
 * "2worker" "app-2worker".
 */
export function serviceNames(binaries: string[]): string[] {
  // With several programs each name is a stage, beside the Dockerfile's own "build".
  const taken = new Set(binaries.length > 1 ? ["build"] : []);
  return binaries.map((binary) => {
    let base = binary
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, (sep) => (sep === "_" || sep === "__" ? sep : "-"))
      .replace(/^[-_]+|[-_]+$/g, "");
    if (!/^[a-z]/.test(base)) base = base === "" ? "app" : `app-${base}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return name;
  });
}

/** Why a binary's name is not used as it is: the uses it is invalid for, or the name it would share. */
function renameReason(binary: string): string {
  const invalid = NAME_RULES.filter((r) => !r.valid(binary)).map((r) => r.where);
  return invalid.length > 0 ? `${binary} is not valid as ${invalid.join(", nor as ")}` : `${binary} is taken by another program or the build stage`;
}

function planProgram(main: MainPackage, name: string, options: PlanOptions, several: boolean, buildConfigVariables: VersionVariable[], modulePath: string, root: string): ProgramPlan {
  const f = main.facts;
  const decisions: Decision[] = [];
  const who = several ? `${main.binary}: ` : "";
  if (name !== main.binary) {
    decisions.push({
      topic: `${who}name`,
      choice: `${name}${several ? " (stage, bake target, image and compose service)" : " (image and compose service)"}; the binary keeps its name`,
      reason: renameReason(main.binary),
      evidence: [],
    });
  }
  const cgo = f.cgo.required;
  const runtime = chooseRuntime(options, cgo);
  const image = runtimeImageFor(runtime, cgo);

  if (cgo) {
    if (options.runtime === "scratch" || options.runtime === "alpine") {
      const alt = f.cgo.dependencies.find((d) => d.alternative);
      const where = f.cgo.evidence[0] ?? f.cgo.dependencies[0]?.evidence;
      throw inputError(
        `${where ? `${displayModuleFile(root, where.file)}:${where.line}` : displayModuleFile(root, "go.mod")}: ${main.binary} needs cgo, which links glibc; ${givenWith(options, "runtime", options.runtime)} cannot run it: use ${options.givenIn?.runtime === undefined ? "--runtime" : "runtime:"} distroless or debian` +
          (alt ? `, or switch ${alt.module} to ${alt.alternative} and build statically` : ""),
      );
    }
    const alt = f.cgo.dependencies.find((d) => d.alternative);
    decisions.push({
      topic: `${who}cgo`,
      choice: "CGO_ENABLED=1 on a glibc runtime",
      reason: "the program uses cgo" + (alt ? `; ${alt.module} has a pure-Go alternative, ${alt.alternative}, that would allow a static binary on scratch` : ""),
      evidence: [...f.cgo.evidence, ...f.cgo.dependencies.map((d) => d.evidence)],
    });
  }
  if (!cgo && f.cgo.optional) {
    decisions.push({
      topic: `${who}cgo`,
      choice: "CGO_ENABLED=0",
      reason: 'the files that import "C" are left out of a build without cgo, and the program builds from its pure-Go files instead, so the binary is static',
      evidence: f.cgo.optional,
    });
  }
  decisions.push({ topic: `${who}runtime`, choice: image, reason: runtimeReason(options, cgo), evidence: [] });

  const bare = runtime === "scratch";
  const caCertificates = needsCaCertificates(f);
  const copyCa = caCertificates.needed && (bare || runtime === "debian");
  const zone = f.needs.zoneinfo.needed && !f.needs.zoneinfo.embeddedTzdata;
  const copyZoneinfo = zone && runtime !== "distroless";
  const makeTmp = f.needs.tmp.needed && bare;
  const writePasswd = f.needs.user.needed && bare;
  const addUserWithShell = f.needs.user.needed && (runtime === "alpine" || runtime === "debian");

  pushNeed(decisions, `${who}CA certificates`, caCertificates.needed, copyCa ? "copied from the builder" : "provided by the runtime image", caCertificates.reason, caCertificates.evidence);
  if (f.needs.zoneinfo.needed && f.needs.zoneinfo.embeddedTzdata) {
    decisions.push({ topic: `${who}zoneinfo`, choice: "not copied", reason: "the program embeds time/tzdata", evidence: f.needs.zoneinfo.evidence });
  } else {
    pushNeed(decisions, `${who}zoneinfo`, zone, copyZoneinfo ? "Go's zoneinfo.zip copied, ZONEINFO set" : "provided by the runtime image", "the program loads time zones", f.needs.zoneinfo.evidence);
  }
  pushNeed(decisions, `${who}/tmp`, f.needs.tmp.needed, makeTmp ? "created with mode 1777" : "provided by the runtime image", "the program creates temporary files", f.needs.tmp.evidence);
  pushNeed(decisions, `${who}passwd entry`, f.needs.user.needed, writePasswd ? "/etc/passwd and /etc/group written for uid 65532" : addUserWithShell ? "user 65532 added" : "provided by the runtime image", "the program resolves its user with os/user", f.needs.user.evidence);

  for (const d of f.stateDirectories) {
    const from = d.source === "literal" ? "the program writes there" : `the program writes there: it is the default of ${d.source === "flag" ? `the -${d.name} flag` : d.name}, which can move it`;
    decisions.push({ topic: `${who}state`, choice: `${d.path} created, owned by ${NONROOT_USER}`, reason: `${from}; the non-root user could not create it (mount a volume there to keep the data)`, evidence: [d.evidence] });
  }

  const portFact = f.ports[0];
  const port = options.port ?? portFact?.port;
  // `port := os.Getenv("PORT")` with no fallback: a container that does not set it exits or listens on a random port.
  const unsetVariable = f.portVariable;
  let portVariable = port !== undefined ? unsetVariable?.name : undefined;
  let portValue: string | undefined;
  let portFlag: string[] = [];
  let portWarning: string | undefined;
  // --port moves the program too, through what gave its port; a port written in the source cannot move.
  const moved = options.port !== undefined && portFact !== undefined && portFact.port !== options.port ? portFact : undefined;
  if (moved?.source === "env" && moved.envVar !== undefined) {
    portVariable = moved.envVar;
    portValue = withPort(moved.written, options.port!);
    decisions.push({ topic: `${who}port`, choice: `EXPOSE ${port}, ENV ${moved.envVar}=${portValue}`, reason: `${givenAs(options, "port")}; the program reads its port from ${moved.envVar} (default ${moved.written ?? moved.port}), so the image sets it`, evidence: [moved.evidence] });
  } else if (moved?.source === "flag" && moved.flag !== undefined && !f.serveSubcommand) {
    portFlag = [`-${moved.flag}=${withPort(moved.written, options.port!)}`];
    decisions.push({ topic: `${who}port`, choice: `EXPOSE ${port}, CMD ${JSON.stringify(portFlag)}`, reason: `${givenAs(options, "port")}; the program takes its port from the -${moved.flag} flag (default ${moved.written ?? moved.port}), so the image passes it`, evidence: [moved.evidence] });
  } else if (moved) {
    const how = moved.source === "literal" ? "written in the source" : moved.source === "flag" ? `the default of the -${moved.flag} flag, which slimgo does not pass beside the ${f.serveSubcommand!.name} subcommand` : `the default of ${moved.envVar}`;
    portWarning = `${displayModuleLine(root, moved.evidence)}: ${givenWith(options, "port", options.port!)}: ${main.binary} listens on ${moved.port}, ${how}: the image EXPOSEs ${options.port} and probes it there, but the program does not move; change the program, or drop ${givenAs(options, "port")}`;
    decisions.push({ topic: `${who}port`, choice: `EXPOSE ${port}`, reason: givenAs(options, "port"), evidence: [] });
  } else if (port !== undefined && unsetVariable !== undefined) {
    decisions.push({ topic: `${who}port`, choice: `EXPOSE ${port}, ENV ${unsetVariable.name}=${port}`, reason: `${givenAs(options, "port")}; the program reads its port from ${unsetVariable.name}, which has no default, so the image sets it`, evidence: [unsetVariable.evidence] });
  } else if (port !== undefined) {
    decisions.push({ topic: `${who}port`, choice: `EXPOSE ${exposedForms(port, f.ports).join(" ")}`, reason: options.port ? givenAs(options, "port") : describePortSource(portFact!), evidence: portFact && !options.port ? [portFact.evidence] : [] });
  } else if (unsetVariable !== undefined) {
    decisions.push({ topic: `${who}port`, choice: "none", reason: `the program reads its port from ${unsetVariable.name}, which has no default: pass --port N to EXPOSE N and set ENV ${unsetVariable.name}=N`, evidence: [unsetVariable.evidence] });
  } else if (f.isServer) {
    decisions.push({ topic: `${who}port`, choice: "none", reason: "the program listens but the port could not be read from the source; pass --port", evidence: [] });
  }

  // Servers beside the service (metrics, admin) are exposed too; one on loopback only has nothing to expose.
  const others = f.ports.filter((p) => p !== portFact && p.port !== port && !p.loopback && !p.fallback);
  const otherPorts = [...new Set(others.map((p) => p.port))];
  if (otherPorts.length > 0) {
    decisions.push({ topic: `${who}port`, choice: `EXPOSE ${otherPorts.flatMap((n) => exposedForms(n, f.ports)).join(" ")} too`, reason: "the program listens there as well", evidence: otherPorts.map((n) => others.find((p) => p.port === n)!.evidence) });
  }

  const exposedPorts = port === undefined ? [] : [port, ...otherPorts].flatMap((n) => exposedForms(n, f.ports));
  const binaryPath = binaryPathOf(main);
  const health = chooseHealth(main, binaryPath, options, decisions, who, root, portVariable);
  const { variables: versionVariables, ignored } = stampedVersionVariables(main, buildConfigVariables, modulePath);
  const fromBuildConfig = versionVariables.filter((v) => !f.versionVariables.includes(v));
  const versionArgs = versionVariables.map((v) => ({ symbol: v.symbol, arg: argNameFor(v.symbol, v.role), default: v.role === "version" ? "dev" : "unknown" }));
  if (versionArgs.length > 0) {
    decisions.push({
      topic: `${who}version`,
      choice: versionArgs.map((v) => `-X ${v.symbol}=\${${v.arg}}`).join(" "),
      reason: fromBuildConfig.length > 0 ? "version variables are set at link time from build args, as the project's build script sets them" : "package-level version variables are set at link time from build args",
      evidence: versionVariables.map((v) => v.evidence),
    });
  }
  for (const { variable, why } of ignored) {
    decisions.push({ topic: `${who}version`, choice: `-X ${variable.symbol} left out`, reason: `the build script sets it, but ${why}`, evidence: [variable.evidence] });
  }
  if (f.serveSubcommand) {
    decisions.push({ topic: `${who}command`, choice: `CMD ["${f.serveSubcommand.name}"]`, reason: "the server runs under this subcommand; without it the program would print its usage and exit", evidence: [f.serveSubcommand.evidence] });
  }
  const data = runTimeFiles(root, f.dataDirectories);
  for (const d of data.copied) {
    decisions.push({ topic: `${who}data`, choice: `COPY ${d.path}${d.directory ? "/" : ""} to ${RUN_TIME_WORKDIR}/${d.path}`, reason: `the program reads ${d.read.path} from disk at run time, relative to its working directory, and does not embed it`, evidence: [d.read.evidence] });
  }
  for (const d of data.leftOut) {
    decisions.push({ topic: `${who}data`, choice: `${d.path} is not in the image`, reason: `it is read at run time and not embedded, and it ${d.why}`, evidence: [d.read.evidence] });
  }

  return {
    main,
    binaryPath,
    buildTarget: main.dir === "." ? "." : `./${main.dir}`,
    name,
    stage: several ? name : "runtime",
    runtime,
    runtimeImage: image,
    cgo,
    copyCaCertificates: copyCa,
    copyZoneinfo,
    makeTmp,
    stateDirectories: f.stateDirectories,
    writePasswd,
    addUserWithShell,
    port,
    otherPorts,
    exposedPorts,
    ...(portVariable ? { portVariable } : {}),
    ...(portValue !== undefined ? { portValue } : {}),
    ...(portWarning ? { portWarning } : {}),
    health,
    versionArgs,
    runTimeFiles: data.copied,
    runTimeFilesLeftOut: data.leftOut,
    decisions,
    ...(f.serveSubcommand ? { command: [f.serveSubcommand.name] } : portFlag.length > 0 ? { command: portFlag } : {}),
  };
}

/** What alpine's busybox and debian's base both have: a program starting these finds them there. */
const BASE_COMMANDS = new Set("sh ls cat cp mv rm mkdir rmdir ln chmod chown touch tar gzip gunzip grep sed env true false echo printf date uname id kill sleep test head tail sort uniq wc tr cut find xargs hostname df du".split(" "));

/** A warning per program the Go program starts that its runtime image does not have. */
export function missingCommandWarnings(program: Pick<ProgramPlan, "main" | "runtime" | "runtimeImage">, root: string): string[] {
  const shelled = program.runtime === "alpine" || program.runtime === "debian";
  return program.main.facts.externalCommands
    .filter((c) => !(shelled && BASE_COMMANDS.has(path.posix.basename(c.name))))
    .map((c) => {
      const at = `${displayModuleLine(root, c.evidence)}: ${program.main.binary} runs ${c.name} (${c.call})`;
      return shelled
        ? `${at}, which ${program.runtimeImage} has only if the runtime stage installs it: add it there (${program.runtime === "alpine" ? "apk add --no-cache" : "apt-get install -y --no-install-recommends"}), or the call fails at run time`
        : `${at}, which ${program.runtimeImage} does not have, so the call fails at run time: use --runtime debian or --runtime alpine and install it in the runtime stage`;
    });
}

/** A warning per //go:embed pattern that matches no file in the module: go build fails until something (a front end's build) writes them. */
function unbuiltEmbedWarnings(main: MainPackage, root: string): string[] {
  return main.facts.embeds.flatMap((directive) =>
    directive.patterns
      .filter((pattern) => embeddedFiles(root, directive, pattern).length === 0)
      .map(
        (pattern) =>
          `${displayModuleLine(root, directive.evidence)}: //go:embed ${pattern} matches no files yet, and go build fails without them ("pattern ${pattern.replace(/^all:/, "")}: no matching files found"): ` +
          `the Dockerfile does not make them; write them (the front end's build) before docker build`,
      ),
  );
}

/** How EXPOSE names port `n`: `n` for TCP (also for a port only --port names), `n/udp` for a UDP listener, both when the program takes it with both. */
function exposedForms(n: number, listeners: readonly ListeningPort[]): string[] {
  const on = listeners.filter((p) => p.port === n);
  const udp = on.some((p) => p.udp);
  return [...(on.length === 0 || on.some((p) => !p.udp) ? [String(n)] : []), ...(udp ? [`${n}/udp`] : [])];
}

/** `value` (a port, or an address with one) with `port` instead: ":8080" → ":9000", "8080" → "9000". */
function withPort(value: string | undefined, port: number): string {
  if (value === undefined || /^\d+$/.test(value.trim())) return String(port);
  return value.trim().replace(/:\d+$/, `:${port}`);
}

/**
 * Certificates go in when the program makes outbound TLS calls, and also when it only uses an HTTP
 * client for plain-HTTP calls (a health probe): the binary then links Go's TLS client, which is
 * what `verify` sees, and a URL from configuration may turn out to be https.
 */
export function needsCaCertificates(f: ProgramFacts): { needed: boolean; reason: string; evidence: Evidence[] } {
  if (f.needs.tlsRoots.needed) return { needed: true, reason: "the program makes outbound TLS calls", evidence: f.needs.tlsRoots.evidence };
  if (f.needs.tlsClientCode?.needed) {
    return { needed: true, reason: "the program uses an HTTP client (plain HTTP only, so kept for safety: the binary links Go's TLS client)", evidence: f.needs.tlsClientCode.evidence };
  }
  return { needed: false, reason: "", evidence: [] };
}

function chooseRuntime(options: PlanOptions, cgo: boolean): RuntimeName {
  if (options.runtime) return options.runtime;
  if (options.shell) return cgo ? "debian" : "alpine";
  return cgo ? "distroless" : "scratch";
}

function runtimeImageFor(runtime: RuntimeName, cgo: boolean): string {
  switch (runtime) {
    case "scratch":
      return runtimeImage.scratch;
    case "distroless":
      return cgo ? runtimeImage.distrolessBase : runtimeImage.distrolessStatic;
    case "alpine":
      return runtimeImage.alpine;
    case "debian":
      return runtimeImage.debian;
  }
}

/** How a setting was given, for reasons and errors: its flag, or its slimgo.yaml line and key. */
function givenAs(options: PlanOptions, key: "runtime" | "shell" | "port"): string {
  return options.givenIn?.[key] ?? `--${key}`;
}

/** A setting with its value as given: `--runtime scratch`, or `slimgo.yaml:3: init.runtime: scratch`. */
function givenWith(options: PlanOptions, key: "runtime" | "port", value: string | number): string {
  const where = options.givenIn?.[key];
  return where === undefined ? `--${key} ${value}` : `${where}: ${value}`;
}

function runtimeReason(options: PlanOptions, cgo: boolean): string {
  if (options.runtime) return givenWith(options, "runtime", options.runtime);
  if (options.shell) return `${givenAs(options, "shell")}: a shell for debugging${cgo ? " (glibc for cgo)" : ""}`;
  return cgo ? "cgo needs glibc: distroless/base has it and no shell" : "a static binary needs no OS: scratch holds only what the program uses";
}

function pushNeed(decisions: Decision[], topic: string, needed: boolean, choice: string, reason: string, evidence: Evidence[]): void {
  if (needed) decisions.push({ topic, choice, reason, evidence });
}

function describePortSource(p: { source: string; envVar?: string }): string {
  if (p.source === "env") return `default of the ${p.envVar ?? "PORT"} environment variable`;
  if (p.source === "flag") return "default of the listen flag";
  return "the listen address in the source";
}

function chooseHealth(main: MainPackage, binaryPath: string, options: PlanOptions, decisions: Decision[], who: string, root: string, portVariable?: string): HealthProbe {
  const target = healthTarget(main.facts, { port: options.port, path: options.healthPath });
  if (target.kind === "flag") {
    const command = [binaryPath, `-${target.flag}`];
    decisions.push({ topic: `${who}health check`, choice: `the binary's own probe: ${command.join(" ")}`, reason: "the program has a health flag, so no shell or curl is needed", evidence: [target.evidence] });
    return { kind: "flag", command };
  }
  if (target.kind === "endpoint") {
    decisions.push({
      topic: `${who}health check`,
      choice: `a static probe compiled in the build stage, GET ${target.path} on port ${target.port}${target.portEnv ? `, or on the port ${target.portEnv} sets` : ""}`,
      reason: "the runtime has no shell or curl; a tiny Go probe works everywhere",
      evidence: target.evidence,
    });
    const portEnv = target.portEnv ?? portVariable;
    return { kind: "probe", address: `127.0.0.1:${target.port}`, path: target.path, ...(portEnv ? { portEnv } : {}) };
  }
  const unresolved = options.healthPath === undefined ? main.facts.unresolvedHealthRoutes?.[0] : undefined;
  if (target.tls) {
    decisions.push({ topic: `${who}health check`, choice: "none", reason: `the server speaks TLS, and the static probe only plain HTTP: give the program a -health flag that dials itself with TLS, or serve the health endpoint on a plain-HTTP port of its own`, evidence: [target.tls] });
  } else if (unresolved) {
    decisions.push({ topic: `${who}health check`, choice: "none", reason: unresolvedHealthReason(unresolved, root), evidence: [unresolved.evidence, unresolved.mount] });
  } else if (main.facts.isServer) {
    decisions.push({ topic: `${who}health check`, choice: "none", reason: "no health endpoint found: add one (e.g. /healthz) or pass --healthcheck PATH", evidence: [] });
  }
  return { kind: "none" };
}

/** Why a health route found in the source is not probed: the path it is served at is not known. */
export function unresolvedHealthReason(route: UnresolvedHealthRoute, root: string): string {
  return `${route.path} is registered on a handler mounted at ${displayModuleLine(root, route.mount)}, and ${route.why}: the path it is served at is unknown, so none is probed; pass --healthcheck with the full path`;
}

/** Where the image keeps the program's binary, in init's Dockerfile and build's image alike. */
export function binaryPathOf(main: MainPackage): string {
  return `/usr/local/bin/${main.binary}`;
}

function argNameFor(symbol: string, role: string): string {
  if (role === "version") return "VERSION";
  if (role === "commit") return "COMMIT";
  if (role === "date") return "BUILD_DATE";
  const name = symbol.slice(symbol.lastIndexOf(".") + 1);
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function sourceUrlOf(modulePath: string): string | undefined {
  const [host] = modulePath.split("/");
  if (!host || !host.includes(".")) return undefined;
  const parts = modulePath.split("/");
  // github.com/org/repo/v2 -> github.com/org/repo
  const repo = /^(github\.com|gitlab\.com|bitbucket\.org)$/.test(host) ? parts.slice(0, 3) : parts.filter((p) => !/^v\d+$/.test(p));
  return `https://${repo.join("/")}`;
}

/**
 * The service port on the loopback interface only (`ListenAndServe("localhost:8080", …)`): in a
 * container that is the container's own loopback, so published ports and other containers reach
 * nothing, while a health check run inside still passes. Undefined when --port chose another.
 */
export function loopbackWarning(main: MainPackage, root: string, chosenPort?: number): string | undefined {
  // A fallback literal (`if addr == "" { addr = "localhost:8080" }`) stands behind the variable or flag that sets it.
  const first = main.facts.ports.find((p) => !p.fallback) ?? main.facts.ports[0];
  if (!first?.loopback || (chosenPort !== undefined && chosenPort !== first.port)) return undefined;
  // A server on every interface beside it is the service; the loopback one (pprof) is kept inside on purpose.
  if (main.facts.ports.some((p) => !p.fallback && !p.loopback)) return undefined;
  return `${displayModuleLine(root, first.evidence)}: ${main.binary} listens on ${first.loopback}, the container's own loopback: docker run -p, compose ports and other containers reach nothing there, while a health check run inside still passes; listen on :${first.port} (every interface)`;
}
