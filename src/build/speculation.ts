/**
 * Starts `go build` before slimgo has loaded: the compile is most of a warm rebuild, and Node's
 * module loading, the module analysis and the git and `go env` lookups (about 100 ms together)
 * can run while it compiles instead of before it.
 *
 * The last `slimgo build` in a directory records its go build (go-build-plan.ts). The next one
 * replays it, writing to its own temp path: bin/slimgo.js's sh prelude starts it before Node
 * starts, and hands it over in SLIMGO_LAUNCHED_GO_BUILD; where the prelude did not (no sh or
 * setsid, or slimgo run as `node bin/slimgo.js`), `speculate()` starts it first thing. When the
 * pipeline reaches its go build, `claimGoBuild` compares the request with what was started: the
 * same go binary, directory, arguments and environment give the same binary, so the running
 * build is used; anything else kills it and the build runs as usual. `slimgo build --watch`
 * replays it at the first event of each save (see watch.ts's headStart).
 *
 * It runs before anything else is loaded, so it imports only Node built-ins and small modules
 * that do too (cache-dir, go-build-plan, go-output-cache, fsutil/atomic-write, fsutil/temp-cleanup,
 * fsutil/process-state).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, watch, type FSWatcher } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { formatPlan, OUTPUT, parsePlan, planFile, replayedGo, type GoBuildPlan } from "./go-build-plan.js";
import { keptPath, leftAsSeeded, seedOutput } from "./go-output-cache.js";
import { isRunning } from "../fsutil/process-state.js";
import { atExit, awaitOnSignal, removeAtExit } from "../fsutil/temp-cleanup.js";

export { OUTPUT, type GoBuildPlan } from "./go-build-plan.js";

interface Running {
  /** What runs; undefined when it cannot be told (then it is not used). */
  plan(): GoBuildPlan | undefined;
  dir: string;
  output: string;
  /** The inode of the last binary put at `output` for go to find (see go-output-cache.ts). */
  seeded(): number | undefined;
  startedAt: number;
  /** Settles when go has exited; code null when it was killed or never ran. */
  result: Promise<{ code: number | null; stderr: string }>;
  /** Whether `result` keeps Node running: not while the build is only a guess. */
  hold(held: boolean): void;
  /** Kills go and everything it started. */
  kill(): void;
  /** Ends what a signal does for this guess (see cleanUpOnSignal), once its dir is removed. */
  release(): void;
}

/**
 * Until the returned function is called: a signal waits for the guess's process group leader to
 * end and removes its dir once more, as a go killed mid-MkdirAll may have made part of it again.
 */
function cleanUpOnSignal(pid: number | undefined, dir: string): () => void {
  const forgetWait = pid === undefined ? () => undefined : awaitOnSignal(pid);
  const forgetRemoval = removeAtExit(dir);
  return () => {
    forgetWait();
    forgetRemoval();
  };
}

