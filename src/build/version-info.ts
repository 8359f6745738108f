import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface VersionInfo {
  version: string;
  /** Full commit hash, or "unknown" outside git. */
  commit: string;
  /** RFC 3339 time for the image's `created`: SOURCE_DATE_EPOCH, else the last commit's time, else the epoch. */
  created: string;
  /** https URL of the repository when git has an origin. */
  source?: string;
}

export async function readVersionInfo(dir: string, explicitVersion?: string, env: NodeJS.ProcessEnv = process.env): Promise<VersionInfo> {
  const git = async (...args: string[]) => {
    try {
      return (await run("git", ["-C", dir, ...args], { timeout: 10_000 })).stdout.trim();
    } catch {
      return undefined;
    }
  };
  const [describe, commit, commitTime, origin] = await Promise.all([
    explicitVersion ? Promise.resolve(undefined) : git("describe", "--tags", "--always", "--dirty"),
    git("rev-parse", "HEAD"),
    env.SOURCE_DATE_EPOCH ? Promise.resolve(undefined) : git("log", "-1", "--format=%ct"),
    git("remote", "get-url", "origin"),
  ]);
  const epoch = env.SOURCE_DATE_EPOCH ?? commitTime ?? "0";
  const seconds = Number(epoch);
  const created = new Date((Number.isFinite(seconds) ? seconds : 0) * 1000).toISOString().replace(/\.000Z$/, "Z");
  const info: VersionInfo = { version: explicitVersion ?? describe ?? "dev", commit: commit ?? "unknown", created };
  const source = origin ? httpsUrlOf(origin) : undefined;
  if (source) info.source = source;
  return info;
}

/** git@github.com:org/repo.git or https://user:token@host/org/repo.git → https://host/org/repo (no credentials). */
export function httpsUrlOf(remote: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(\.git)?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(remote);
    if (url.protocol !== "https:" && url.protocol !== "http:" && url.protocol !== "ssh:") return undefined;
    return `https://${url.hostname}${url.pathname.replace(/\.git$/, "")}`;
  } catch {
    return undefined;
  }
}
