import { createRequire } from "node:module";
import type { BaseIssue } from "valibot";

/**
 * valibot checks the shape of slimgo.yaml and of the manifests and configs slimgo reads. Modules
 * on start-up paths (build, the image readers) call this when they first validate something
 * instead of importing it at the top, so a build that reads nothing pays nothing. (zod, used
 * before, took about 110 ms to load: a sixth of a warm rebuild's go build; valibot takes about 12.)
 */
const requireModule = createRequire(import.meta.url);

export function valibot(): typeof import("valibot") {
  return requireModule("valibot") as typeof import("valibot");
}

/** The keys from the top down to where an issue is (`init.runtime` is ["init", "runtime"]). */
export function issueKeys(issue: BaseIssue<unknown>): (string | number)[] {
  return (issue.path ?? []).map((item) => item.key).filter((key): key is string | number => typeof key === "string" || typeof key === "number");
}
