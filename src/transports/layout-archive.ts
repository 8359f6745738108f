import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { inputError } from "../errors.js";
import { canonicalJsonBytes } from "../image/canonical-json.js";
import { VerifyingStream, digestAlgorithm, digestHex } from "../image/digest.js";
import type { BlobReader } from "../image/load.js";
import { MediaType } from "../image/media-types.js";
import { fullLocalName } from "../image/reference.js";
import { descriptorOf, isImageIndex, platformOf, type ImageOrIndex, type IndexManifest } from "../image/types.js";
import type { TarFileIndex } from "../tar/file-index.js";
import { tarStream, type TarEntry } from "../tar/write.js";
import { blobsOf } from "./blobs.js";
import { REF_NAME_ANNOTATION } from "./oci-layout.js";
import { tempPathBeside, writeAside } from "../fsutil/atomic-write.js";

export function archiveBlobPath(digest: string): string {
  return `blobs/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

/** One entry of a docker-archive manifest.json. */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

export interface LayoutArchiveOptions {
  /** Name recorded as ref name and RepoTags, stored as a full reference (`app:1` → `localhost/app:1`). */
  ref?: string;
  /** Also write manifest.json, so the file reads as docker-archive too (what `docker save` does since Engine 25). */
  dockerManifest?: boolean;
}

/**
 * Writes an OCI layout as one plain tar file, optionally with a docker-archive manifest.json that
 * points into the same blobs. Written beside `file` and renamed at the end.
 */
export async function writeLayoutArchive(file: string, item: ImageOrIndex, options: LayoutArchiveOptions): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) throw inputError(`${file} is a directory: give a file name for the archive`, { file });
  const refName = options.ref === undefined ? undefined : fullLocalName(options.ref);
  const annotations = refName === undefined ? undefined : { [REF_NAME_ANNOTATION]: refName };
  const entry = descriptorOf(item, { ...(annotations ? { annotations } : {}), ...(isImageIndex(item) ? {} : { platform: platformOf(item) }) });
  const index: IndexManifest = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [entry] };
  const entries: TarEntry[] = [
    { path: "oci-layout", type: "file", content: '{"imageLayoutVersion":"1.0.0"}' },
    { path: "index.json", type: "file", content: canonicalJsonBytes(index) },
  ];
  for (const blob of blobsOf(item)) {
    const path = archiveBlobPath(blob.digest);
    if (blob.bytes !== undefined) entries.push({ path, type: "file", content: blob.bytes });
    else {
      const open = blob.open!;
      entries.push({
        path,
        type: "file",
        size: blob.size,
        open: async () => {
          const source = await open();
          const check = new VerifyingStream(blob.digest, blob.size, `blob ${blob.digest}`);
          source.on("error", (err) => check.destroy(err));
          return source.pipe(check);
        },
      });
    }
  }
  if (options.dockerManifest === true && !isImageIndex(item)) {
    const manifest: DockerArchiveEntry[] = [
      {
        Config: archiveBlobPath(item.manifest.config.digest),
        RepoTags: refName === undefined ? [] : [refName],
        Layers: item.layers.map((l) => archiveBlobPath(l.digest)),
      },
    ];
    entries.push({ path: "manifest.json", type: "file", content: JSON.stringify(manifest) });
  }
  const temp = tempPathBeside(file);
  await writeAside(temp, file, () => pipeline(tarStream(entries, { mtime: 0 }), createWriteStream(temp)));
}

/** Blobs of a layout inside a tar file, read by range. */
export function archiveBlobReader(archive: TarFileIndex, what: string): BlobReader {
  return {
    what,
    readBlob: (d) => archive.read(archiveBlobPath(d.digest), d.size),
    openBlob: async (d) => archive.open(archiveBlobPath(d.digest)),
  };
}
