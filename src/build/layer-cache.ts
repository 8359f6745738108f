import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { layerFromFile } from "../image/layer.js";
import type { Layer } from "../image/types.js";
import type { Digest } from "../image/digest.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { cacheDir } from "./cache-dir.js";
import { GzipBlockCache } from "./gzip-block-cache.js";

interface CachedLayerFacts {
  digest: Digest;
  diffId: Digest;
  size: number;
  mediaType: string;
}

/**
 * Compressed layers keyed by their uncompressed content (the diffID) and how they are compressed:
 * a rebuild whose binary did not change reuses the blob instead of compressing it again.
 */
export class LayerCache {
  readonly blobDir: string;
  private readonly indexDir: string;
  private readonly blockIndexDir: string;

  constructor(root = cacheDir()) {
    this.blobDir = join(root, "blobs");
    this.indexDir = join(root, "layers");
    this.blockIndexDir = join(root, "gzip-blocks");
  }

  private blockDirs(): { blobs: string; index: string } {
    return { blobs: this.blobDir, index: this.blockIndexDir };
  }

  private blobPath(digest: Digest): string {
    return join(this.blobDir, `sha256-${digest.slice("sha256:".length)}`);
  }

  /**
   * The layer cached under `key`, else the one `build` writes into the blob dir. With `reuse`,
   * `build` gets the blocks of the last layer built in that slot (see gzip-block-cache.ts), and
   * the new layer's blocks become the slot's.
   */
  async getOrBuild(
    key: string,
    build: (blobDir: string, blocks: GzipBlockCache | undefined) => Promise<Layer>,
    reuse?: { slot: string; compression: string },
  ): Promise<{ layer: Layer; cached: boolean; blocks?: { reused: number; total: number } }> {
    const entry = join(this.indexDir, `${key}.json`);
    try {
      const facts = JSON.parse(await readFile(entry, "utf8")) as CachedLayerFacts;
      const path = this.blobPath(facts.digest);
      if ((await stat(path)).size === facts.size) {
        if (reuse) await GzipBlockCache.point(this.blockDirs(), reuse.slot, path);
        return { layer: layerFromFile(path, facts), cached: true };
      }
    } catch {
      // Not cached yet, or the cache was cleaned: build it.
    }
    await mkdir(this.indexDir, { recursive: true });
    const blocks = reuse ? await GzipBlockCache.open(this.blockDirs(), reuse.slot, reuse.compression) : undefined;
    const layer = await build(this.blobDir, blocks);
    const facts: CachedLayerFacts = { digest: layer.digest, diffId: layer.diffId, size: layer.size, mediaType: layer.mediaType };
    await Promise.all([writeFilesAtomically([{ path: entry, content: JSON.stringify(facts) }]), blocks?.save(this.blobPath(layer.digest))]);
    return { layer, cached: false, blocks: blocks && { reused: blocks.reused, total: blocks.blocks } };
  }
}
