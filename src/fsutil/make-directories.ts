import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * `mkdir -p` that reports why it failed. Node's recursive mkdir answers ENOENT when the real cause
 * is a read-only file system (and other errors of the first missing directory): then the first
 * missing directory is made alone, which fails with the true code. Returns the first directory
 * made, as `mkdir` does.
 */
export async function makeDirectories(path: string, mode?: number): Promise<string | undefined> {
  try {
    return await mkdir(path, { recursive: true, ...(mode !== undefined ? { mode } : {}) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    let missing = path;
    while (dirname(missing) !== missing && !(await stat(dirname(missing)).then(() => true, () => false))) missing = dirname(missing);
    await mkdir(missing, mode !== undefined ? { mode } : {});
    // Made after all (its parent appeared meanwhile): the rest follows.
    await mkdir(path, { recursive: true, ...(mode !== undefined ? { mode } : {}) });
    return missing;
  }
}
