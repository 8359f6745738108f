import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { layerFromFile } from "../image/layer.js";
import type { Layer } from "../image/types.js";
import type { Digest } from "../image/digest.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { cacheDir } from "./cache-dir.js";

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

  constructor(root = cacheDir()) {
    this.blobDir = join(root, "blobs");
    this.indexDir = join(root, "layers");
  }

  async getOrBuild(key: string, build: (blobDir: string) => Promise<Layer>): Promise<{ layer: Layer; cached: boolean }> {
    const entry = join(this.indexDir, `${key}.json`);
    try {
      const facts = JSON.parse(await readFile(entry, "utf8")) as CachedLayerFacts;
      const path = join(this.blobDir, `sha256-${facts.digest.slice("sha256:".length)}`);
      if ((await stat(path)).size === facts.size) return { layer: layerFromFile(path, facts), cached: true };
    } catch {
      // Not cached yet, or the cache was cleaned: build it.
    }
    await mkdir(this.indexDir, { recursive: true });
    const layer = await build(this.blobDir);
    const facts: CachedLayerFacts = { digest: layer.digest, diffId: layer.diffId, size: layer.size, mediaType: layer.mediaType };
    await writeFilesAtomically([{ path: entry, content: JSON.stringify(facts) }]);
    return { layer, cached: false };
  }
}
