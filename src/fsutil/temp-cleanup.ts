/**
 * Cleanup that must happen however the process ends. Node runs no "exit" handlers when the process
 * dies of a signal, so a Ctrl-C would otherwise leave temp dirs in /tmp, partial blobs in the layer
 * cache and temp files beside an output, and a speculative `go build` (its own process group, out
 * of the terminal's reach) running on.
 *
 * On SIGINT, SIGTERM or SIGHUP, every registered cleanup runs, then the process dies of the same
 * signal (exit code 128+n, as without a handler). A command that handles the signal itself (`build
 * --watch` finishes its build first) has its own listener, and then this one stands aside: that
 * command ends with an ordinary exit, which runs the cleanups.
 *
 * Removing a temp dir once is not enough after a signal: what slimgo stopped writes into it until
 * it has exited (a go build's compile, asm and link; a go killed mid-MkdirAll), and a mkdir Node
 * had already handed to its thread pool lands after the removal. So the handler waits, with the
 * event loop blocked so no more of the build runs, for the stopped processes (for a go build, its
 * whole process group) to exit, then runs the cleanups marked `again` a second time.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { groupRunning, isRunning } from "./process-state.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** How long a signal waits for stopped processes (a go finishing its compiles) before removing anyway. */
const STOP_WAIT_MS = 5000;
/** Long enough for file operations already in Node's thread pool to land. */
const SETTLE_MS = 20;
/** How often a wait for stopped processes looks again. */
const POLL_MS = 10;

const cleanups = new Map<() => void, { again: boolean }>();
/** What slimgo stopped: after a signal, `stillRuns` is polled until it answers false; `kill` ends it when the wait is over. */
interface Stopped {
  stillRuns(): boolean;
  kill?(): void;
}
const stopping = new Set<Stopped>();
/** After STOP_WAIT_MS, how long what was killed gets to be gone. */
const KILL_WAIT_MS = 1000;
let installed = false;

/** In the order registered: a cleanup may rely on running before a later one (oci-layout.ts's blobs before its lock). */
function runAll(): Array<() => void> {
  const ran = [...cleanups];
  cleanups.clear();
  for (const [cleanup] of ran) runQuietly(cleanup);
  return ran.filter(([, o]) => o.again).map(([cleanup]) => cleanup);
}

function runQuietly(cleanup: () => void): void {
  try {
    cleanup();
  } catch {
    // The others still run: each is best effort.
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function waitUntilStopped(stopped: Stopped[], ms: number): Stopped[] {
  const deadline = Date.now() + ms;
  let running = stopped.filter((s) => s.stillRuns());
  while (running.length > 0 && Date.now() < deadline) {
    sleepSync(POLL_MS);
    running = running.filter((s) => s.stillRuns());
  }
  return running;
}

/** A group that ignores the stop signal (a -toolexec program may) would write on after the removal: it is killed. */
function waitForStopped(): void {
  const left = waitUntilStopped([...stopping], STOP_WAIT_MS).filter((s) => s.kill !== undefined);
  for (const s of left) runQuietly(() => s.kill!());
  waitUntilStopped(left, KILL_WAIT_MS);
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  const again = runAll();
  waitForStopped();
  sleepSync(SETTLE_MS);
  for (const cleanup of again) runQuietly(cleanup);
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once("exit", runAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

/**
 * Runs `cleanup` (synchronous, best effort) when the process ends, unless the returned function is
 * called first. `again`: after a signal it also runs once more, after stopped processes have exited;
 * only for a cleanup that harms nothing when repeated (removing a path no other process can have
 * made since), never for releasing a lock.
 */
export function atExit(cleanup: () => void, options: { again?: boolean } = {}): () => void {
  install();
  cleanups.set(cleanup, { again: options.again ?? false });
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Removes `path`, a file or directory tree with a name only this process uses, when the process ends, unless the returned function is called first. */
export function removeAtExit(path: string): () => void {
  return atExit(() => rmSync(path, { recursive: true, force: true }), { again: true });
}

/** After a signal, waits for process `pid` (stopped by a cleanup) to exit before removals run again; until the returned function is called. */
export function awaitOnSignal(pid: number): () => void {
  return awaitStopped({ stillRuns: () => isRunning(pid) });
}

function awaitStopped(stopped: Stopped): () => void {
  stopping.add(stopped);
  return () => {
    stopping.delete(stopped);
  };
}

/** Sends `signal` to `child` if this process ends while the child still runs (a go build, a podman load). */
export function stopAtExit(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  const forgetStop = atExit(() => child.kill(signal));
  const forgetWait = child.pid === undefined ? () => undefined : awaitOnSignal(child.pid);
  const forget = () => {
    forgetStop();
    forgetWait();
  };
  child.once("exit", forget);
  child.once("error", forget);
}

/**
 * Sends `signal` to process group `pgid` (a child spawned `detached`, and all it started) if this
 * process ends while any of the group runs; after a signal, waits for the whole group to exit
 * before removals run again, and kills what still runs after STOP_WAIT_MS. Until the returned
 * function is called.
 */
export function stopGroupAtExit(pgid: number, signal: NodeJS.Signals): () => void {
  const forgetStop = atExit(() => signalGroup(pgid, signal));
  const forgetWait = awaitStopped({ stillRuns: () => groupRunning(pgid), kill: () => signalGroup(pgid, "SIGKILL") });
  return () => {
    forgetStop();
    forgetWait();
  };
}

/** Sends `signal` to process group `pgid` while any of it runs (a group that has ended may have had its number taken since). */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (!groupRunning(pgid)) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // It ended meanwhile.
  }
}

/**
 * Resolves once no process of group `pgid` (stopped by the caller) runs. A group still running after
 * STOP_WAIT_MS (a -toolexec program may ignore SIGINT) is killed, and waited for KILL_WAIT_MS more:
 * the same limits as after a signal, without blocking the event loop.
 */
export async function groupStopped(pgid: number): Promise<void> {
  const killAt = Date.now() + STOP_WAIT_MS;
  const giveUpAt = killAt + KILL_WAIT_MS;
  let killed = false;
  while (groupRunning(pgid) && Date.now() < giveUpAt) {
    if (!killed && Date.now() > killAt) {
      signalGroup(pgid, "SIGKILL");
      killed = true;
    }
    await sleep(POLL_MS);
  }
}
