import { readFileSync } from "node:fs";

/**
 * Whether process `pid` runs: neither gone nor a zombie. A child Node has not reaped yet (its
 * event loop is blocked, or the child is bin/slimgo.js's sh prelude, which Node never reaps)
 * answers `kill(pid, 0)` like a running one, so Linux's /proc is asked first.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
