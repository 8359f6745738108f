import { access } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * The root of the git repository holding `dir`: the nearest directory, `dir` or above, with a
 * `.git` (a directory, or a file in a worktree or submodule), as `git rev-parse --show-toplevel`
 * finds it but without needing git. Undefined outside a repository.
 */
export async function repositoryRoot(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await access(join(d, ".git"));
      return d;
    } catch {
      if (dirname(d) === d) return undefined;
    }
  }
}
