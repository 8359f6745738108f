import { access, readFile, rm } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { analyze } from "../analysis/index.js";
import type { AnalysisEngine, ModuleAnalysis } from "../analysis/types.js";
import { loadConfig } from "../config/load.js";
import { generateDockerfile } from "../dockerfile/generate.js";
import { checkHealthPath } from "../dockerfile/health-probe.js";
import { generateDockerignore, mergeDockerignore } from "../dockerfile/dockerignore.js";
import { buildInputs, replacementInputs, runTimeInputs, workspaceInputs, type ContextInput } from "../analysis/build-inputs.js";
import { normaliseDir, planDockerfile, type Decision, type DockerfilePlan, type PlanOptions } from "../dockerfile/plan.js";
import { generateBake } from "../bake/generate.js";
import { defaultBranch, earlierPipeline, generatePipeline, GITLAB_ROOT_PIPELINE, GITLAB_STAGES, includeInRootPipeline, modulePipelineName, NETRC_CI_VARIABLE, pipelineFile, repositoryRoot, type CiProvider } from "../ci/index.js";
import { NETRC_SECRET } from "../dockerfile/module-fetch.js";
import { generateCompose } from "../compose/generate.js";
import { dotEnvValue, mergeDotEnv, mergeGitignore, newPassword } from "../compose/local-files.js";
import { planCompose, type ComposePlan } from "../compose/plan.js";
import { BACKING_RECIPES, type BackingRecipe } from "../compose/backing.js";
import { VERSION } from "../version.js";
import { readModuleFetchSettings } from "../analysis/module-fetch-settings.js";
import { inputError, SlimgoError } from "../errors.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { displayPath } from "../fsutil/display-path.js";
import { makeDirectories } from "../fsutil/make-directories.js";
import { isFileSystemError, reasonFor } from "../fsutil/output-path.js";

/** The planner's choices (hasGoSum is read from the module), plus what only init decides. */
export interface InitOptions extends Omit<PlanOptions, "hasGoSum" | "named" | "givenIn"> {
  configPath?: string;
  engine?: "auto" | AnalysisEngine;
  /** compose.yaml (and its secrets); default: when a planned program is a server. */
  compose?: boolean;
  /** A `develop: watch:` section in compose.yaml (implies compose). */
  dev?: boolean;
  /** A CI pipeline for this provider. */
  ci?: CiProvider;
  /** docker-bake.hcl; default: with `all`. */
  bake?: boolean;
}

export interface GeneratedFile {
  /** Name relative to the module root; the CI pipeline's is relative to the repository root. */
  name: string;
  path: string;
  content: string;
  /** The file already on disk, if any. */
  existing?: string;
  /** Lines merged into a file the user owns (.gitignore, .env): never a clash, no --force needed. */
  merge?: boolean;
  /** init removes the file (content is empty): a pipeline an earlier init wrote that this run's replaces. */
  remove?: boolean;
  /**
   * An option of this run asks for the file (requestedFiles): one on disk with other content is an
   * error without --force. init keeps any other file that differs as it is (keepsOwnFile).
   */
  requested?: boolean;
  /** Holds a password: never printed. */
  secret?: boolean;
  /** File mode when written (default 0644). */
  mode?: number;
  /** Mode of the file's directory when init creates it. */
  dirMode?: number;
}

export interface InitResult {
  analysis: ModuleAnalysis;
  plan: DockerfilePlan;
  compose?: ComposePlan;
  /** Decisions about the files beyond the Dockerfile (compose, CI, bake). */
  decisions: Decision[];
  files: GeneratedFile[];
}

