import { link, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, basename } from "node:path";
import { removeAtExit } from "./temp-cleanup.js";

/** A name beside `path` for writing it aside: hidden, and unique to this process and call. */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.slimgo-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
}

/**
 * Writes several files so that either all of them appear or none does: each is written
 * beside its target under a temporary name, and only when every write succeeded are they
 * renamed into place. When a rename fails (a read-only or immutable file), the files already
 * renamed get their earlier content back (kept as hard links until the end) or are removed.
 */
export async function writeFilesAtomically(files: { path: string; content: string | Uint8Array; mode?: number }[]): Promise<void> {
  const staged: { tmp: string; path: string; backup?: string; forget: () => void }[] = [];
  const placed: typeof staged = [];
  try {
    for (const f of files) {
      const tmp = tempPathBeside(f.path);
      staged.push({ tmp, path: f.path, forget: removeAtExit(tmp) });
      await writeFile(tmp, f.content, { mode: f.mode ?? 0o644, flag: "wx" });
    }
    if (staged.length > 1) {
      for (const s of staged) {
        const backup = tempPathBeside(s.path);
        const kept = await link(s.path, backup).then(
          () => true,
          (err: NodeJS.ErrnoException) => {
            if (err.code === "ENOENT") return false;
            throw err;
          },
        );
        if (kept) {
          s.backup = backup;
          const forgetTmp = s.forget;
          const forgetBackup = removeAtExit(backup);
          s.forget = () => (forgetTmp(), forgetBackup());
        }
      }
    }
    for (const s of staged) {
      await rename(s.tmp, s.path);
      placed.push(s);
    }
  } catch (err) {
    for (const s of placed.reverse()) await (s.backup ? rename(s.backup, s.path) : rm(s.path, { force: true })).catch(() => undefined);
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw err;
  } finally {
    await Promise.all(staged.map((s) => (s.backup ? rm(s.backup, { force: true }) : undefined)));
    for (const s of staged) s.forget();
  }
}

/**
 * Has `write` fill `temp` (a file or a directory beside `target`), then renames it to `target`.
 * When the write fails, or the process ends before the rename, `temp` is removed: `target` is
 * either complete or untouched.
 */
export async function writeAside<T>(temp: string, target: string, write: () => Promise<T>): Promise<T> {
  const forget = removeAtExit(temp);
  try {
    const result = await write();
    await rename(temp, target);
    return result;
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  } finally {
    forget();
  }
}
