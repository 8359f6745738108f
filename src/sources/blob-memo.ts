/**
 * Blobs downloaded from a registry, kept in a private temp directory for the rest of the run, so
 * that a blob read twice is downloaded once: verify reads every layer, then a Go binary's layer
 * again for its flag check; a `build --watch` opens its registry --base on every rebuild. A blob is
 * kept once it has been read to its end, when the registry client has checked its digest; one read
 * in part, or whose copy could not be written (a full disk), is not kept, and is downloaded again
 * when next opened. The directory goes when the process ends.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, open, rename, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline, Transform, type Readable } from "node:stream";
import { removeAtExit } from "../fsutil/temp-cleanup.js";

export class BlobMemo {
  private readonly kept = new Map<string, string>();
  private directory: Promise<string> | undefined;

  /** The blob `digest` from its kept copy, else from `download`, copied aside as it streams. */
  async open(digest: string, download: () => Promise<Readable>): Promise<Readable> {
    const file = this.kept.get(digest);
    if (file !== undefined) return createReadStream(file);
    // No temp directory (TMPDIR unwritable) costs the copy, not the read.
    const dir = await this.dir().catch(() => undefined);
    const source = await download();
    if (dir === undefined) return source;
    const target = join(dir, digest.replace(":", "-"));
    const part = `${target}.${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    const copy = await open(part, "wx").catch(() => undefined);
    if (copy === undefined) return source;
    return pipeline(source, this.copying(copy, part, () => rename(part, target).then(() => void this.kept.set(digest, target))), () => undefined);
  }

  private dir(): Promise<string> {
    this.directory ??= mkdtemp(join(tmpdir(), "slimgo-blobs-")).then((dir) => {
      removeAtExit(dir);
      return dir;
    });
    return this.directory;
  }

  /** Passes the blob on, writing each chunk to `copy`; `complete` runs when the whole blob went through. */
  private copying(copy: FileHandle, part: string, complete: () => Promise<void>): Transform {
    let writing: FileHandle | undefined = copy;
    const drop = async () => {
      const handle = writing;
      writing = undefined;
      await handle?.close().catch(() => undefined);
      await rm(part, { force: true });
    };
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (writing === undefined) return callback(null, chunk);
        writing.write(chunk).then(
          () => callback(null, chunk),
          () => drop().then(() => callback(null, chunk)),
        );
      },
      flush(callback) {
        const handle = writing;
        writing = undefined;
        if (handle === undefined) return callback();
        handle
          .close()
          .then(complete)
          .catch(() => rm(part, { force: true }))
          .then(() => callback(), () => callback());
      },
      destroy(error, callback) {
        drop().then(() => callback(error), () => callback(error));
      },
    });
  }
}
