import { serviceNames } from "../dockerfile/plan.js";

/**
 * How the pipeline of a module below the repository root is told apart from other modules' in the
 * same repository: `id` names its pipeline file, cache scope and SARIF category ("services-api"),
 * `imagePath` its image under the repository's ("services/api"). Each directory name is made valid
 * as a component of an image repository as program names are (serviceNames). Undefined at the root,
 * whose pipeline keeps the plain names.
 */
export function modulePipelineName(moduleDir: string): { id: string; imagePath: string } | undefined {
  if (moduleDir === ".") return undefined;
  const parts = moduleDir.split("/").map((part) => serviceNames([part])[0]!);
  return { id: parts.join("-"), imagePath: parts.join("/") };
}
