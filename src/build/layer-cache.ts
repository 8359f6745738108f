import type { Stats } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { layerFromFile } from "../image/layer.js";
import type { Layer } from "../image/types.js";
import { shortDigest, verifyFile, type Digest } from "../image/digest.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { cacheDir } from "./cache-dir.js";
import { inputError, SlimgoError } from "../errors.js";
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

  /** `warn` is told of a cached blob found corrupt, which is dropped and made again. */
  constructor(
    root = cacheDir(),
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.blobDir = join(root, "blobs");
    this.indexDir = join(root, "layers");
    this.blockIndexDir = join(root, "gzip-blocks");
  }

  /** Slots whose blocks are being read ahead (see readBlocksAhead). */
  private readonly blocksAhead = new Map<string, Promise<GzipBlockCache>>();

  /** Starts reading a slot's blocks, for a getOrBuild with that reuse to come (while go compiles the binary). */
  readBlocksAhead(reuse: { slot: string; compression: string }): void {
    const key = `${reuse.slot}\0${reuse.compression}`;
    if (!this.blocksAhead.has(key)) this.blocksAhead.set(key, GzipBlockCache.open(this.blockDirs(), reuse.slot, reuse.compression));
  }

  private openBlocks(reuse: { slot: string; compression: string }): Promise<GzipBlockCache> {
    const key = `${reuse.slot}\0${reuse.compression}`;
    const ahead = this.blocksAhead.get(key);
    this.blocksAhead.delete(key);
    return ahead ?? GzipBlockCache.open(this.blockDirs(), reuse.slot, reuse.compression);
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
      const info = await stat(path);
      if (info.size === facts.size && (await this.intact(entry, path, facts, info))) {
        if (reuse) await GzipBlockCache.point(this.blockDirs(), reuse.slot, path);
        // Recently used blobs are the last to go when the cache is pruned (pruneBuildCache).
        const now = new Date();
        await utimes(path, now, now).catch(() => undefined);
        await stat(path).then((touched) => verified.set(path, fileVersion(touched)), () => undefined);
        return { layer: layerFromFile(path, facts), cached: true };
      }
    } catch {
      // Not cached yet, or the cache was cleaned: build it.
    }
    await mkdir(this.indexDir, { recursive: true });
    const blocks = reuse ? await this.openBlocks(reuse) : undefined;
    const layer = await build(this.blobDir, blocks);
    const facts: CachedLayerFacts = { digest: layer.digest, diffId: layer.diffId, size: layer.size, mediaType: layer.mediaType };
    await Promise.all([writeFilesAtomically([{ path: entry, content: JSON.stringify(facts) }]), blocks?.save(this.blobPath(layer.digest))]);
    blobsWritten++;
    return { layer, cached: false, blocks: blocks && { reused: blocks.reused, total: blocks.blocks } };
  }

  /**
   * Whether a cached blob still has its digest. One that does not (a disk error, a stray edit) is
   * dropped with a warning, to be made again: kept, it would fail every build that publishes it.
   */
  private async intact(entry: string, path: string, facts: CachedLayerFacts, info: Stats): Promise<boolean> {
    if (verified.get(path) === fileVersion(info)) return true;
    try {
      await verifyFile(path, facts.digest, facts.size, `cached layer ${facts.digest}`);
      return true;
    } catch (err) {
      if (!(err instanceof SlimgoError)) throw err;
      verified.delete(path);
      await Promise.all([rm(path, { force: true }), rm(entry, { force: true })]);
      this.warn(`the layer cache in ${dirname(this.blobDir)} held a corrupt copy of layer ${shortDigest(facts.digest)} (its content no longer has its digest): dropped it, and the layer is made again`);
      return false;
    }
  }
}

/** Cached blobs this process has checked against their digests, with the file version it checked: a watch does not read them again on every rebuild. */
const verified = new Map<string, string>();

function fileVersion(info: Stats): string {
  return `${info.ino}:${info.size}:${info.mtimeMs}`;
}

let blobsWritten = 0;

/** `$SLIMGO_CACHE_MAX_MB` megabytes for compressed layers and kept binaries, else 1 GB. */
export function buildCacheBudget(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.SLIMGO_CACHE_MAX_MB?.trim();
  if (value === undefined || value === "") return 1000 * 1e6;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb < 0) throw inputError(`SLIMGO_CACHE_MAX_MB=${value} is not a number of megabytes: set it to one (0 keeps nothing), or unset it for 1000`);
  return mb * 1e6;
}

/**
 * Keeps the cache's big files, compressed layers, each program's last binary (go-output-cache.ts)
 * and the time zone data decoded from a toolchain (go-zoneinfo.ts), within `maxBytes`: when this
 * process has written a layer, the least recently used files beyond the budget go, with the index
 * entries that name a removed layer. Call it after the images are published (a pruned layer is
 * compressed again when next needed, a pruned binary linked again, pruned time zone data decoded
 * again). Every rebuild of a changed binary adds a layer, so without this a watch session would
 * fill the disk. Returns the number of files removed.
 */
export async function pruneBuildCache(root = cacheDir(), maxBytes = buildCacheBudget()): Promise<number> {
  if (blobsWritten === 0) return 0;
  blobsWritten = 0;
  const listed = async (dir: string, keep: (name: string) => boolean) => {
    const names = (await readdir(dir).catch(() => [] as string[])).filter(keep);
    const files = await Promise.all(names.map(async (name) => ({ name, path: join(dir, name), info: await stat(join(dir, name)).catch(() => undefined) })));
    return files.flatMap(({ name, path, info }) => (info ? [{ name, path, size: info.size, used: info.mtimeMs }] : []));
  };
  const files = [
    ...(await listed(join(root, "blobs"), (n) => n.startsWith("sha256-"))),
    ...(await listed(join(root, "go-binaries"), (n) => /^[0-9a-f]{32}$/.test(n))),
    ...(await listed(join(root, "zoneinfo"), (n) => /^[0-9a-f]{32}\.zip$/.test(n))),
  ];
  let total = files.reduce((sum, f) => sum + f.size, 0);
  if (total <= maxBytes) return 0;
  const doomed: typeof files = [];
  for (const file of files.sort((a, b) => a.used - b.used)) {
    if (total <= maxBytes) break;
    doomed.push(file);
    total -= file.size;
  }
  await Promise.all(doomed.map((f) => Promise.all([rm(f.path, { force: true }), rm(join(root, "gzip-blocks", "blobs", `${f.name}.json`), { force: true })])));
  const removedBlobs = new Set(doomed.map((f) => f.name));
  // Index entries naming a removed blob would only cost a failed look-up; they go too.
  const indexDir = join(root, "layers");
  for (const entry of await readdir(indexDir).catch(() => [] as string[])) {
    const facts = await readFile(join(indexDir, entry), "utf8").then((t) => JSON.parse(t) as CachedLayerFacts, () => undefined);
    if (facts && removedBlobs.has(`sha256-${facts.digest.slice("sha256:".length)}`)) await rm(join(indexDir, entry), { force: true });
  }
  return doomed.length;
}
