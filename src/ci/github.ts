/**
 * .github/workflows/image.yml: lint (SARIF to code scanning), then build, scan and push a
 * multi-platform image, either with Docker Buildx or daemonless with `slimgo build --push`.
 */
import { Document } from "yaml";
import { ACTIONS, CI_PLATFORMS, slimgoCommand } from "./actions.js";
import { inModule, shellWord, type PipelinePlan } from "./plan.js";

type Step = Record<string, unknown>;

export function generateGithubWorkflow(plan: PipelinePlan): string {
  const image = plan.daemonless ? daemonlessJob(plan) : buildxJob(plan);
  // A module in a subdirectory builds when it or this workflow changes (tag pushes ignore paths).
  const paths = plan.moduleDir === "." ? {} : { paths: [`${plan.moduleDir}/**`, plan.file] };
  const workflow = {
    name: plan.moduleName ? `image ${plan.moduleDir}` : "image",
    on: { push: { branches: [plan.defaultBranch], tags: ["v*"], ...paths }, pull_request: { branches: [plan.defaultBranch], ...paths } },
    permissions: { contents: "read" },
    env: { REGISTRY: "ghcr.io" },
    jobs: { lint: lintJob(plan), image },
  };
  const doc = new Document(workflow, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    " Written by slimgo init. Builds, scans and pushes the image to ghcr.io with the workflow's GITHUB_TOKEN.",
    " Actions are pinned to release tags; let Dependabot or Renovate bump them (or pin commit SHAs).",
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}

function lintJob(plan: PipelinePlan): Record<string, unknown> {
  return {
    name: "slimgo lint",
    "runs-on": "ubuntu-latest",
    permissions: { contents: "read", "security-events": "write" },
    steps: [
      { uses: ACTIONS.checkout },
      { uses: ACTIONS.setupNode, with: { "node-version": "20" } },
      { name: "Lint the Dockerfile against the Go module", run: `${slimgoCommand(plan.slimgoVersion)} lint --format sarif ${shellWord(inModule(plan, "Dockerfile"))} > slimgo.sarif` },
      // Each module's own category: a second upload in the same one would replace the first's findings.
      { name: "Upload findings to code scanning", if: "always()", uses: ACTIONS.uploadSarif, with: { sarif_file: "slimgo.sarif", category: plan.moduleName ? `slimgo-${plan.moduleName.id}` : "slimgo" } },
    ],
  };
}

function matrix(plan: PipelinePlan): Record<string, unknown> {
  if (plan.services.length <= 1) return {};
  const flags = plan.daemonless && plan.services.some((s) => s.slimgoFlags.length > 0);
  const include = plan.services.map((s) => ({ service: s.name, main: s.main, ...(flags ? { flags: slimgoFlags(s) } : {}) }));
  return { strategy: { "fail-fast": false, matrix: { include } } };
}

/** A service's slimgo build flags as shell words. */
function slimgoFlags(service: PipelinePlan["services"][number]): string {
  return service.slimgoFlags.map(shellWord).join(" ");
}

/** The image name: the repository, plus the module's path below the root, plus the service with --all. */
function imageName(plan: PipelinePlan): string {
  const module = plan.moduleName ? `/${plan.moduleName.imagePath}` : "";
  return `\${{ env.REGISTRY }}/\${{ github.repository }}${module}${plan.services.length > 1 ? "/${{ matrix.service }}" : ""}`;
}

function target(plan: PipelinePlan): string {
  return plan.services.length > 1 ? "${{ matrix.service }}" : (plan.services[0]?.target ?? "runtime");
}

const gitVersionStep: Step = {
  name: "Version and commit from git",
  id: "git",
  run: ['echo "version=$(git describe --tags --always --dirty)" >> "$GITHUB_OUTPUT"', 'echo "commit=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"'].join("\n"),
};

const loginStep: Step = {
  name: "Log in to the registry",
  if: "github.event_name != 'pull_request'",
  uses: ACTIONS.login,
  with: { registry: "${{ env.REGISTRY }}", username: "${{ github.actor }}", password: "${{ secrets.GITHUB_TOKEN }}" },
};

function scanStep(image: string): Step {
  return { name: "Scan for vulnerabilities (fails on high or critical)", uses: ACTIONS.scan, with: { image, "fail-build": true, "severity-cutoff": "high", "only-fixed": true } };
}

/** The image's tags: the branch, the version on a v* tag push, sha-COMMIT (and pr-N, never pushed). */
function metadataStep(plan: PipelinePlan): Step {
  return {
    name: "Tags and labels",
    id: "meta",
    uses: ACTIONS.metadata,
    with: { images: imageName(plan), tags: ["type=ref,event=branch", "type=ref,event=pr", "type=semver,pattern={{version}}", "type=sha"].join("\n") },
  };
}

function buildxJob(plan: PipelinePlan): Record<string, unknown> {
  // The gha cache is the repository's: each module and service keeps its own scope.
  const scopeName = [plan.moduleName?.id, plan.services.length > 1 ? "${{ matrix.service }}" : undefined].filter(Boolean).join("-");
  const scope = scopeName ? `,scope=${scopeName}` : "";
  const buildArgs = ["VERSION=${{ steps.git.outputs.version }}", "COMMIT=${{ steps.git.outputs.commit }}"].join("\n");
  const file = plan.moduleDir === "." ? {} : { file: inModule(plan, "Dockerfile") };
  // The module download's credentials, from the repository secret, as the build secret the Dockerfile mounts.
  const secret = plan.netrc ? { "secret-envs": `${plan.netrc.secret}=${plan.netrc.variable}` } : {};
  const secretEnv = plan.netrc ? { env: { [plan.netrc.variable]: `\${{ secrets.${plan.netrc.variable} }}` } } : {};
  const common = { context: plan.moduleDir, ...file, target: target(plan), "build-args": buildArgs, "cache-from": `type=gha${scope}`, ...secret };
  const steps: Step[] = [
    { uses: ACTIONS.checkout, with: { "fetch-depth": 0 } },
    gitVersionStep,
    ...(plan.needsEmulation ? [{ name: "Emulate arm64 for the steps that run on the target platform", uses: ACTIONS.setupQemu }] : []),
    { uses: ACTIONS.setupBuildx },
    loginStep,
    metadataStep(plan),
    { name: "Build for the scan (this runner's platform)", uses: ACTIONS.buildPush, ...secretEnv, with: { ...common, load: true, tags: "scan:${{ github.sha }}" } },
    scanStep("scan:${{ github.sha }}"),
    {
      name: "Build and push",
      uses: ACTIONS.buildPush,
      ...secretEnv,
      with: {
        ...common,
        platforms: CI_PLATFORMS,
        push: "${{ github.event_name != 'pull_request' }}",
        tags: "${{ steps.meta.outputs.tags }}",
        labels: "${{ steps.meta.outputs.labels }}",
        "cache-to": `type=gha,mode=max${scope}`,
        sbom: true,
        provenance: true,
      },
    },
  ];
  return { "runs-on": "ubuntu-latest", permissions: { contents: "read", packages: "write" }, ...matrix(plan), steps };
}

function daemonlessJob(plan: PipelinePlan): Record<string, unknown> {
  const slimgo = slimgoCommand(plan.slimgoVersion);
  const only = plan.services.length === 1 ? plan.services[0] : undefined;
  // `slimgo build` takes the main package directory as its argument, then what the Dockerfile's image has that it cannot find itself.
  const main = !only ? ' "${{ matrix.main }}"' : only.main !== "." ? ` ${shellWord(only.main)}` : "";
  const flags = !only ? (plan.services.some((s) => s.slimgoFlags.length > 0) ? " ${{ matrix.flags }}" : "") : only.slimgoFlags.length > 0 ? ` ${slimgoFlags(only)}` : "";
  const build = `${slimgo} build${main}${flags} --version "\${{ steps.git.outputs.version }}"`;
  const steps: Step[] = [
    { uses: ACTIONS.checkout, with: { "fetch-depth": 0 } },
    gitVersionStep,
    // Not go-version-file: go.mod's go line can be older than go build -trimpath (Go 1.13) or slimgo build itself.
    { uses: ACTIONS.setupGo, with: { "go-version": plan.goVersion } },
    { uses: ACTIONS.setupNode, with: { "node-version": "20" } },
    ...(plan.netrc ? [netrcStep(plan.netrc.variable)] : []),
    loginStep,
    metadataStep(plan),
    { name: "Build for the scan (no Docker daemon)", run: `${build} --platform linux/amd64 --tarball image.tar` },
    scanStep(`docker-archive:${inModule(plan, "image.tar")}`),
    {
      name: "Build and push (no Docker daemon)",
      if: "github.event_name != 'pull_request'",
      env: { IMAGE: imageName(plan), TAGS: "${{ steps.meta.outputs.tags }}" },
      // The metadata step's tags, as the Buildx workflow pushes them, each without the image name.
      // slimgo reads the credentials docker/login-action wrote to ~/.docker/config.json.
      run: ["tags=()", 'for ref in $TAGS; do tags+=(--tag "${ref##*:}"); done', `${build} --platform ${CI_PLATFORMS} --sbom-dir sbom --push "\${IMAGE,,}" "\${tags[@]}"`].join("\n"),
    },
  ];
  const defaults = plan.moduleDir === "." ? {} : { defaults: { run: { "working-directory": plan.moduleDir } } };
  // go build fetches the private modules itself here, with the settings the Dockerfile has as ARGs.
  const env = plan.netrc && plan.netrc.goEnv.length > 0 ? { env: Object.fromEntries(plan.netrc.goEnv.map((a) => [a.name, a.value])) } : {};
  return { "runs-on": "ubuntu-latest", permissions: { contents: "read", packages: "write" }, ...matrix(plan), ...env, ...defaults, steps };
}

/** ~/.netrc from the repository secret, where go and git read credentials for private modules. */
function netrcStep(variable: string): Step {
  return {
    name: `Credentials for private modules (the ${variable} secret)`,
    env: { [variable]: `\${{ secrets.${variable} }}` },
    run: `printf '%s\\n' "$${variable}" > ~/.netrc && chmod 600 ~/.netrc`,
  };
}
