/**
 * The last binary each program's go build wrote, kept so that the next build starts from it: go
 * build reads the build ID of the file already at `-o`, and when it is the one this build would
 * give it does not link again (a rebuild of unchanged source takes about 80 ms instead of 280 ms
 * for the example service). go decides by the build ID, so a kept binary of other flags or
 * source is simply replaced. One file per go binary, directory, package and platform.
 *
 * speculation.ts uses it before anything else is loaded, so it imports only Node built-ins and
 * cache-dir.
 */
import { createHash } from "node:crypto";
import { copyFileSync, linkSync, mkdirSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./cache-dir.js";
import type { GoBuildPlan } from "./go-build-plan.js";

/** Where the program's last binary is kept. */
export function keptPath(plan: GoBuildPlan, env: NodeJS.ProcessEnv): string {
  const what = [plan.go, plan.cwd, plan.args.at(-1) ?? "", plan.env.GOOS ?? "", plan.env.GOARCH ?? "", plan.env.GOARM ?? "", ...(plan.env.GOAMD64 ? [plan.env.GOAMD64] : [])];
  return join(cacheDir(env), "go-binaries", createHash("sha256").update(JSON.stringify(what)).digest("hex").slice(0, 32));
}

/** A hard link where the file system allows one, else a copy. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * Puts the program's last binary at `output` (which must not exist yet) for go build to find.
 * Returns its inode, to tell afterwards whether go left it as it was; undefined when there is none.
 */
export function seedOutput(plan: GoBuildPlan, output: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  try {
    const kept = keptPath(plan, env);
    linkOrCopy(kept, output);
    // A use: the cache is pruned least recently used first (layer-cache.ts pruneBuildCache).
    const now = new Date();
    utimesSync(kept, now, now);
    return statSync(output).ino;
  } catch {
    return undefined;
  }
}

/** True when go build found the seeded binary up to date and did not write another. */
export function leftAsSeeded(output: string, seeded: number | undefined): boolean {
  return seeded !== undefined && statSync(output, { throwIfNoEntry: false })?.ino === seeded;
}

/** Keeps `output` as the program's last binary. A cache that cannot be written only costs a link next time. */
export function keepOutput(plan: GoBuildPlan, output: string, env: NodeJS.ProcessEnv = process.env): void {
  const kept = keptPath(plan, env);
  const temp = `${kept}.${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    mkdirSync(join(cacheDir(env), "go-binaries"), { recursive: true });
    linkOrCopy(output, temp);
    renameSync(temp, kept);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // A file in the cache's place (ENOTDIR): there is no temp file to remove.
    }
  }
}
