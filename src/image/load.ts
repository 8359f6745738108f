import type { Readable } from "node:stream";
import { ExitCode, SlimgoError } from "../errors.js";
import { verifyBytes } from "./digest.js";
import { layerFromOpener } from "./layer.js";
import { isIndexMediaType, isManifestMediaType, MediaType } from "./media-types.js";
import { manifestKind, parseConfigFile, parseImageManifest, parseIndexManifest } from "./parse.js";
import type { Descriptor, Image, ImageIndex, ImageOrIndex, IndexChild } from "./types.js";

/**
 * Builds the image model from any store of blobs addressed by digest (a layout directory, an
 * archive, a registry). Manifests and configs are read whole and verified; layers are opened
 * lazily and verified as they stream.
 */
export interface BlobReader {
  /** Names the store in errors, e.g. "oci:/tmp/layout". */
  what: string;
  /** The whole blob (only used for manifests and configs). */
  readBlob(descriptor: Descriptor): Promise<Buffer>;
  /** The blob as a stream (layers); verification is added by the caller. */
  openBlob(descriptor: Descriptor): Promise<Readable>;
}

/** Largest manifest or config slimgo reads; real ones are a few KB. */
export const MAX_METADATA_BLOB = 16 * 1024 * 1024;

/** A manifest, index or config blob, read whole and checked against its size and digest. */
export async function readVerified(reader: BlobReader, descriptor: Descriptor, what: string): Promise<Buffer> {
  if (descriptor.size > MAX_METADATA_BLOB) {
    throw new SlimgoError(`${reader.what}: ${what} ${descriptor.digest} claims ${descriptor.size} bytes; refusing metadata over ${MAX_METADATA_BLOB}`, { exitCode: ExitCode.findings });
  }
  const bytes = await reader.readBlob(descriptor);
  if (bytes.length !== descriptor.size) {
    throw new SlimgoError(`${reader.what}: ${what} ${descriptor.digest} has ${bytes.length} bytes, ${descriptor.size} declared (corrupt or tampered)`, { exitCode: ExitCode.findings });
  }
  verifyBytes(bytes, descriptor.digest, `${reader.what}: ${what}`);
  return bytes;
}

/** Builds an Image from a manifest already read and verified. */
export async function imageFromManifestBytes(reader: BlobReader, rawManifest: Buffer, descriptor: Descriptor): Promise<Image> {
  const what = `${reader.what}: manifest ${descriptor.digest}`;
  const manifest = parseImageManifest(rawManifest, what);
  const rawConfig = await readVerified(reader, manifest.config, "config");
  const config = parseConfigFile(rawConfig, `${reader.what}: config ${manifest.config.digest}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new SlimgoError(`${what} lists ${manifest.layers.length} layers but its config has ${diffIds.length} diff_ids`, { exitCode: ExitCode.findings });
  }
  const layers = manifest.layers.map((layer, i) => {
    const facts = { digest: layer.digest, diffId: diffIds[i]!, size: layer.size, mediaType: layer.mediaType, ...(layer.annotations ? { annotations: layer.annotations } : {}) };
    return layerFromOpener(facts, () => reader.openBlob(layer), true);
  });
  return { mediaType: manifest.mediaType ?? descriptor.mediaType, rawManifest, digest: descriptor.digest, manifest, rawConfig, config, layers };
}

export async function loadImage(reader: BlobReader, descriptor: Descriptor): Promise<Image> {
  return imageFromManifestBytes(reader, await readVerified(reader, descriptor, "manifest"), descriptor);
}

/**
 * Builds an ImageIndex from an index already read and verified; nested indexes are refused. Its
 * `manifests` are the images: an OCI artifact listed beside them (an SBOM or signature, whose
 * config is not an image config) is left out, as it has no platform or file system to give.
 */
export async function indexFromBytes(reader: BlobReader, rawManifest: Buffer, descriptor: Descriptor): Promise<ImageIndex> {
  const index = parseIndexManifest(rawManifest, `${reader.what}: index ${descriptor.digest}`);
  const manifests: IndexChild[] = [];
  for (const child of index.manifests) {
    if (isIndexMediaType(child.mediaType)) {
      throw new SlimgoError(`${reader.what}: index ${descriptor.digest} nests another index (${child.digest}); pick that one by digest: ${reader.what}@${child.digest}`, { exitCode: ExitCode.usage });
    }
    const raw = await readVerified(reader, child, "manifest");
    const configType = parseImageManifest(raw, `${reader.what}: manifest ${child.digest}`).config.mediaType;
    if (configType !== MediaType.ociConfig && configType !== MediaType.dockerConfig) continue;
    manifests.push({ descriptor: child, image: await imageFromManifestBytes(reader, raw, child) });
  }
  return { mediaType: index.mediaType ?? descriptor.mediaType, rawManifest, digest: descriptor.digest, index, manifests };
}

export async function loadIndex(reader: BlobReader, descriptor: Descriptor): Promise<ImageIndex> {
  return indexFromBytes(reader, await readVerified(reader, descriptor, "index"), descriptor);
}

/** An image or an index, by the descriptor's media type (or the content when the type is unusual). */
export async function loadDescriptor(reader: BlobReader, descriptor: Descriptor): Promise<ImageOrIndex> {
  if (isIndexMediaType(descriptor.mediaType)) return loadIndex(reader, descriptor);
  if (isManifestMediaType(descriptor.mediaType)) return loadImage(reader, descriptor);
  const raw = await readVerified(reader, descriptor, "manifest");
  switch (manifestKind(raw)) {
    case "index":
      return indexFromBytes(reader, raw, descriptor);
    case "manifest":
      return imageFromManifestBytes(reader, raw, descriptor);
    default:
      throw new SlimgoError(`${reader.what}: ${descriptor.digest} has media type ${descriptor.mediaType}, which is not an image`, { exitCode: ExitCode.usage });
  }
}
