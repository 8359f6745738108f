/**
 * Before a module below the git root got a pipeline named after it (module-pipeline-name.ts), init
 * wrote that module's pipeline under the root's names: .github/workflows/image.yml, .gitlab-ci.yml.
 * Run again, init writes the module's own file, and the earlier one would go on building and pushing
 * the same module beside it.
 */
import type { DockerfilePlan } from "../dockerfile/plan.js";
import { SlimgoError } from "../errors.js";
import { generateGithubWorkflow } from "./github.js";
import { generateGitlabPipeline } from "./gitlab.js";
import { pipelineFile, planPipeline, shellWord, type CiProvider, type PipelinePlan } from "./plan.js";

/** Generated files begin with this line (github.ts, gitlab.ts). */
const HEADER = "# Written by slimgo init.";

/**
 * What `text`, the file at the root's pipeline name (`pipelineFile(provider)`), is to the module in
 * `moduleDir`: "unedited" when it is exactly what init wrote there for this module (at the slimgo
 * version it pins), "edited" when slimgo wrote it for this module and someone changed it since;
 * undefined when it is not that module's earlier pipeline (a module at the root, or the user's own).
 */
export function earlierPipeline(provider: CiProvider, dockerfile: DockerfilePlan, defaultBranch: string, moduleDir: string, text: string): "unedited" | "edited" | undefined {
  if (moduleDir === ".") return undefined;
  const lints = `lint --format sarif ${shellWord(`${moduleDir}/Dockerfile`)}`;
  if (!text.startsWith(HEADER) || !text.includes(lints)) return undefined;
  // The version the file runs slimgo at: an unedited file written by another release differs only there.
  const version = /npx --yes slimgo@(\S+) /.exec(text)?.[1];
  if (version === undefined) return "edited";
  // Either GitHub pipeline can be the earlier one: the root's name was the same for both.
  const providers: CiProvider[] = provider === "gitlab" ? ["gitlab"] : ["github", "github-slimgo"];
  const unedited = providers.some((p) => {
    const plan = plannedOrUndefined(() => planPipeline(p, dockerfile, version, defaultBranch, moduleDir));
    return plan !== undefined && writtenUnderRootName(plan) === text;
  });
  return unedited ? "unedited" : "edited";
}

/** The pipeline as init wrote it for a module below the root before: the root's file name and names. */
function writtenUnderRootName(plan: PipelinePlan): string {
  const { moduleName: _, ...earlier } = plan;
  const atRootName = { ...earlier, file: pipelineFile(plan.provider) };
  return plan.provider === "gitlab" ? generateGitlabPipeline(atRootName) : generateGithubWorkflow(atRootName);
}

/** planPipeline refuses github-slimgo for cgo: that pipeline cannot be the earlier one. */
function plannedOrUndefined(plan: () => PipelinePlan): PipelinePlan | undefined {
  try {
    return plan();
  } catch (err) {
    if (err instanceof SlimgoError) return undefined;
    throw err;
  }
}
