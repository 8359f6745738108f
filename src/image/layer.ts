import { createReadStream } from "node:fs";
import { Readable, type Transform } from "node:stream";
import * as zlib from "node:zlib";
import { createGunzip, gunzipSync } from "node:zlib";
import { SlimgoError } from "../errors.js";
import { sha256, VerifyingStream, type Digest } from "./digest.js";
import { compressionOfLayer, type LayerCompression } from "./media-types.js";
import type { Layer } from "./types.js";

/**
 * The uncompressed tar of a stored layer blob. gzip is told by its magic bytes, not by the media
 * type alone (as containerd does): podman 4.3's `save --uncompressed --format oci-dir` writes plain
 * tar blobs under the +gzip media type. The diff ID check still holds either way.
 */
export function decompressLayer(stored: Readable, mediaType: string, what = "layer"): Readable {
  if (compressionOfLayer(mediaType) === "zstd") {
    const zstd = zstdDecompressor();
    if (zstd === undefined) {
      stored.destroy();
      throw new SlimgoError(
        `${what} is zstd-compressed (${mediaType}), which Node ${process.version} cannot decompress (Node 22.15 or later can): run slimgo on a newer Node, or copy the image with gzip layers (skopeo copy --dest-compress-format gzip SOURCE oci:DIR)`,
      );
    }
    stored.on("error", (err) => zstd.destroy(err));
    return stored.pipe(zstd);
  }
  return Readable.from(gunzipIfGzip(stored));
}

/** Node's zstd decompressor (zlib.createZstdDecompress, Node 22.15 and 23.8 on), undefined before. */
function zstdDecompressor(): Transform | undefined {
  const create = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  return create === undefined ? undefined : create();
}

const GZIP_MAGIC = [0x1f, 0x8b];

async function* gunzipIfGzip(stored: Readable): AsyncGenerator<Buffer> {
  const chunks = stored[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  };
  if (!GZIP_MAGIC.every((byte, i) => head[i] === byte)) return yield* rest();
  const gunzip = createGunzip();
  const source = Readable.from(rest());
  source.on("error", (err) => gunzip.destroy(err));
  yield* source.pipe(gunzip) as AsyncIterable<Buffer>;
}

/**
 * How a layer's blob is really stored. A plain tar's digest is its diff ID, whatever the media type
 * says (podman 4.3's `save --uncompressed --format oci-dir` labels plain tar +gzip).
 */
export function storedCompression(layer: Pick<Layer, "digest" | "diffId" | "mediaType">): LayerCompression {
  return layer.digest === layer.diffId ? "none" : compressionOfLayer(layer.mediaType);
}

export interface StoredLayerFacts {
  digest: Digest;
  diffId: Digest;
  size: number;
  mediaType: string;
  annotations?: Record<string, string>;
}

/**
 * A layer whose stored bytes come from `openStored`. With `verify`, every read is checked
 * against the digest and size (for blobs from outside: a layout, an archive, a registry).
 */
export function layerFromOpener(facts: StoredLayerFacts, openStored: () => Promise<Readable>, verify: boolean): Layer {
  const open = async (): Promise<Readable> => {
    const stored = await openStored();
    if (!verify) return stored;
    const check = new VerifyingStream(facts.digest, facts.size, `layer ${facts.digest}`);
    stored.on("error", (err) => check.destroy(err));
    return stored.pipe(check);
  };
  const layer: Layer = {
    digest: facts.digest,
    diffId: facts.diffId,
    size: facts.size,
    mediaType: facts.mediaType,
    open,
    openUncompressed: async () => {
      const uncompressed = decompressLayer(await open(), facts.mediaType, `layer ${facts.digest}`);
      if (!verify) return uncompressed;
      const check = new VerifyingStream(facts.diffId, undefined, `layer ${facts.digest} (uncompressed)`);
      uncompressed.on("error", (err) => check.destroy(err));
      return uncompressed.pipe(check);
    },
  };
  if (facts.annotations !== undefined) layer.annotations = facts.annotations;
  return layer;
}

/** A layer stored in a file on disk (a blob slimgo wrote, or one in a layout). */
export function layerFromFile(path: string, facts: StoredLayerFacts, verify = false): Layer {
  // Large reads: each one is a trip through libuv's pool, which may be busy compressing.
  return { ...layerFromOpener(facts, async () => createReadStream(path, { highWaterMark: 1024 * 1024 }), verify), storedPath: path };
}

/** A small layer held in memory; digest and diffID are computed here. */
export function layerFromBuffer(blob: Buffer, mediaType: string): Layer {
  const compression = compressionOfLayer(mediaType);
  const unzstd = (zlib as { zstdDecompressSync?: (blob: Buffer) => Buffer }).zstdDecompressSync;
  if (compression === "zstd" && unzstd === undefined) throw new SlimgoError(`layer media type ${mediaType}: Node ${process.version} cannot decompress zstd (Node 22.15 or later can)`);
  const diffId = compression === "gzip" ? sha256(gunzipSync(blob)) : compression === "zstd" ? sha256(unzstd!(blob)) : sha256(blob);
  return layerFromOpener({ digest: sha256(blob), diffId, size: blob.length, mediaType }, async () => Readable.from([blob]), false);
}

/** The same blob announced under another media type (Docker ↔ OCI of the same compression). */
export function withLayerMediaType(layer: Layer, mediaType: string): Layer {
  if (layer.mediaType === mediaType) return layer;
  if (compressionOfLayer(layer.mediaType) !== compressionOfLayer(mediaType)) {
    throw new SlimgoError(`cannot relabel a ${layer.mediaType} layer as ${mediaType}: the compression differs`);
  }
  return { ...layer, mediaType };
}
