import type { DockerfilePlan } from "../dockerfile/plan.js";
import { generateGithubWorkflow } from "./github.js";
import { generateGitlabPipeline } from "./gitlab.js";
import { pipelineFile, planPipeline, type CiProvider } from "./plan.js";

export { ciProviders, pipelineFile, planPipeline, type CiProvider, type PipelinePlan } from "./plan.js";
export { generateGithubWorkflow } from "./github.js";
export { generateGitlabPipeline } from "./gitlab.js";
export { defaultBranch } from "./default-branch.js";
export { ACTIONS, CI_IMAGES } from "./actions.js";

/** The pipeline file for `provider`: its name relative to the repository root and its text. */
export function generatePipeline(provider: CiProvider, dockerfile: DockerfilePlan, slimgoVersion: string, defaultBranch?: string): { name: string; content: string } {
  const plan = planPipeline(provider, dockerfile, slimgoVersion, defaultBranch);
  const content = provider === "gitlab" ? generateGitlabPipeline(plan) : generateGithubWorkflow(plan);
  return { name: pipelineFile(provider), content };
}
