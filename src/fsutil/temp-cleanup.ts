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
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const cleanups = new Set<() => void>();
let installed = false;

/** In the order registered: a cleanup may rely on running before a later one (oci-layout.ts's blobs before its lock). */
function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // The others still run: each is best effort.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  runAll();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

/** Runs `cleanup` (synchronous, best effort) when the process ends, unless the returned function is called first. */
export function atExit(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once("exit", runAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Removes `path` (a file or a directory tree) when the process ends, unless the returned function is called first. */
export function removeAtExit(path: string): () => void {
  return atExit(() => rmSync(path, { recursive: true, force: true }));
}

/** Sends `signal` to `child` if this process ends while the child still runs (a go build, a podman load). */
export function stopAtExit(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  const forget = atExit(() => child.kill(signal));
  child.once("exit", forget);
  child.once("error", forget);
}
