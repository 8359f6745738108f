// Checks a parsed .gitlab-ci.yml the way GitLab reads its top level. No maintained npm package
// ships GitLab's CI JSON schema (@schemastore/gitlab-ci holds TypeScript types only), so the
// keywords are listed here from GitLab's CI/CD YAML reference.

/** Top-level keys that GitLab reads as settings, never as jobs. */
export const GITLAB_GLOBAL_KEYWORDS = ["default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script", "after_script", "types", "spec"] as const;

/** A job GitLab treats specially: `pages` publishes GitLab Pages. */
const SPECIAL_JOBS = ["pages"];

/** Problems with the jobs of a pipeline: a job named like a keyword, or a `needs`/`dependencies` naming no job. */
export function gitlabJobErrors(pipeline: Record<string, any>): string[] {
  const errors: string[] = [];
  const keys = Object.keys(pipeline);
  // Hidden jobs (".name") are templates and run nothing.
  const jobs = keys.filter((k) => !(GITLAB_GLOBAL_KEYWORDS as readonly string[]).includes(k) && !k.startsWith("."));
  for (const key of keys) {
    const value = pipeline[key];
    const looksLikeJob = value !== null && typeof value === "object" && !Array.isArray(value) && ("script" in value || "stage" in value || "trigger" in value);
    if ((GITLAB_GLOBAL_KEYWORDS as readonly string[]).includes(key) && looksLikeJob) errors.push(`"${key}" is a GitLab keyword, not a job name: GitLab reads it as the global ${key} setting`);
    if (SPECIAL_JOBS.includes(key)) errors.push(`"${key}" is a special job name (GitLab Pages)`);
  }
  for (const job of jobs) {
    const spec = pipeline[job];
    if (spec === null || typeof spec !== "object") continue;
    const named = [...(Array.isArray(spec.needs) ? spec.needs : []), ...(Array.isArray(spec.dependencies) ? spec.dependencies : [])].map((n: unknown) =>
      typeof n === "string" ? n : (n as { job?: string }).job,
    );
    for (const n of named) if (n !== undefined && !jobs.includes(n)) errors.push(`${job}: needs or dependencies names "${n}", which is not a job`);
    if (typeof spec.stage === "string" && Array.isArray(pipeline.stages) && !pipeline.stages.includes(spec.stage)) errors.push(`${job}: stage ${spec.stage} is not in stages`);
  }
  return errors;
}
