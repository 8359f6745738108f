import type { Readable } from "node:stream";
import type { Digest } from "../image/digest.js";
import { isImageIndex, type Image, type ImageOrIndex } from "../image/types.js";

/** A blob a sink must store: small ones carry their bytes, layers open a stream (and may name a file holding the bytes). */
export interface BlobToWrite {
  digest: Digest;
  size: number;
  bytes?: Buffer;
  open?: () => Promise<Readable>;
  path?: string;
}

function imageBlobs(image: Image): BlobToWrite[] {
  return [
    ...image.layers.map((l) => ({ digest: l.digest, size: l.size, open: () => l.open(), ...(l.storedPath ? { path: l.storedPath } : {}) })),
    { digest: image.manifest.config.digest, size: image.rawConfig.length, bytes: image.rawConfig },
    { digest: image.digest, size: image.rawManifest.length, bytes: image.rawManifest },
  ];
}

/** Every blob of an image or index, each once, children before the manifests that refer to them. */
export function blobsOf(item: ImageOrIndex): BlobToWrite[] {
  const all = isImageIndex(item)
    ? [...item.manifests.flatMap((c) => imageBlobs(c.image)), { digest: item.digest, size: item.rawManifest.length, bytes: item.rawManifest }]
    : imageBlobs(item);
  const seen = new Set<string>();
  return all.filter((b) => (seen.has(b.digest) ? false : (seen.add(b.digest), true)));
}
