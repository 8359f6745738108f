/**
 * The compressed blocks of the last layer built in a slot (one binary of one module on one
 * platform), so that the next build of that slot deflates only the blocks that changed (see
 * tar/parallel-gzip.ts). The blocks are read back from that layer's blob in the layer cache; the
 * slot's index says where each one is and what its bytes hash to, and a block whose bytes do not
 * hash so is never used, so a damaged cache costs time, not a broken layer.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { GZIP_HEADER, type BlockStore } from "../tar/parallel-gzip.js";

interface SlotIndex {
  compression: string;
  /** File name of the blob in the directory beside the blocks dir. */
  blob: string;
  /** [key, offset in the blob, length, sha256 of those bytes]. */
  blocks: [string, number, number, string][];
}

export class GzipBlockCache implements BlockStore {
  private readonly added: [string, number, number, string][] = [];
  private offset = GZIP_HEADER.length;
  /** Blocks taken from the last layer, for progress lines. */
  reused = 0;

  /** Blocks of this run so far. */
  get blocks(): number {
    return this.added.length;
  }

  private constructor(
    private readonly indexPath: string,
    private readonly compression: string,
    private readonly earlier: Map<string, { bytes: Buffer; hash: string }>,
  ) {}

  /** The slot's blocks, if its last layer was compressed the same way and its blob is still there. */
  static async open(dirs: { blobs: string; index: string }, slot: string, compression: string): Promise<GzipBlockCache> {
    const blobDir = dirs.blobs;
    const indexPath = join(dirs.index, `${sha256Hex(Buffer.from(slot)).slice(0, 32)}.json`);
    const earlier = new Map<string, { bytes: Buffer; hash: string }>();
    try {
      const index = JSON.parse(await readFile(indexPath, "utf8")) as SlotIndex;
      if (index.compression === compression && basename(index.blob) === index.blob) {
        const blob = await readFile(join(blobDir, index.blob));
        for (const [blockKey, offset, length, hash] of index.blocks) {
          const bytes = blob.subarray(offset, offset + length);
          if (bytes.length === length) earlier.set(blockKey, { bytes, hash });
        }
      }
    } catch {
      // No earlier layer in this slot, or its blob was cleaned away: every block is compressed.
    }
    return new GzipBlockCache(indexPath, compression, earlier);
  }

  get(key: string): Buffer | undefined {
    const block = this.earlier.get(key);
    if (!block || sha256Hex(block.bytes) !== block.hash) return undefined;
    this.reused++;
    return block.bytes;
  }

  add(key: string, output: Buffer): void {
    this.added.push([key, this.offset, output.length, sha256Hex(output)]);
    this.offset += output.length;
  }

  /** Makes this run's blocks the slot's, as stored in `blobPath` (in the blob directory it was opened with). */
  async save(blobPath: string): Promise<void> {
    const index: SlotIndex = { compression: this.compression, blob: basename(blobPath), blocks: this.added };
    try {
      await mkdir(dirname(this.indexPath), { recursive: true });
      await writeFilesAtomically([{ path: this.indexPath, content: JSON.stringify(index) }]);
    } catch {
      // A cache that cannot be written only costs the next build some compression.
    }
  }
}

function sha256Hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
