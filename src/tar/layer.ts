import { mkdirSync, mkdtempSync, rmSync, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { HashingStream, digestHex } from "../image/digest.js";
import { layerFromFile } from "../image/layer.js";
import { layerMediaType, type ImageFormat } from "../image/media-types.js";
import type { Layer } from "../image/types.js";
import { tarStream, type TarEntry, type TarWriteOptions } from "./write.js";

export interface LayerFromFilesOptions extends TarWriteOptions {
  /** Where the compressed blob is kept (named by digest, so a cache dir works). Default: a temp dir removed at exit. */
  blobDir?: string;
  format?: ImageFormat;
  /** zlib level, fixed so output is stable. Default 6. */
  gzipLevel?: number;
}

let processBlobDir: string | undefined;

function defaultBlobDir(): string {
  if (processBlobDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "slimgo-layers-"));
    processBlobDir = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return processBlobDir;
}

/**
 * Builds a gzip layer from files. The tar is streamed through two hashes and gzip to a file,
 * so a 50 MB binary passes through memory once, in chunks. Node's bundled zlib with a fixed level
 * and no name or time in the gzip header gives the same bytes on every Node version.
 */
export async function layerFromFiles(entries: TarEntry[], options: LayerFromFilesOptions): Promise<Layer> {
  const blobDir = options.blobDir ?? defaultBlobDir();
  mkdirSync(blobDir, { recursive: true });
  const uncompressed = new HashingStream();
  const compressed = new HashingStream();
  const temp = join(blobDir, `.partial-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await pipeline(tarStream(entries, options), uncompressed, createGzip({ level: options.gzipLevel ?? 6 }), compressed, createWriteStream(temp));
    const digest = compressed.digest();
    const path = join(blobDir, `sha256-${digestHex(digest)}`);
    await rename(temp, path);
    return layerFromFile(path, {
      digest,
      diffId: uncompressed.digest(),
      size: compressed.bytes,
      mediaType: layerMediaType(options.format ?? "oci", "gzip"),
    });
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
