import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { inputError } from "../errors.js";

const run = promisify(execFile);

export interface VersionInfo {
  version: string;
  /** Full commit hash, or "unknown" outside git. */
  commit: string;
  /** RFC 3339 time for the image's `created`: SOURCE_DATE_EPOCH, else the last commit's time, else the epoch. */
  created: string;
  /** https URL of the repository when git has an origin. */
  source?: string;
  /**
   * The repository git refuses to read because another user owns it ("dubious ownership", as in CI
   * containers): go build's VCS stamping fails there too.
   */
  refusedRepository?: string;
}

interface GitFacts {
  /** What tells that HEAD (or its dirtiness) moved: `git describe --dirty`'s output, or HEAD's hash with an explicit version. */
  probe?: string;
  commit?: string;
  commitTime?: string;
  origin?: string;
}

/** The last lookup per directory and settings: a watch loop's rebuilds run one git command, not four. */
const lastLookup = new Map<string, GitFacts>();

export async function readVersionInfo(dir: string, explicitVersion?: string, env: NodeJS.ProcessEnv = process.env): Promise<VersionInfo> {
  const fixedTime = sourceDateEpoch(env);
  const top = repositoryTop(dir, env);
  const inGit = top !== undefined;
  let refusedRepository: string | undefined;
  const git = async (...args: string[]) => {
    if (!inGit) return undefined;
    try {
      return (await run("git", ["-C", dir, ...args], { timeout: 10_000, env })).stdout.trim();
    } catch (err) {
      const refused = /dubious ownership in repository at '([^']+)'/.exec(String((err as { stderr?: unknown }).stderr ?? ""));
      if (refused) refusedRepository = refused[1];
      return undefined;
    }
  };
  const lookUp = async (probe: Promise<string | undefined>): Promise<GitFacts> => {
    const [p, head, origin] = await Promise.all([probe, git("log", "-1", "--format=%H %ct"), git("remote", "get-url", "origin")]);
    const [commit, commitTime] = head?.split(" ") ?? [];
    return { probe: p, commit, commitTime, origin };
  };
  const memoKey = JSON.stringify([dir, explicitVersion ?? null]);
  const probe = explicitVersion ? git("rev-parse", "HEAD") : describe(git, top === "" ? "" : relative(top ?? dir, resolve(dir)));
  const last = lastLookup.get(memoKey);
  // The same describe output (or HEAD) means the same commit: its hash, time and remote are known.
  // (Outside git the probe fails every time, and there is nothing more to learn.)
  const facts = last !== undefined && last.probe === (await probe) ? last : await lookUp(probe);
  lastLookup.set(memoKey, facts);
  const probed = facts.probe;
  const commitTime = Number(facts.commitTime ?? 0);
  const seconds = fixedTime ?? (Number.isFinite(commitTime) ? commitTime : 0);
  const created = new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
  const info: VersionInfo = { version: explicitVersion ?? (probed || undefined) ?? "dev", commit: facts.commit || "unknown", created };
  const source = facts.origin ? httpsUrlOf(facts.origin) : undefined;
  if (source) info.source = source;
  if (refusedRepository !== undefined) info.refusedRepository = refusedRepository;
  return info;
}

/** The last second RFC 3339 writes with a four-digit year: 9999-12-31T23:59:59Z. */
const LAST_SECOND = 253402300799;

/**
 * SOURCE_DATE_EPOCH in seconds; undefined when it is unset or empty. Anything but a whole number of
 * seconds up to the year 9999 is an error: ignored, it would give an image another build's time.
 */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value) && Number(value) <= LAST_SECOND) return Number(value);
  throw inputError(
    `SOURCE_DATE_EPOCH=${value} is not a time slimgo can use: give a whole number of seconds since 1970-01-01 UTC from 0 to ${LAST_SECOND} (the year 9999), e.g. $(git log -1 --format=%ct), or unset it for the last commit's time`,
  );
}

/**
 * `git describe` for the module in `prefix` of the repository ("" at its top). Go names a version
 * of a module in a subdirectory by a tag with its path (`services/api/v1.2.0`, as go get resolves
 * it): such a tag is taken first, without the path. Otherwise, the nearest tag that is not another
 * module's (`tools/v0.3.0`): a repository tagged `v1.2.0` as a whole names its subdirectory's
 * module's version too.
 */
async function describe(git: (...args: string[]) => Promise<string | undefined>, prefix: string): Promise<string | undefined> {
  const describeTags = ["describe", "--tags", "--always", "--dirty"];
  if (prefix !== "" && !prefix.startsWith("..")) {
    const own = await git(...describeTags, "--match", `${prefix}/v[0-9]*`);
    if (own?.startsWith(`${prefix}/`)) return own.slice(prefix.length + 1);
  }
  return git(...describeTags, "--exclude", "*/v[0-9]*");
}

/**
 * The top of the repository git would find for `dir`: the nearest directory with a `.git` (a
 * directory, or a worktree's or submodule's file), or "" when GIT_DIR names it (its top is not
 * known); undefined outside one, where git's lookups fail anyway (each costs a process).
 */
function repositoryTop(dir: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.GIT_DIR) return "";
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return d;
    if (dirname(d) === d) return undefined;
  }
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