/** Reads the module, decides, and produces the files `init` would write (writes nothing). */
export async function planInit(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const analysis = await analyze(dir, { engine: options.engine ?? "auto" });
  const { config, where } = await loadConfig(analysis.root, options.configPath);
  const hasGoSum = await exists(join(analysis.root, "go.sum"));
  // Only a module that requires others downloads anything.
  const moduleFetch = analysis.goMod.requires.length > 0 ? await readModuleFetchSettings({ cwd: analysis.root }) : {};
  // slimgo.yaml's init.healthcheck is checked with the config.
  if (options.healthPath !== undefined) checkHealthPath("--healthcheck", options.healthPath);
  const healthPath = options.healthPath ?? config.init?.healthcheck;
  const asks = requestedFiles(options);
  const plan = planDockerfile(analysis, {
    main: mainFromWhereGiven(analysis, options.main ?? config.main, dir, options.all),
    ...(options.main === undefined && config.main !== undefined ? { named: `${where(["main"])}: ${config.main}` } : {}),
    // Named as slimgo.yaml's lines in reasons and errors, not as flags nobody gave.
    givenIn: Object.fromEntries((["runtime", "shell", "port"] as const).filter((key) => options[key] === undefined && config.init?.[key] !== undefined).map((key) => [key, where(["init", key])])),
    all: options.all,
    runtime: options.runtime ?? config.init?.runtime,
    shell: options.shell ?? config.init?.shell,
    port: options.port ?? config.init?.port,
    healthPath,
    hasGoSum,
    moduleFetch,
  });
  const replacements = analysis.vendored ? [] : replacementInputs(analysis);
  const ignoreOptions = {
    vendored: analysis.vendored,
    inputs: [
      ...buildInputs(analysis, plan.programs.map((p) => p.main)),
      ...replacements,
      // A directory both replaced and used is taken back in once, as the replacement.
      ...(plan.goWorkOff ? [] : workspaceInputs(analysis).filter((w) => !replacements.some((r) => r.pattern === w.pattern))),
      ...runTimeInputs(plan.programs.flatMap((p) => p.runTimeFiles)),
    ],
  };
  const ownIgnore = await readIfExists(join(analysis.root, ".dockerignore"));
  // A .dockerignore the project has is its own: kept, with what the recipe needs appended.
  const dockerignore = ownIgnore === undefined ? generateDockerignore(ignoreOptions) : mergeDockerignore(ownIgnore, ignoreOptions);
  // BuildKit reads Dockerfile.dockerignore, and podman and buildah .containerignore, instead of
  // .dockerignore when the project has them: those get the same lines.
  const readers: Record<string, string> = { "Dockerfile.dockerignore": "BuildKit reads it instead of .dockerignore", ".containerignore": "podman and buildah read it instead of .dockerignore" };
  const otherIgnores: GeneratedFile[] = [];
  const decisions = dockerignore.kept.map(keptInContext);
  for (const [name, why] of Object.entries(readers)) {
    const own = await readIfExists(join(analysis.root, name));
    if (own === undefined) continue;
    const merged = mergeDockerignore(own, ignoreOptions);
    otherIgnores.push({ name, path: join(analysis.root, name), content: merged.text, merge: true });
    if (merged.text === own) continue;
    const added = [...merged.added, ...merged.kept.map((input) => `!${input.pattern}`)];
    decisions.unshift({ topic: "context", choice: `${name} kept, with ${added.join(", ")} added`, reason: `${why}, and it let secrets in or left out what the build reads`, evidence: [] });
  }
  const files: GeneratedFile[] = [
    { name: "Dockerfile", content: generateDockerfile(plan), requested: asks.dockerfile },
    { name: ".dockerignore", content: dockerignore.text, ...(ownIgnore !== undefined ? { merge: true } : { requested: asks.dockerfile }) },
  ].map((f) => ({ ...f, path: join(analysis.root, f.name) }));
  files.push(...otherIgnores);
  for (const f of files) f.existing = await readIfExists(f.path);
  if (dockerignore.added.length > 0) {
    decisions.unshift({ topic: "context", choice: `.dockerignore kept, with ${dockerignore.added.join(", ")} added`, reason: "the existing file let them into the build context", evidence: [] });
  }
  const result: InitResult = { analysis, plan, decisions, files };

  if (options.dev && options.compose === false) throw inputError("--dev adds a watch section to compose.yaml: drop --no-compose");
  // docker compose reads compose.yaml before docker-compose.yml: a new compose.yaml would hide the project's own file.
  const ownCompose = options.compose === undefined && !options.dev ? await firstExisting(analysis.root, ["compose.yml", "docker-compose.yaml", "docker-compose.yml"]) : undefined;
  if (ownCompose && !(await exists(join(analysis.root, "compose.yaml")))) {
    result.decisions.push({ topic: "compose", choice: "compose.yaml not written", reason: `the project has ${ownCompose}, which a compose.yaml would take the place of in docker compose; --compose writes it anyway`, evidence: [] });
  }
  const wantCompose = options.compose ?? (options.dev || (!ownCompose && plan.programs.some((p) => p.main.facts.isServer)));
  if (wantCompose) await addCompose(result, options.dev ?? false, asks.compose);
  // podman build reads Containerfile before Dockerfile.
  if (await exists(join(analysis.root, "Containerfile"))) {
    analysis.warnings.push(`${displayPath(join(analysis.root, "Containerfile"))}: podman and buildah build the Containerfile, not the Dockerfile slimgo writes beside it: build with -f Dockerfile, or replace the Containerfile with it`);
  }
  if (options.ci) {
    // GitHub and GitLab read a pipeline only at the repository's root, wherever the module is in it.
    const repository = (await repositoryRoot(analysis.root)) ?? analysis.root;
    const moduleDir = relative(repository, analysis.root).split(sep).join("/") || ".";
    const branch = await defaultBranch(analysis.root);
    const pipeline = generatePipeline(options.ci, plan, VERSION, branch, moduleDir);
    await addFile(result, { name: pipeline.name, content: pipeline.content, requested: true }, repository);
    analysis.warnings.push(...pipeline.warnings);
    result.decisions.push(...pipeline.decisions);
    if (plan.moduleFetch) {
      const where = options.ci === "gitlab" ? `the CI/CD variable ${NETRC_CI_VARIABLE} (type File)` : `the repository secret ${NETRC_CI_VARIABLE}`;
      result.decisions.push({
        topic: "CI",
        choice: `the build secret "${NETRC_SECRET.id}" from ${where}`,
        reason: `the module download reads credentials for the private modules from it: add ${where} in the ${options.ci === "gitlab" ? "project's CI/CD settings" : "repository's Actions secrets"}, holding a .netrc with a token that can read them`,
        evidence: [],
      });
    }
    const own = modulePipelineName(moduleDir);
    if (own) {
      const root = `the root of the repository${displayPath(repository) === "." ? "" : ` ${displayPath(repository)}`}`;
      const gitlab = options.ci === "gitlab";
      // The module's pipeline an earlier init wrote under the root's name would build and push it too.
      const earlierName = pipelineFile(options.ci);
      const earlierText = await readIfExists(join(repository, earlierName));
      const earlier = earlierText === undefined ? undefined : earlierPipeline(options.ci, plan, branch, moduleDir, earlierText);
      const twice = `an earlier slimgo init wrote it as the pipeline of ${moduleDir}, which ${pipeline.name} is now, and both would build and push its image`;
      if (earlier === "unedited") {
        result.decisions.push({ topic: "CI", choice: gitlab ? `${earlierName} replaced by an include of ${pipeline.name}` : `${earlierName} removed`, reason: `${twice}; it was not edited since`, evidence: [] });
        if (!gitlab) await addFile(result, { name: earlierName, content: "", remove: true }, repository);
      } else if (earlier === "edited") {
        const what = gitlab ? "remove its jobs that build the module (lint, build-image, scan, release)" : "delete it";
        analysis.warnings.push(`${displayPath(join(repository, earlierName))}: ${twice}; it was edited since, so init keeps it: ${what}, after moving any change you need into ${pipeline.name}`);
      }
      if (gitlab) {
        const rootPipeline = join(repository, GITLAB_ROOT_PIPELINE);
        const included = includeInRootPipeline(earlier === "unedited" ? undefined : await readIfExists(rootPipeline), pipeline.name, GITLAB_STAGES);
        await addFile(result, { name: GITLAB_ROOT_PIPELINE, content: included.text, merge: true }, repository);
        analysis.warnings.push(...included.problems.map((p) => `${displayPath(rootPipeline)}: ${p}`));
      }
      const image = gitlab ? `$CI_REGISTRY_IMAGE/${own.imagePath}` : `ghcr.io/OWNER/REPO/${own.imagePath}`;
      result.decisions.push({
        topic: "CI",
        choice: `${pipeline.name}${gitlab ? `, included from ${GITLAB_ROOT_PIPELINE} at ${root}` : ` at ${root}`}, building ${moduleDir} into ${image}${plan.programs.length > 1 ? "/SERVICE" : ""}`,
        reason:
          `${gitlab ? `GitLab reads only ${GITLAB_ROOT_PIPELINE} there` : "GitHub reads workflows only there"}, not in the module's directory; the jobs use ${moduleDir} as the build context, ` +
          `and the ${gitlab ? "jobs" : "file, cache scope, code scanning category"} and image are named after it, so another module's pipeline in the repository keeps its own`,
        evidence: [],
      });
    }
  }
  if (options.bake ?? options.all) {
    await addFile(result, { name: "docker-bake.hcl", content: generateBake(plan, analysis.goMod.path), requested: asks.bake });
    if (plan.moduleFetch) {
      result.decisions.push({ topic: "bake", choice: `secret "${NETRC_SECRET.id}" from \${HOME}/.netrc`, reason: "the module download reads credentials for the private modules from that build secret, as docker build --secret passes it", evidence: [] });
    }
  }
  return result;
}

