import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The branch a pipeline should build on push: the remote's default branch (origin/HEAD), else the
 * branch checked out, else "main" outside git.
 */
export async function defaultBranch(dir: string): Promise<string> {
  const ref = async (name: string) => {
    try {
      return (await run("git", ["-C", dir, "symbolic-ref", "--quiet", "--short", name], { timeout: 10_000 })).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const remote = await ref("refs/remotes/origin/HEAD");
  if (remote) return remote.replace(/^origin\//, "");
  return (await ref("HEAD")) ?? "main";
}
