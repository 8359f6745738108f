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
    if ("rules" in spec) errors.push(...ruleErrors(spec.rules).map((e) => `${job}: ${e}`));
  }
  return errors;
}

/** The keys a rule takes (GitLab's CI/CD YAML reference, `rules`). */
const RULE_KEYS = ["if", "changes", "exists", "when", "allow_failure", "variables", "needs", "interruptible", "start_in"];

function ruleErrors(rules: unknown): string[] {
  if (!Array.isArray(rules)) return ["rules is not a list"];
  const errors: string[] = [];
  for (const [i, rule] of rules.entries()) {
    if (rule === null || typeof rule !== "object" || Array.isArray(rule)) {
      errors.push(`rules[${i}] is not a mapping`);
      continue;
    }
    for (const key of Object.keys(rule)) if (!RULE_KEYS.includes(key)) errors.push(`rules[${i}] has the unknown key ${key}`);
    if ("if" in rule && typeof rule.if !== "string") errors.push(`rules[${i}].if is not a string`);
    if ("changes" in rule && !changesPaths(rule.changes)) errors.push(`rules[${i}].changes is neither a list of paths nor paths: with compare_to:`);
  }
  return errors;
}

/** rules:changes as its list of paths: the list itself, or its `paths:` (beside `compare_to:`). */
function changesPaths(changes: unknown): string[] | undefined {
  const list = (v: unknown) => (Array.isArray(v) && v.every((p) => typeof p === "string") ? (v as string[]) : undefined);
  if (Array.isArray(changes)) return list(changes);
  if (changes === null || typeof changes !== "object") return undefined;
  const { paths, compare_to, ...other } = changes as Record<string, unknown>;
  return Object.keys(other).length === 0 && (compare_to === undefined || typeof compare_to === "string") ? list(paths) : undefined;
}

/**
 * A pipeline GitLab creates on a push: a tag or a branch, and the files the push changed (undefined:
 * GitLab compares with nothing and counts every file as changed, as for a new branch or tag).
 */
export interface GitlabPush {
  tag?: string;
  branch?: string;
  defaultBranch: string;
  changed?: string[];
}

/**
 * The jobs GitLab adds to the pipeline of `push`, evaluating each job's rules as GitLab does: the
 * first rule whose if: and changes: both hold decides; none does, the job is left out. Understands the
 * `if:` forms the generated pipelines use ($VAR, $VAR == $VAR) and `changes:` globs (DIR/**\/* and plain paths).
 */
export function gitlabJobsRun(pipeline: Record<string, any>, push: GitlabPush): string[] {
  const variables: Record<string, string | undefined> = {
    CI_COMMIT_TAG: push.tag,
    CI_COMMIT_BRANCH: push.branch,
    CI_DEFAULT_BRANCH: push.defaultBranch,
    CI_COMMIT_REF_NAME: push.tag ?? push.branch,
  };
  const holds = (expression: string): boolean => {
    const value = (word: string) => {
      if (!word.startsWith("$")) throw new Error(`if: ${expression}: only $VARIABLE operands are understood here`);
      return variables[word.slice(1)];
    };
    const parts = expression.split(/\s*(==|!=)\s*/);
    if (parts.length === 1) return Boolean(value(parts[0]!.trim()));
    if (parts.length !== 3) throw new Error(`if: ${expression}: not understood here`);
    const equal = value(parts[0]!.trim()) === value(parts[2]!.trim());
    return parts[1] === "==" ? equal : !equal;
  };
  const matches = (glob: string, file: string): boolean => {
    if (glob.endsWith("/**/*")) return file.startsWith(glob.slice(0, -"**/*".length));
    if (/[*?[{]/.test(glob)) throw new Error(`changes: ${glob}: only DIR/**/* and plain paths are understood here`);
    return file === glob;
  };
  const changedMatch = (changes: unknown): boolean => {
    const globs = changesPaths(changes);
    if (globs === undefined) throw new Error(`changes: ${JSON.stringify(changes)} is not a list of paths`);
    return push.changed === undefined || push.changed.some((file) => globs.some((g) => matches(g, file)));
  };
  const jobs = Object.keys(pipeline).filter((k) => !(GITLAB_GLOBAL_KEYWORDS as readonly string[]).includes(k) && !k.startsWith("."));
  return jobs.filter((job) => {
    const rules = pipeline[job]?.rules as Record<string, unknown>[] | undefined;
    // A job without rules runs in every branch and tag pipeline.
    if (rules === undefined) return true;
    const rule = rules.find((r) => (r.if === undefined || holds(r.if as string)) && (r.changes === undefined || changedMatch(r.changes)));
    return rule !== undefined && rule.when !== "never";
  });
}