/**
 * --main as go build reads a package: a directory inside the module (./cmd/api), tried from the
 * module root and then from the current directory, or an import path. With no --main, a main
 * package's directory that init was pointed at (run inside cmd/api) is that program.
 */
function mainFromWhereGiven(analysis: ModuleAnalysis, main: string | undefined, dir: string, all?: boolean): string | undefined {
  const isMain = (rel: string) => analysis.mainPackages.some((m) => m.dir === rel);
  const fromRoot = (abs: string) => relative(analysis.root, abs).split(sep).join("/") || ".";
  if (main === undefined) {
    const given = fromRoot(resolve(dir));
    return !all && given !== "." && !given.startsWith("..") && isMain(given) ? given : undefined;
  }
  const modulePath = analysis.goMod.path;
  if (main === modulePath || main.startsWith(`${modulePath}/`)) return main === modulePath ? "." : main.slice(modulePath.length + 1);
  if (isMain(normaliseDir(main))) return main;
  const fromCwd = fromRoot(resolve(main));
  return isMain(fromCwd) ? fromCwd : main;
}

async function firstExisting(dir: string, names: string[]): Promise<string | undefined> {
  for (const name of names) if (await exists(join(dir, name))) return name;
  return undefined;
}

/** Why .dockerignore takes back in what one of its patterns drops. */
function keptInContext(input: ContextInput): Decision {
  const reason =
    input.kind === "embed"
      ? `//go:embed ${input.embed} embeds it`
      : input.kind === "package"
        ? `the build compiles package ${input.importPath}`
        : input.kind === "run-time-file"
          ? `the image has it: the program reads ${input.read.path} at run time`
          : input.kind === "replacement"
            ? `go.mod replaces ${input.replace.oldPath} by it`
            : input.kind === "workspace" && input.use
              ? "go.work uses it"
              : input.kind === "workspace"
                ? "go build reads it in workspace mode"
                : "the build reads it";
  const evidence =
    input.kind === "embed" ? [input.evidence] : input.kind === "run-time-file" ? [input.read.evidence] : input.kind === "replacement" ? [input.replace.evidence] : input.kind === "workspace" && input.use ? [input.use] : [];
  return { topic: "context", choice: `.dockerignore keeps ${input.pattern} in`, reason: `${reason}, though one of its patterns matches it`, evidence };
}

