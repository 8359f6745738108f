/**
 * An exclusive lock between processes, as a file: created with O_EXCL (`wx`), holding the
 * holder's `pid@host`, removed when the holder is done, and when it ends however it ends (see
 * temp-cleanup.ts). A lock whose holder died without removing it (SIGKILL, a power cut) is stale:
 * on the same host a dead pid tells, and the next one to wait breaks it. Other processes wait,
 * polling with a short backoff.
 */
import { lstat, open, readFile, unlink } from "node:fs/promises";
import { rmSync } from "node:fs";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { inputError } from "../errors.js";
import { atExit } from "./temp-cleanup.js";

export interface LockOptions {
  /** Names what is locked in messages: "oci:out". */
  what: string;
  /** Told once when the lock has been held by another process for a while. */
  onWait?: (message: string) => void;
  /** How long to wait for a live holder before giving up; default 5 minutes. */
  timeoutMs?: number;
}

/** An empty or unreadable lock file this old is taken for a holder that died before it wrote its pid. */
const UNWRITTEN_STALE_MS = 10_000;
const WAIT_NOTICE_MS = 1_000;

/** Runs `fn` holding the lock file at `path`, and removes the lock after it (also when it throws). */
export async function withFileLock<T>(path: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await acquire(path, options);
  try {
    return await fn();
  } finally {
    await release();
  }
}

async function acquire(path: string, options: LockOptions): Promise<() => Promise<void>> {
  const me = `${process.pid}@${hostname()}`;
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  let delay = 5;
  let told = false;
  for (;;) {
    const release = await tryCreate(path, me);
    if (release) return release;
    const holder = await readHolder(path);
    if (holder === undefined) continue;
    if (isStale(holder)) {
      await breakStale(path, holder.text);
      continue;
    }
    const waited = Date.now() - started;
    const who = holder.pid !== undefined ? `process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ""}` : "another process";
    if (waited > timeoutMs) {
      throw inputError(`${options.what}: ${who} has held its lock (${path}) for ${Math.round(waited / 1000)} s: wait for it to finish, or remove the lock file if no slimgo is writing there`, { file: path });
    }
    if (!told && waited > WAIT_NOTICE_MS) {
      told = true;
      options.onWait?.(`${options.what}: waiting for ${who}, which is writing to it`);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}

/** Creates the lock; undefined when it exists already. */
async function tryCreate(path: string, me: string): Promise<(() => Promise<void>) | undefined> {
  let handle;
  try {
    handle = await open(path, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw err;
  }
  // Registered before the pid is written: an interrupt from here on removes the lock.
  // Not removed a second time after a signal (removeAtExit): by then another process may hold it.
  const forget = atExit(() => rmSync(path, { force: true }));
  try {
    await handle.writeFile(`${me}\n`);
  } catch (err) {
    await unlink(path).catch(() => undefined);
    forget();
    throw err;
  } finally {
    await handle.close();
  }
  return async () => {
    await unlink(path).catch(() => undefined);
    forget();
  };
}

interface Holder {
  text: string;
  pid?: number;
  host?: string;
  ageMs: number;
}

/** The lock's content and age; undefined when it is gone (released meanwhile). */
async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, "utf8"), lstat(path)]);
    const match = /^(\d+)@(.*)\n$/.exec(text);
    return { text, ageMs: Date.now() - info.mtimeMs, ...(match ? { pid: Number(match[1]), host: match[2] } : {}) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** A dead holder on this host, or one that never wrote its pid. Another host's pid cannot be asked. */
function isStale(holder: Holder): boolean {
  if (holder.pid === undefined) return holder.ageMs > UNWRITTEN_STALE_MS;
  return holder.host === hostname() && !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it lives, as another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes a stale lock, unless it changed since it was read: two waiters that both found it
 * stale must not have the second remove the lock the first then took. One breaks at a time, under
 * a lock of its own; a breaker only reads and removes, so one older than a few seconds died.
 */
async function breakStale(path: string, staleText: string): Promise<void> {
  const breaker = `${path}.break`;
  const release = await tryCreate(breaker, `${process.pid}@${hostname()}`);
  if (!release) {
    const other = await readHolder(breaker);
    if (other !== undefined && other.ageMs > UNWRITTEN_STALE_MS) await unlink(breaker).catch(() => undefined);
    else await sleep(5);
    return;
  }
  try {
    const now = await readFile(path, "utf8").catch(() => undefined);
    if (now === staleText) await unlink(path).catch(() => undefined);
  } finally {
    await release();
  }
}
