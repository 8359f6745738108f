import { mkdir, readdir, readFile, rm, stat, utimes } from "node:fs/promises";
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
        // Recently used blobs are the last to go when the cache is pruned (pruneLayerCache).
        const now = new Date();
        await utimes(path, now, now).catch(() => undefined);
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
    blobsWritten++;
    return { layer, cached: false, blocks: blocks && { reused: blocks.reused, total: blocks.blocks } };
  }
}

let blobsWritten = 0;

/** `$SLIMGO_CACHE_MAX_MB` megabytes of compressed layers, else 1 GB. */
export function layerCacheBudget(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.SLIMGO_CACHE_MAX_MB);
  return (Number.isFinite(mb) && mb >= 0 && env.SLIMGO_CACHE_MAX_MB !== "" ? mb : 1000) * 1e6;
}

/**
 * Keeps the layer cache within `maxBytes`: when this process has written blobs, the least
 * recently used ones beyond the budget go, with the index entries that name them. Call it after
 * the images are published (a pruned blob is compressed again when it is next needed). Every
 * rebuild of a changed binary adds a blob, so without this a watch session would fill the disk.
 * Returns the number of blobs removed.
 */
export async function pruneLayerCache(root = cacheDir(), maxBytes = layerCacheBudget()): Promise<number> {
  if (blobsWritten === 0) return 0;
  blobsWritten = 0;
  const blobDir = join(root, "blobs");
  const names = (await readdir(blobDir).catch(() => [] as string[])).filter((n) => n.startsWith("sha256-"));
  const blobs = (await Promise.all(names.map(async (name) => ({ name, info: await stat(join(blobDir, name)).catch(() => undefined) })))).flatMap(({ name, info }) =>
    info ? [{ name, size: info.size, used: info.mtimeMs }] : [],
  );
  let total = blobs.reduce((sum, b) => sum + b.size, 0);
  if (total <= maxBytes) return 0;
  const doomed = new Set<string>();
  for (const blob of blobs.sort((a, b) => a.used - b.used)) {
    if (total <= maxBytes) break;
    doomed.add(blob.name);
    total -= blob.size;
  }
  await Promise.all([...doomed].map((name) => Promise.all([rm(join(blobDir, name), { force: true }), rm(join(root, "gzip-blocks", "blobs", `${name}.json`), { force: true })])));
  // Index entries naming a removed blob would only cost a failed look-up; they go too.
  const indexDir = join(root, "layers");
  for (const entry of await readdir(indexDir).catch(() => [] as string[])) {
    const facts = await readFile(join(indexDir, entry), "utf8").then((t) => JSON.parse(t) as CachedLayerFacts, () => undefined);
    if (facts && doomed.has(`sha256-${facts.digest.slice("sha256:".length)}`)) await rm(join(indexDir, entry), { force: true });
  }
  return doomed.size;
}
