/**
 * The compressed blocks of the last layer used in a slot (one binary of one module on one
 * platform), so that the next build of that slot deflates only the blocks that changed (see
 * tar/parallel-gzip.ts). The blocks are read back from that layer's blob in the layer cache. Each
 * blob compressed here has an index of where its blocks are and what their bytes hash to, and a
 * block whose bytes do not hash so is never used, so a damaged cache costs time, not a broken
 * layer. The slot names the blob it last used, also when that came from the layer cache (a revert).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { GZIP_HEADER, type BlockStore } from "../tar/parallel-gzip.js";

interface BlobIndex {
  compression: string;
  /** [key, offset in the blob, length, sha256 of those bytes]. */
  blocks: [string, number, number, string][];
}

interface SlotPointer {
  /** File name of the blob in the blob directory. */
  blob: string;
}

interface Dirs {
  blobs: string;
  index: string;
}

function slotPath(dirs: Dirs, slot: string): string {
  return join(dirs.index, `${sha256Hex(Buffer.from(slot)).slice(0, 32)}.json`);
}

function blobIndexPath(dirs: Dirs, blob: string): string {
  return join(dirs.index, "blobs", `${blob}.json`);
}

export class GzipBlockCache implements BlockStore {
  private readonly added: [string, number, number, string][] = [];
  /** Hashes of the blocks get() checked, so add() need not hash them again. */
  private readonly checked = new WeakMap<Buffer, string>();
  private offset = GZIP_HEADER.length;
  /** Blocks taken from the last layer, for progress lines. */
  reused = 0;

  /** Blocks of this run so far. */
  get blocks(): number {
    return this.added.length;
  }

  private constructor(
    private readonly dirs: Dirs,
    private readonly slot: string,
    private readonly compression: string,
    private readonly earlier: Map<string, { bytes: Buffer; hash: string }>,
  ) {}

  /** The slot's blocks, if its last layer was compressed the same way and its blob is still there. */
  static async open(dirs: Dirs, slot: string, compression: string): Promise<GzipBlockCache> {
    const earlier = new Map<string, { bytes: Buffer; hash: string }>();
    try {
      const { blob: name } = JSON.parse(await readFile(slotPath(dirs, slot), "utf8")) as SlotPointer;
      const index = JSON.parse(await readFile(blobIndexPath(dirs, basename(name)), "utf8")) as BlobIndex;
      if (index.compression === compression) {
        const blob = await readFile(join(dirs.blobs, basename(name)));
        for (const [blockKey, offset, length, hash] of index.blocks) {
          const bytes = blob.subarray(offset, offset + length);
          if (bytes.length === length) earlier.set(blockKey, { bytes, hash });
        }
      }
    } catch {
      // No earlier layer in this slot, or its blob was cleaned away: every block is compressed.
    }
    return new GzipBlockCache(dirs, slot, compression, earlier);
  }

  /** Makes a cached layer's blob the slot's last, if its blocks are known. */
  static async point(dirs: Dirs, slot: string, blobPath: string): Promise<void> {
    const blob = basename(blobPath);
    if (!existsSync(blobIndexPath(dirs, blob))) return;
    await writeIndex(slotPath(dirs, slot), { blob } satisfies SlotPointer);
  }

  get(key: string): Buffer | undefined {
    const block = this.earlier.get(key);
    if (!block || sha256Hex(block.bytes) !== block.hash) return undefined;
    this.reused++;
    this.checked.set(block.bytes, block.hash);
    return block.bytes;
  }

  add(key: string, output: Buffer): void {
    this.added.push([key, this.offset, output.length, this.checked.get(output) ?? sha256Hex(output)]);
    this.offset += output.length;
  }

  /** Records this run's blocks, as stored in `blobPath` (in the blob directory it was opened with), and makes them the slot's. */
  async save(blobPath: string): Promise<void> {
    const blob = basename(blobPath);
    await writeIndex(blobIndexPath(this.dirs, blob), { compression: this.compression, blocks: this.added } satisfies BlobIndex);
    await writeIndex(slotPath(this.dirs, this.slot), { blob } satisfies SlotPointer);
  }
}

async function writeIndex(path: string, content: BlobIndex | SlotPointer): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFilesAtomically([{ path, content: JSON.stringify(content) }]);
  } catch {
    // A cache that cannot be written only costs the next build some compression.
  }
}

function sha256Hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
