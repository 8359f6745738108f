import { compareGoVersions } from "../analysis/go-version.js";
import { OLDEST_GO_FOR_SLIMGO_BUILD } from "../build/go-toolchain.js";
import type { Decision, DockerfilePlan } from "../dockerfile/plan.js";
import { NETRC_SECRET } from "../dockerfile/module-fetch.js";
import { inputError } from "../errors.js";
import { displayModuleFile, displayModuleLine } from "../fsutil/display-path.js";
import { modulePipelineName } from "./module-pipeline-name.js";
import { slimgoBuildFlags } from "./slimgo-build.js";

export type CiProvider = "github" | "gitlab" | "github-slimgo";
export const ciProviders: readonly CiProvider[] = ["github", "gitlab", "github-slimgo"];

/** What a CI pipeline needs to know about the Dockerfile and the project. */
export interface PipelinePlan {
  provider: CiProvider;
  /** `slimgo build --push` instead of Docker Buildx. */
  daemonless: boolean;
  /**
   * name: the image (serviceNames); target: the Dockerfile stage; main: the package, "." or "./cmd/api";
   * slimgoFlags: what `slimgo build` needs to make the image the Dockerfile does (daemonless only).
   */
  services: { name: string; target: string; main: string; slimgoFlags: string[] }[];
  /** What the pipeline cannot do as the Dockerfile does, for the user. */
  warnings: string[];
  /** Choices the pipeline makes beyond the Dockerfile's, with why. */
  decisions: Decision[];
  /**
   * The Go release the daemonless job installs: the Dockerfile builder's (go.mod's line, raised to
   * what its go build flags need), at least the oldest slimgo build runs with.
   */
  goVersion: string;
  /**
   * Some step runs on the target platform, so arm64 builds need QEMU: a cgo build stage (it compiles
   * for its own platform) or RUN steps in an alpine/debian runtime stage. A static build cross-compiles.
   */
  needsEmulation: boolean;
  defaultBranch: string;
  slimgoVersion: string;
  /** The module (the build context, with its Dockerfile) relative to the repository root: "." or "services/api". */
  moduleDir: string;
  /** Names of a module's own pipeline beside other modules' in the repository (modulePipelineName); none at the root. */
  moduleName?: { id: string; imagePath: string };
  /** The pipeline file, relative to the repository root. */
  file: string;
  /**
   * Private modules: the Dockerfile's download mounts the build secret `secret`, which the pipeline
   * passes from the CI secret `variable`; `goEnv` is what go needs to fetch them outside the Dockerfile (slimgo build).
   */
  netrc?: { secret: string; variable: string; goEnv: { name: string; value: string }[] };
}

/** The CI secret (GitHub) or CI/CD variable of type File (GitLab) that holds the .netrc for private modules. */
export const NETRC_CI_VARIABLE = "NETRC";

export function planPipeline(provider: CiProvider, dockerfile: DockerfilePlan, slimgoVersion: string, defaultBranch = "main", moduleDir = "."): PipelinePlan {
  const daemonless = provider === "github-slimgo";
  if (daemonless) refuseCgo(dockerfile);
  const slimgo = dockerfile.programs.map((p) => (daemonless ? slimgoBuildFlags(p) : { flags: [], warnings: [] }));
  const decisions: Decision[] = [];
  const goVersion = daemonless ? runnerGoVersion(dockerfile.goVersion, decisions) : dockerfile.goVersion;
  const moduleName = modulePipelineName(moduleDir);
  return {
    provider,
    moduleDir,
    ...(moduleName ? { moduleName } : {}),
    file: pipelineFile(provider, moduleDir),
    ...(dockerfile.moduleFetch ? { netrc: { secret: NETRC_SECRET.id, variable: NETRC_CI_VARIABLE, goEnv: dockerfile.moduleFetch.args } } : {}),
    daemonless,
    services: dockerfile.programs.map((p, i) => ({ name: p.name, target: p.stage, main: p.buildTarget, slimgoFlags: slimgo[i]!.flags })),
    warnings: slimgo.flatMap((s) => s.warnings),
    decisions,
    goVersion,
    needsEmulation: dockerfile.programs.some((p) => p.cgo || p.addUserWithShell),
    defaultBranch,
    slimgoVersion,
  };
}

/** The Go the runner installs for slimgo build: the builder's release, unless slimgo build needs a newer one. */
function runnerGoVersion(builder: string, decisions: Decision[]): string {
  if (compareGoVersions(builder, OLDEST_GO_FOR_SLIMGO_BUILD) >= 0) return builder;
  decisions.push({
    topic: "CI",
    choice: `actions/setup-go installs Go ${OLDEST_GO_FOR_SLIMGO_BUILD}, not the builder's ${builder}`,
    reason: `slimgo build reads the Go version with go env GOVERSION, which arrived in Go ${OLDEST_GO_FOR_SLIMGO_BUILD}; a newer Go builds the module just as well`,
    evidence: [],
  });
  return OLDEST_GO_FOR_SLIMGO_BUILD;
}

/**
 * Where a module's pipeline lives, relative to the repository root. GitHub reads every file in
 * .github/workflows, so a module below the root gets a workflow named after it; GitLab reads only
 * the root's .gitlab-ci.yml, so such a module's pipeline is a file that one includes (GITLAB_ROOT_PIPELINE).
 */
export function pipelineFile(provider: CiProvider, moduleDir = "."): string {
  const id = modulePipelineName(moduleDir)?.id;
  if (provider === "gitlab") return id ? `.gitlab/ci/${id}.yml` : GITLAB_ROOT_PIPELINE;
  return id ? `.github/workflows/image-${id}.yml` : ".github/workflows/image.yml";
}

/** The one pipeline file GitLab reads. */
export const GITLAB_ROOT_PIPELINE = ".gitlab-ci.yml";

/** `file` of the module as a path from the repository root: "Dockerfile", or "services/api/Dockerfile". */
export function inModule(plan: PipelinePlan, file: string): string {
  return plan.moduleDir === "." ? file : `${plan.moduleDir}/${file}`;
}

/** `word` as one word of a shell command line: as it is when that is safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** slimgo build makes static binaries, and the pipeline builds for several platforms: a cgo program needs the Dockerfile. */
function refuseCgo(dockerfile: DockerfilePlan): void {
  const program = dockerfile.programs.find((p) => p.cgo);
  if (!program) return;
  const cgo = program.main.facts.cgo;
  const where = cgo.evidence[0] ?? cgo.dependencies[0]?.evidence;
  throw inputError(
    `--ci github-slimgo: ${program.main.binary} needs cgo${where ? ` (${displayModuleLine(dockerfile.root, where)})` : ""}, and slimgo build makes static CGO_ENABLED=0 binaries, so the pipeline's build would fail: ` +
      "use --ci github, which builds the Dockerfile (its glibc build stage) with Docker Buildx",
    where ? { file: displayModuleFile(dockerfile.root, where.file), line: where.line } : {},
  );
}
