import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { reasonFor } from "../fsutil/output-path.js";
import { removeAtExit } from "../fsutil/temp-cleanup.js";

/** The cache configured unusable, and the temp directory this process uses in its place. */
let replaced: { configured: string; temp: string } | undefined;

/** `$SLIMGO_CACHE_DIR`, else `$XDG_CACHE_HOME/slimgo`, else `~/.cache/slimgo` (unless useWritableCacheDir replaced it). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = configuredCacheDir(env);
  return replaced?.configured === configured ? replaced.temp : configured;
}

function configuredCacheDir(env: NodeJS.ProcessEnv): string {
  return env.SLIMGO_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "slimgo");
}

/**
 * The directories slimgo keeps under the cache, each made by the module that fills it: blobs,
 * layers and gzip-blocks (layer-cache.ts, gzip-block-cache.ts), go-binaries (go-output-cache.ts),
 * go-toolchains (go-toolchain.ts), go-build-plans (go-build-plan.ts), go-build (go's build cache
 * when go cannot keep its own, see goCacheInstead in go-build.ts), zoneinfo (go-zoneinfo.ts),
 * health-probes (go-build.ts), dependency-scans (analysis/dependency-scan-store.ts), base-files
 * (base-files.ts). A new one
 * belongs here too.
 */
export const CACHE_SUBDIRECTORIES = [
  "blobs",
  "layers",
  "gzip-blocks",
  "gzip-blocks/blobs",
  "go-binaries",
  "go-toolchains",
  "go-build-plans",
  "zoneinfo",
  "health-probes",
  "dependency-scans",
  "base-files",
  "go-build",
] as const;

/**
 * Makes sure the cache directory can be written. When it cannot (a file in the way, of the cache
 * or of one of its CACHE_SUBDIRECTORIES, no permission, a read-only file system), this process
 * keeps its cache in a temp directory removed at exit instead, and the returned warning says so
 * (once): the build runs, but reuses nothing and keeps nothing for the next one. Creating a file
 * is the test, as permission bits do not bind root.
 */
export function useWritableCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = configuredCacheDir(env);
  if (replaced?.configured === configured) return undefined;
  const problem = writeProblem(configured);
  if (problem === undefined) return undefined;
  const temp = mkdtempSync(join(tmpdir(), "slimgo-cache-"));
  removeAtExit(temp);
  replaced = { configured, temp };
  const setting = env.SLIMGO_CACHE_DIR !== undefined ? "SLIMGO_CACHE_DIR" : env.XDG_CACHE_HOME !== undefined ? "XDG_CACHE_HOME" : "HOME";
  const named = setting === "SLIMGO_CACHE_DIR" ? `SLIMGO_CACHE_DIR=${configured}` : `the cache directory ${configured} (from $${setting})`;
  return `${named} cannot be used: ${problem}; building without the cache (nothing is reused from it or kept for the next build): set SLIMGO_CACHE_DIR to a directory you can write`;
}

function writeProblem(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.slimgo-write-check-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (err) {
    let isFile = false;
    try {
      isFile = statSync(dir).isFile();
    } catch {
      // Not there: the error says why.
    }
    return isFile ? "it is a file, not a directory" : reasonFor(err as NodeJS.ErrnoException);
  }
  for (const name of CACHE_SUBDIRECTORIES) {
    const problem = subdirectoryProblem(join(dir, name));
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** What is wrong with a subdirectory the cache has already (a missing one is made when needed). */
function subdirectoryProblem(path: string): string | undefined {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info === undefined) return undefined;
  if (!info.isDirectory()) return `${path} is a file, not a directory`;
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    return `${path}: ${reasonFor(err as NodeJS.ErrnoException)}`;
  }
}