let running: Running | undefined;
/** Where `slimgo build` was started; plans are kept per directory. Unset: no speculation (library use). */
let launch: { dir: string; env: NodeJS.ProcessEnv } | undefined;
let exitHandlerInstalled = false;

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function samePlan(a: GoBuildPlan, b: GoBuildPlan): boolean {
  const envKeys = (e: Record<string, string>) => Object.keys(e).sort();
  return a.go === b.go && a.cwd === b.cwd && sameStrings(a.args, b.args) && sameStrings(envKeys(a.env), envKeys(b.env)) && envKeys(a.env).every((k) => a.env[k] === b.env[k]);
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Replays the last go build of a `slimgo build` started in `launchDir`, if there is one (or takes
 * over the one bin/slimgo.js's sh prelude started). `slimgo build --watch` calls it again for
 * each save. Returns whether a build was started. Never throws: a guess that fails costs nothing.
 */
export function speculate(launchDir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const launched = env.SLIMGO_LAUNCHED_GO_BUILD;
  // Not for the go builds and slimgo processes this one starts.
  delete env.SLIMGO_LAUNCHED_GO_BUILD;
  if (env.SLIMGO_NO_SPECULATION) return false;
  launch = { dir: launchDir, env };
  stopSpeculation();
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    // Also on Ctrl-C: the guess runs in its own process group, which the terminal's signal misses.
    atExit(stopSpeculation);
  }
  if (launched !== undefined) {
    running = takeOver(launched, env);
    if (running) return true;
  }
  let dir: string | undefined;
  try {
    const read = parsePlan(readFileSync(planFile(launchDir, env), "utf8"), replayedGo(env));
    if (!read) return false;
    const { plan } = read;
    dir = mkdtempSync(join(tmpdir(), "slimgo-speculative-"));
    const output = join(dir, "binary");
    const seeded = seedOutput(plan, output, env);
    // go's own work dir inside ours, which is removed however slimgo ends (a stopped go leaves it).
    const goTmp = join(dir, "gotmp");
    mkdirSync(goTmp);
    const child = spawn(plan.go, plan.args.map((a) => (a === OUTPUT ? output : a)), {
      cwd: plan.cwd,
      env: { GOTMPDIR: goTmp, ...env, ...plan.env },
      stdio: ["ignore", "ignore", "pipe"],
      // Its own process group, so compile and link die with it when the guess was wrong.
      detached: true,
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const result = new Promise<{ code: number | null; stderr: string }>((resolve) => {
      child.on("error", () => resolve({ code: null, stderr }));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    const hold = (held: boolean) => {
      for (const handle of [child, child.stderr as Socket]) {
        if (held) handle.ref();
        else handle.unref();
      }
    };
    // A guess must not keep slimgo alive: a build that stops early (bad flags) exits at once
    // and the exit handler kills the guess. claimGoBuild holds it again.
    hold(false);
    const release = cleanUpOnSignal(child.pid, dir);
    running = { plan: () => plan, dir, output, seeded: () => seeded, startedAt: performance.now(), result, hold, kill: () => child.exitCode === null && killGroup(child.pid), release };
    return true;
  } catch {
    if (dir) rmSync(dir, { recursive: true, force: true });
    running = undefined;
    return false;
  }
}

/**
 * The go build bin/slimgo.js's sh prelude started, from `PID:DIR`: PID leads its process group,
 * and DIR holds the plan it ran, go's output and stderr, and its exit status once it has ended.
 */
function takeOver(launched: string, env: NodeJS.ProcessEnv): Running | undefined {
  const m = /^(\d+):(\/.+)$/.exec(launched);
  const pid = m ? Number(m[1]) : NaN;
  const dir = m?.[2];
  // Only a directory the prelude makes is ever removed here.
  if (!dir || !(pid > 1) || !basename(dir).startsWith("slimgo-speculative-")) return undefined;
  let ended = false;
  let held = false;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const result = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    let settled = false;
    const settle = (outcome: { code: number | null; stderr: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      watcher?.close();
      resolve(outcome);
    };
    const check = () => {
      if (settled) return;
      let status = "";
      // existsSync first: a failed read would build an error object each time.
      if (existsSync(join(dir, "status"))) {
        try {
          status = readFileSync(join(dir, "status"), "utf8");
        } catch {
          // removed meanwhile
        }
      }
      if (/^\d+\n$/.test(status)) {
        ended = true;
        const code = Number(status.trim());
        let stderr = "";
        try {
          stderr = readFileSync(join(dir, "stderr"), "utf8");
        } catch {
          // nothing said
        }
        // 126/127: go did not start; 128+n: killed by a signal. The claim then builds as usual.
        settle({ code: code >= 126 ? null : code, stderr });
      }
    };
    // The status file's creation and write wake Node (inotify); checking every 2 ms instead cost
    // the compile beside it about 40 ms, on two CPUs. The timer is the fallback and notices an
    // sh killed before writing a status, which would otherwise be waited for forever (go may
    // still run in the group, so it is not `ended`: kill() stops it).
    try {
      // Not for each write of go's binary into the same directory.
      watcher = watch(dir, { persistent: false }, (_event, name) => (name === null || name === "status") && check());
      watcher.on("error", () => undefined);
    } catch {
      watcher = undefined;
    }
    const interval = watcher ? 50 : 2;
    let polls = 0;
    const poll = () => {
      check();
      if (settled) return;
      if (++polls % Math.ceil(50 / interval) === 0 && !isRunning(pid) && !existsSync(join(dir, "status"))) return settle({ code: null, stderr: "" });
      timer = setTimeout(poll, interval);
      if (!held) timer.unref();
    };
    poll();
  });
  const read = () => {
    try {
      return parsePlan(readFileSync(join(dir, "plan"), "utf8"), replayedGo(env));
    } catch {
      return undefined;
    }
  };
  return {
    plan: () => read()?.plan,
    dir,
    output: join(dir, "binary"),
    seeded: () => {
      const kept = read()?.kept;
      if (kept === undefined) return undefined;
      try {
        const now = new Date();
        // A use: the cache is pruned least recently used first (layer-cache.ts pruneBuildCache).
        utimesSync(kept, now, now);
        return statSync(kept).ino;
      } catch {
        return undefined;
      }
    },
    startedAt: 0,
    result,
    hold: (h) => {
      held = h;
      if (h) timer?.ref();
      else timer?.unref();
    },
    kill: () => {
      if (!ended) killGroup(pid);
    },
    release: cleanUpOnSignal(pid, dir),
  };
}

/** Kills the guess, if one is running, and removes its output. */
export function stopSpeculation(): void {
  const r = running;
  running = undefined;
  if (r) killAndRemove(r);
}

function killAndRemove(r: Running): void {
  r.kill();
  rmSync(r.dir, { recursive: true, force: true });
  r.release();
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
  const ran = r.plan();
  if (!ran || !samePlan(ran, plan)) {
    stopSpeculation();
    return undefined;
  }
  running = undefined;
  // Claimed, it is this build's compile: a Ctrl-C must still reach its process group.
  const forget = atExit(() => killAndRemove(r));
  const stop = () => killAndRemove(r);
  signal?.addEventListener("abort", stop, { once: true });
  r.hold(true);
  const { code, stderr } = await r.result.finally(() => {
    forget();
    signal?.removeEventListener("abort", stop);
  });
  const ms = performance.now() - r.startedAt;
  try {
    // Killed by a signal or never started: say nothing of the source; build it the usual way, once
    // whatever is left of it (a compile whose go died) has stopped.
    if (code === null) {
      r.kill();
      return undefined;
    }
    if (code !== 0) return { ok: false, stderr, ms, upToDate: false };
    const upToDate = leftAsSeeded(r.output, r.seeded());
    renameSync(r.output, output);
    return { ok: true, stderr, ms, upToDate };
  } catch {
    // A different file system, or the file is gone: run the build normally.
    return undefined;
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
    r.release();
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
  const content = formatPlan(plan, keptPath(plan, launch.env));
  if (content === undefined) {
    // Not replayable: the last plan must not be replayed instead.
    rmSync(file, { force: true });
    return;
  }
  try {
    if (readFileSync(file, "utf8") === content) return;
  } catch {
    // first build from here
  }
  try {
    // Private to the user: the plan holds the go build's environment (GOFLAGS, GOPRIVATE, ...).
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    await writeFilesAtomically([{ path: file, content, mode: 0o600 }]);
  } catch {
    // A cache that cannot be written only costs the head start.
  }
}
