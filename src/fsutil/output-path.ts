/**
 * Whether a file or directory can be written at a path: asked before a build spends its time
 * compiling, and the words for a write that failed all the same. A missing parent directory is
 * not a problem: writers create it.
 */
import { open, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { displayPath } from "./display-path.js";
import { removeAtExit } from "./temp-cleanup.js";

export type OutputKind = "file" | "directory";

/** What stands in the way of writing a `kind` at `path`, or undefined when nothing does. */
export async function outputPathProblem(path: string, kind: OutputKind): Promise<string | undefined> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => err);
  if (!(info instanceof Error)) {
    if (kind === "file" && info.isDirectory()) return "is a directory: give a file name";
    if (kind === "directory" && !info.isDirectory()) return "is a file: give a directory (it is created when missing)";
    // A file is written beside its target and renamed over it: its directory is what must be writable.
    return writeProblem(kind === "directory" ? path : dirname(resolve(path)));
  }
  if (info.code !== "ENOENT" && info.code !== "ENOTDIR") return `cannot be reached: ${reasonFor(info)}: give another path`;
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    const above = await stat(dir).catch((err: NodeJS.ErrnoException) => err);
    if (!(above instanceof Error)) {
      return above.isDirectory() ? writeProblem(dir) : `${displayPath(dir)} is a file, so no directory can be made there: give another path`;
    }
    if (above.code !== "ENOENT" && above.code !== "ENOTDIR") return `cannot be reached: ${reasonFor(above)}: give another path`;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Creating a file is the only sure test: permission bits do not bind root, and a read-only file system passes access(). */
async function writeProblem(dir: string): Promise<string | undefined> {
  const probe = join(dir, `.slimgo-write-check-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  const forget = removeAtExit(probe);
  try {
    await (await open(probe, "wx")).close();
    return undefined;
  } catch (err) {
    return `cannot write in ${displayPath(dir)}: ${reasonFor(err as NodeJS.ErrnoException)}: give a path where you can write`;
  } finally {
    await rm(probe, { force: true });
    forget();
  }
}

/** A file system error in words, with its code: "permission denied (EACCES)". */
export function reasonFor(err: NodeJS.ErrnoException): string {
  const words: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    ENOTDIR: "a part of the path is a file, not a directory",
    EISDIR: "it is a directory",
    ENOENT: "a directory on the way is missing",
    EEXIST: "something else is already there",
  };
  const said = err.code ? words[err.code] : undefined;
  return said ? `${said} (${err.code})` : err.message;
}

/** Whether `err` is a failed file system call (it has an errno code), not a bug or a user error of ours. */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === "string" && typeof (err as NodeJS.ErrnoException).syscall === "string";
}