/** compose.yaml, its secret files, `.env` lines for connection URLs and `.gitignore` entries. */
async function addCompose(result: InitResult, dev: boolean, requested: boolean): Promise<void> {
  const root = result.analysis.root;
  const dotEnvPath = join(root, ".env");
  const dotEnv = await readIfExists(dotEnvPath);
  const passwords = new Map<string, string>();
  const secretFiles = new Map<string, string | undefined>();
  const password = ({ secret, envName }: NonNullable<BackingRecipe["password"]>): string => {
    const known = passwords.get(secret);
    if (known) return known;
    // Keep the password a database volume was initialised with: the secret file, else .env.
    const onDisk = secretFiles.get(secret)?.trim() || dotEnvValue(dotEnv, envName);
    const value = onDisk || newPassword();
    passwords.set(secret, value);
    return value;
  };
  // Every recipe's secret file, read before planning (the plan is pure and synchronous).
  for (const recipe of Object.values(BACKING_RECIPES)) {
    if (recipe.password) secretFiles.set(recipe.password.secret, await readIfExists(join(root, "secrets", `${recipe.password.secret}.txt`)));
  }
  const compose = planCompose(result.analysis, result.plan, { dev, password });
  result.compose = compose;
  result.decisions.push(...compose.decisions);
  await addFile(result, { name: "compose.yaml", content: generateCompose(compose), requested });
  for (const s of compose.secrets) {
    const existing = await readIfExists(join(root, s.file));
    // A secret file the user already has (for example the connection URL) is kept as it is.
    // Readable by any uid (database images read it after dropping root), but inside a 0700
    // directory, so only the owner reaches it on the host; a bind mount does not need the directory.
    await addFile(result, { name: s.file, content: existing ?? `${s.value}\n`, secret: true, mode: 0o644, dirMode: 0o700 });
  }
  if (Object.keys(compose.dotEnv).length > 0) {
    await addFile(result, { name: ".env", content: mergeDotEnv(dotEnv, compose.dotEnv), merge: true, secret: true, mode: 0o600 });
  }
  if (compose.secrets.length > 0 || Object.keys(compose.dotEnv).length > 0) {
    const gitignorePath = join(root, ".gitignore");
    await addFile(result, { name: ".gitignore", content: mergeGitignore(await readIfExists(gitignorePath), [".env", "secrets/"]), merge: true });
  }
}

