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
 * Removing a temp dir once is not enough after a signal: a go told to stop still finishes the
 * compiles under way and makes their work dirs (MkdirAll recreates the removed parents), and a
 * mkdir Node had already handed to its thread pool lands after the removal. So the handler waits,
 * with the event loop blocked so no more of the build runs, for the stopped processes to exit,
 * then runs the cleanups marked `again` a second time.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { isRunning } from "./process-state.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** How long a signal waits for stopped processes (a go finishing its compiles) before removing anyway. */
const STOP_WAIT_MS = 5000;
/** Long enough for file operations already in Node's thread pool to land. */
const SETTLE_MS = 20;

const cleanups = new Map<() => void, { again: boolean }>();
const stopping = new Set<number>();
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

function waitForStopped(): void {
  const pids = [...stopping];
  const deadline = Date.now() + STOP_WAIT_MS;
  while (pids.some(isRunning) && Date.now() < deadline) sleepSync(10);
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
  stopping.add(pid);
  return () => {
    stopping.delete(pid);
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
