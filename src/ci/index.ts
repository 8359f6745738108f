import type { Decision, DockerfilePlan } from "../dockerfile/plan.js";
import { generateGithubWorkflow } from "./github.js";
import { generateGitlabPipeline } from "./gitlab.js";
import { planPipeline, type CiProvider } from "./plan.js";

export { ciProviders, GITLAB_ROOT_PIPELINE, NETRC_CI_VARIABLE, pipelineFile, planPipeline, type CiProvider, type PipelinePlan } from "./plan.js";
export { generateGithubWorkflow } from "./github.js";
export { generateGitlabPipeline, GITLAB_STAGES } from "./gitlab.js";
export { includeInRootPipeline } from "./gitlab-include.js";
export { earlierPipeline } from "./earlier-pipeline.js";
export { modulePipelineName } from "./module-pipeline-name.js";
export { defaultBranch } from "./default-branch.js";
export { repositoryRoot } from "./repository-root.js";
export { ACTIONS, CI_IMAGES } from "./actions.js";

/**
 * The pipeline file for `provider`: its name relative to the repository root and its text.
 * `moduleDir` is the module's directory relative to that root ("." when the module is the repository).
 */
export function generatePipeline(provider: CiProvider, dockerfile: DockerfilePlan, slimgoVersion: string, defaultBranch?: string, moduleDir = "."): { name: string; content: string; warnings: string[]; decisions: Decision[] } {
  const plan = planPipeline(provider, dockerfile, slimgoVersion, defaultBranch, moduleDir);
  const content = provider === "gitlab" ? generateGitlabPipeline(plan) : generateGithubWorkflow(plan);
  return { name: plan.file, content, warnings: plan.warnings, decisions: plan.decisions };
}