/** Adds `file`, named relative to `root` (default: the module root), with what is on disk there. */
async function addFile(result: InitResult, file: Omit<GeneratedFile, "path" | "existing">, root = result.analysis.root): Promise<void> {
  const path = join(root, file.name);
  const existing = await readIfExists(path);
  result.files.push(existing === undefined ? { ...file, path } : { ...file, path, existing });
}

/**
 * The files an option of the run asks for. A run with none of the options below asks for every
 * file it writes. One that adds something to a project (--ci, --compose, --dev) asks for that file
 * alone, and for the Dockerfile (and docker-bake.hcl with --all) only when an option that shapes the
 * Dockerfile is given too: adding a pipeline leaves a Dockerfile the user edited alone.
 */
function requestedFiles(options: InitOptions): { dockerfile: boolean; compose: boolean; bake: boolean } {
  const compose = options.compose === true || options.dev === true;
  const adds = options.ci !== undefined || compose;
  const shapesDockerfile = [options.main, options.all, options.runtime, options.shell, options.port, options.healthPath].some((o) => o !== undefined);
  return { dockerfile: !adds || shapesDockerfile, compose: !adds || compose, bake: !adds || options.all === true || options.bake === true };
}

/** init leaves `file` as it is: it differs from what init would write, and neither the run's options nor --force ask to replace it. */
export function keepsOwnFile(file: GeneratedFile, force = false): boolean {
  return !force && !file.merge && !file.remove && !file.requested && file.existing !== undefined && file.existing !== file.content;
}

/**
 * Writes the planned files: refuses to replace an existing file the run asks for unless `force`,
 * and keeps the others that differ (keepsOwnFile). All or nothing.
 */
export async function writeInit(result: InitResult, options: { force?: boolean } = {}): Promise<void> {
  const clashing = result.files.filter((f) => !f.merge && f.requested && f.existing !== undefined && f.existing !== f.content);
  if (clashing.length > 0 && !options.force) {
    const names = clashing.map((f) => f.path).join(" and ");
    throw inputError(`${names} already exist${clashing.length === 1 ? "s" : ""}: pass --force to overwrite, or --diff to compare`, { file: clashing[0]!.path });
  }
  const changed = result.files.filter((f) => f.existing !== f.content && !keepsOwnFile(f, options.force));
  const created: string[] = [];
  try {
    for (const f of changed) {
      const made = await makeDirectories(dirname(f.path), f.dirMode);
      if (made !== undefined) created.push(made);
    }
    const written = changed.filter((f) => !f.remove);
    await writeFilesAtomically(written.map((f) => ({ path: f.path, content: f.content, ...(f.mode ? { mode: f.mode } : {}) })));
    // Removed only once what replaces it is written.
    for (const f of changed.filter((f) => f.remove)) await rm(f.path, { force: true });
  } catch (err) {
    await Promise.all(created.map((d) => rm(d, { recursive: true, force: true })));
    if (!isFileSystemError(err)) throw err;
    const { path, dest } = err as NodeJS.ErrnoException & { dest?: string };
    // The file named, not the temporary copy beside it that the failed call was given.
    const where = [dest, path].find((p) => p !== undefined && !basename(p).includes(".slimgo-"));
    throw new SlimgoError(`cannot write ${where ? displayPath(where) : "the files"} (${reasonFor(err)}): nothing was written; check its permissions and attributes (lsattr, chattr -i), then run init again`, { cause: err });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw inputError(`${path}: cannot read (${(err as Error).message})`, { file: path });
  }
}
