/**
 * Starts `go build` before slimgo has loaded: the compile is most of a warm rebuild, and Node's
 * module loading, the module analysis and the git and `go env` lookups (about 100 ms together)
 * can run while it compiles instead of before it.
 *
 * The bin script calls `speculate()` first thing for `slimgo build`. It replays the go build that
 * the last `slimgo build` in the same directory ran (recorded by `recordGoBuild`), writing to its
 * own temp path. When the pipeline reaches its go build, `claimGoBuild` compares the request with
 * what was started: the same go binary, directory, arguments and environment give the same
 * binary, so the running build is used; anything else kills it and the build runs as usual.
 * `slimgo build --watch` replays it at the first event of each save (see watch.ts's headStart).
 *
 * It runs before anything else is loaded, so it imports only Node built-ins and small modules
 * that do too (cache-dir, fsutil/atomic-write, go-output-cache).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { cacheDir } from "./cache-dir.js";
import { leftAsSeeded, seedOutput } from "./go-output-cache.js";
import { atExit } from "../fsutil/temp-cleanup.js";

/** The go build a request runs, with `OUTPUT` standing for the `-o` path. */
export interface GoBuildPlan {
  go: string;
  cwd: string;
  args: string[];
  /** Variables set on top of slimgo's own environment (CGO_ENABLED, GOOS, GOARCH, ...). */
  env: Record<string, string>;
}

export const OUTPUT = "\0output";

interface Running {
  plan: GoBuildPlan;
  dir: string;
  output: string;
  /** The inode of the last binary put at `output` for go to find (see go-output-cache.ts). */
  seeded: number | undefined;
  startedAt: number;
  result: Promise<{ code: number | null; stderr: string }>;
  child: ChildProcess;
}

let running: Running | undefined;
/** Where `slimgo build` was started; plans are kept per directory. Unset: no speculation (library use). */
let launch: { dir: string; env: NodeJS.ProcessEnv } | undefined;
let exitHandlerInstalled = false;

function planFile(launchDir: string, env: NodeJS.ProcessEnv): string {
  const key = createHash("sha256").update(launchDir).digest("hex").slice(0, 32);
  return join(cacheDir(env), "go-build-plans", `${key}.json`);
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function samePlan(a: GoBuildPlan, b: GoBuildPlan): boolean {
  const envKeys = (e: Record<string, string>) => Object.keys(e).sort();
  return a.go === b.go && a.cwd === b.cwd && sameStrings(a.args, b.args) && sameStrings(envKeys(a.env), envKeys(b.env)) && envKeys(a.env).every((k) => a.env[k] === b.env[k]);
}

/**
 * Replays the last go build of a `slimgo build` started in `launchDir`, if there is one, and
 * records this run's. `slimgo build --watch` calls it again for each save. Returns whether a
 * build was started. Never throws: a guess that fails costs nothing.
 */
export function speculate(launchDir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SLIMGO_NO_SPECULATION) return false;
  launch = { dir: launchDir, env };
  stopSpeculation();
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    // Also on Ctrl-C: the guess runs in its own process group, which the terminal's signal misses.
    atExit(stopSpeculation);
  }
  let dir: string | undefined;
  try {
    const plan = JSON.parse(readFileSync(planFile(launchDir, env), "utf8")) as GoBuildPlan;
    // Only ever `go build` with the go this slimgo would run: a plan file is not a way to start other programs.
    if (plan.go !== (env.SLIMGO_GO ?? "go") || plan.args?.[0] !== "build" || typeof plan.cwd !== "string" || !plan.args.includes(OUTPUT)) return false;
    if (typeof plan.env !== "object" || plan.env === null || !plan.args.every((a) => typeof a === "string")) return false;
    dir = mkdtempSync(join(tmpdir(), "slimgo-speculative-"));
    const output = join(dir, "binary");
    const seeded = seedOutput(plan, output, env);
    const child = spawn(plan.go, plan.args.map((a) => (a === OUTPUT ? output : a)), {
      cwd: plan.cwd,
      env: { ...env, ...plan.env },
      stdio: ["ignore", "ignore", "pipe"],
      // Its own process group, so compile and link die with it when the guess was wrong.
      detached: true,
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    // A guess must not keep slimgo alive: a build that stops early (bad flags) exits at once
    // and the exit handler kills the guess. claimGoBuild holds it again.
    child.unref();
    (child.stderr as Socket).unref();
    const result = new Promise<{ code: number | null; stderr: string }>((resolve) => {
      child.on("error", () => resolve({ code: null, stderr }));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    running = { plan, dir, output, seeded, startedAt: performance.now(), result, child };
    return true;
  } catch {
    if (dir) rmSync(dir, { recursive: true, force: true });
    running = undefined;
    return false;
  }
}

/** Kills the guess, if one is running, and removes its output. */
export function stopSpeculation(): void {
  const r = running;
  running = undefined;
  if (r) killAndRemove(r);
}

function killAndRemove(r: Running): void {
  if (r.child.exitCode === null && r.child.pid !== undefined) {
    try {
      process.kill(-r.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(r.dir, { recursive: true, force: true });
}

export interface ClaimedBuild {
  /** The build succeeded and its binary is at the path the claim asked for. */
  ok: boolean;
  stderr: string;
  /** Since the speculative build started. */
  ms: number;
  /** go found the last binary up to date and did not link. */
  upToDate: boolean;
}

/**
 * The speculative build's outcome when it ran exactly `plan`, with its binary moved to `output`;
 * undefined (and the speculation stopped) otherwise. Only the first claim can match.
 */
export async function claimGoBuild(plan: GoBuildPlan, output: string, signal?: AbortSignal): Promise<ClaimedBuild | undefined> {
  const r = running;
  if (!r) return undefined;
  if (!samePlan(r.plan, plan)) {
    stopSpeculation();
    return undefined;
  }
  running = undefined;
  // Claimed, it is this build's compile: a Ctrl-C must still reach its process group.
  const forget = atExit(() => killAndRemove(r));
  const stop = () => killAndRemove(r);
  signal?.addEventListener("abort", stop, { once: true });
  r.child.ref();
  (r.child.stderr as Socket).ref();
  const { code, stderr } = await r.result.finally(() => {
    forget();
    signal?.removeEventListener("abort", stop);
  });
  const ms = performance.now() - r.startedAt;
  try {
    // Killed by a signal or never started: say nothing of the source; build it the usual way.
    if (code === null) return undefined;
    if (code !== 0) return { ok: false, stderr, ms, upToDate: false };
    const upToDate = leftAsSeeded(r.output, r.seeded);
    renameSync(r.output, output);
    return { ok: true, stderr, ms, upToDate };
  } catch {
    // A different file system, or the file is gone: run the build normally.
    return undefined;
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
}

/** Stops a speculative build and records nothing: for builds of several binaries, which gain little. */
export function abandonGoBuild(): void {
  stopSpeculation();
  launch = undefined;
}

/** Remembers the go build this `slimgo build` ran, for the next one from the same directory. */
export async function recordGoBuild(plan: GoBuildPlan): Promise<void> {
  if (!launch) return;
  const file = planFile(launch.dir, launch.env);
  try {
    const previous = JSON.parse(readFileSync(file, "utf8")) as GoBuildPlan;
    if (samePlan(previous, plan)) return;
  } catch {
    // first build from here
  }
  try {
    // Private to the user: the plan holds the go build's environment (GOFLAGS, GOPRIVATE, ...).
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    await writeFilesAtomically([{ path: file, content: JSON.stringify(plan), mode: 0o600 }]);
  } catch {
    // A cache that cannot be written only costs the head start.
  }
}
