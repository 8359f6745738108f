import { rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, basename } from "node:path";
import { removeAtExit } from "./temp-cleanup.js";

/**
 * Writes several files so that either all of them appear or none does: each is written
 * beside its target under a temporary name, and only when every write succeeded are they
 * renamed into place.
 */
export async function writeFilesAtomically(files: { path: string; content: string | Uint8Array; mode?: number }[]): Promise<void> {
  const staged: { tmp: string; path: string; forget: () => void }[] = [];
  try {
    for (const f of files) {
      const tmp = join(dirname(f.path), `.${basename(f.path)}.slimgo-${process.pid}-${Date.now()}.tmp`);
      staged.push({ tmp, path: f.path, forget: removeAtExit(tmp) });
      await writeFile(tmp, f.content, { mode: f.mode ?? 0o644, flag: "wx" });
    }
    for (const s of staged) await rename(s.tmp, s.path);
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw err;
  } finally {
    for (const s of staged) s.forget();
  }
}
