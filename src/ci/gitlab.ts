/**
 * .gitlab-ci.yml: lint, build and push a multi-platform image with Buildx in Docker-in-Docker
 * (SBOM and provenance attestations, registry cache), scan it, and only then give it the branch
 * or release tag. Uses GitLab's predefined $CI_REGISTRY* variables.
 */
import { Document } from "yaml";
import { CI_IMAGES, CI_PLATFORMS, slimgoCommand } from "./actions.js";
import { inModule, shellWord, type PipelinePlan } from "./plan.js";

/** The pipeline's stages, in order. */
export const GITLAB_STAGES = ["lint", "build", "scan", "release"] as const;

export function generateGitlabPipeline(plan: PipelinePlan): string {
  const several = plan.services.length > 1;
  const image = ["$CI_REGISTRY_IMAGE", plan.moduleName?.imagePath, several ? "$SERVICE" : undefined].filter(Boolean).join("/");
  // Jobs of every module's included file share one pipeline: a module below the root prefixes its own.
  const job = (name: string) => (plan.moduleName ? `${plan.moduleName.id}-${name}` : name);
  const target = several ? "$SERVICE" : (plan.services[0]?.target ?? "runtime");
  const parallel = several ? { parallel: { matrix: [{ SERVICE: plan.services.map((s) => s.name) }] } } : {};
  const changed = moduleChanges(plan);
  // A module below the root builds when it or its pipeline file changed, as the GitHub workflow's paths: filter does.
  // Branch and tag pipelines only, as jobs without rules run: a merge request pipeline would push the image twice.
  const onChange = changed ? { rules: [{ if: "$CI_COMMIT_TAG" }, { if: "$CI_COMMIT_BRANCH", changes: changed }] } : {};
  const docker = {
    image: CI_IMAGES.docker,
    services: [CI_IMAGES.dind],
    variables: { DOCKER_TLS_CERTDIR: "/certs" },
    before_script: ['echo "$CI_REGISTRY_PASSWORD" | docker login --username "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"'],
  };
  const pipeline = {
    stages: [...GITLAB_STAGES],
    variables: { PLATFORMS: CI_PLATFORMS },
    [job("lint")]: {
      stage: "lint",
      image: CI_IMAGES.node,
      ...onChange,
      script: [`${slimgoCommand(plan.slimgoVersion)} lint --format sarif ${shellWord(inModule(plan, "Dockerfile"))} > slimgo.sarif`],
      artifacts: { when: "always", paths: ["slimgo.sarif"] },
    },
    // Not "image": that is a top-level keyword of .gitlab-ci.yml (the default image), not a job.
    [job("build-image")]: {
      stage: "build",
      ...docker,
      ...parallel,
      ...onChange,
      script: [
        // The module download's credentials: a CI/CD variable of type File, whose value is the file's path.
        ...(plan.netrc ? [`test -f "$${plan.netrc.variable}" || { echo "set the CI/CD variable ${plan.netrc.variable} (type File) to a .netrc for the private modules" >&2; exit 1; }`] : []),
        ...(plan.needsEmulation ? ["docker run --privileged --rm tonistiigi/binfmt:qemu-v7.0.0 --install arm64"] : []),
        "docker buildx create --use --driver docker-container",
        [
          "docker buildx build",
          '--platform "$PLATFORMS"',
          `--target "${target}"`,
          '--build-arg VERSION="${CI_COMMIT_TAG:-$CI_COMMIT_SHORT_SHA}"',
          '--build-arg COMMIT="$CI_COMMIT_SHA"',
          `--cache-from type=registry,ref=${image}:buildcache`,
          `--cache-to type=registry,ref=${image}:buildcache,mode=max`,
          "--sbom=true --provenance=true",
          ...(plan.netrc ? [`--secret id=${plan.netrc.secret},src="$${plan.netrc.variable}"`] : []),
          `--tag "${image}:$CI_COMMIT_SHORT_SHA"`,
          ...(plan.moduleDir === "." ? [] : [`--file ${shellWord(inModule(plan, "Dockerfile"))}`]),
          `--push ${shellWord(plan.moduleDir)}`,
        ].join(" "),
      ],
    },
    [job("scan")]: {
      stage: "scan",
      image: { name: CI_IMAGES.trivy, entrypoint: [""] },
      ...parallel,
      ...onChange,
      variables: { TRIVY_USERNAME: "$CI_REGISTRY_USER", TRIVY_PASSWORD: "$CI_REGISTRY_PASSWORD" },
      script: [`trivy image --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed "${image}:$CI_COMMIT_SHORT_SHA"`],
    },
    [job("release")]: {
      stage: "release",
      ...docker,
      ...parallel,
      // On the default branch only when the build ran: the image it tags is that build's.
      rules: [{ if: "$CI_COMMIT_TAG" }, { if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", ...(changed ? { changes: changed } : {}) }],
      // Only a scanned image gets the tag people deploy.
      script: [`docker buildx imagetools create --tag "${image}:\${CI_COMMIT_TAG:-latest}" "${image}:$CI_COMMIT_SHORT_SHA"`],
    },
  };
  const doc = new Document(pipeline, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    " Written by slimgo init. Builds and pushes the image to this project's GitLab registry, scans it,",
    " and tags it for release only when the scan passes. CI images are pinned to release tags.",
    ...(plan.moduleName ? [` The pipeline of ${plan.moduleDir}, which the repository's .gitlab-ci.yml includes.`] : []),
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}

/**
 * The files whose change builds a module below the root: its directory and its own pipeline file;
 * undefined at the root, whose pipeline builds on every push. Tag pipelines build whatever changed
 * (GitLab counts every file as changed in them anyway), as a tag push ignores the GitHub paths filter.
 */
function moduleChanges(plan: PipelinePlan): string[] | undefined {
  return plan.moduleName ? [`${plan.moduleDir}/**/*`, plan.file] : undefined;
}
