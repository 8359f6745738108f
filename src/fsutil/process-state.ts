import { readdirSync, readFileSync } from "node:fs";

/** State and process group of `/proc/PID/stat`'s process; undefined when it is gone or there is no /proc. */
function procStat(pid: string | number): { state: string; pgid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the command's name (which may hold spaces and parentheses): state, ppid, pgrp, ...
    const [state, , pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: state ?? "", pgid: Number(pgid) };
  } catch {
    return undefined;
  }
}

const exited = (state: string) => state === "Z" || state === "X";

function signalZeroReaches(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether process `pid` runs: neither gone nor a zombie. A child Node has not reaped yet (its
 * event loop is blocked, or the child is bin/slimgo.js's sh prelude, which Node never reaps)
 * answers `kill(pid, 0)` like a running one, so Linux's /proc is asked first.
 */
export function isRunning(pid: number): boolean {
  const stat = procStat(pid);
  if (stat) return !exited(stat.state);
  return signalZeroReaches(pid);
}

/**
 * Whether any process of process group `pgid` runs (zombies aside): a go build's group holds the
 * compile, asm and link it started, which outlive a go killed by a signal.
 */
export function groupRunning(pgid: number): boolean {
  // No process at all, not even a zombie: the common answer, without reading /proc.
  if (!signalZeroReaches(-pgid)) return false;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    const stat = procStat(pid);
    return stat !== undefined && stat.pgid === pgid && !exited(stat.state);
  });
}
