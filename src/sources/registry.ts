import { Readable } from "node:stream";
import { imageFromManifestBytes, indexFromBytes, isIndexMediaType, isManifestMediaType, type BlobReader, type Descriptor, type ImageOrIndex, type RegistryReference } from "../image/index.js";
import { formatRegistryReference, isNamedInsecure, RegistryClient } from "../registry/index.js";
import { shortDigest } from "../image/digest.js";
import { BlobMemo } from "./blob-memo.js";

export interface RegistrySourceOptions {
  /** Registries (host[:port]) the user named as plain HTTP. */
  insecureRegistries?: readonly string[];
  /** false: log in with the Docker config only, as SLIMGO_REGISTRY_* are the push registry's login. Default true. */
  envCredentials?: boolean;
  onProgress?: (message: string) => void;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Every blob this process has downloaded, by digest: each is downloaded once (see blob-memo.ts). */
const downloaded = new BlobMemo();

/**
 * Blobs of one repository. Manifests of an index's children come from /manifests/, everything
 * else from /blobs/, once per run; the client checks each against its digest as it streams.
 */
export function registryBlobReader(client: RegistryClient, repository: string, what: string, onProgress?: (message: string) => void): BlobReader {
  return {
    what,
    readBlob: async (d: Descriptor) => {
      if (isManifestMediaType(d.mediaType) || isIndexMediaType(d.mediaType)) return (await client.getManifest(repository, d.digest)).bytes;
      return readAll(await downloaded.open(d.digest, () => client.getBlob(repository, d.digest, { size: d.size })));
    },
    openBlob: async (d: Descriptor) =>
      downloaded.open(d.digest, async () => {
        onProgress?.(`pulling layer ${shortDigest(d.digest)} (${megabytes(d.size)}) from ${what}`);
        return client.getBlob(repository, d.digest, { size: d.size });
      }),
  };
}

/** Reads an image or index from a registry; layers are fetched when they are read. */
export async function readRegistryImage(ref: RegistryReference, options: RegistrySourceOptions = {}): Promise<ImageOrIndex> {
  const what = formatRegistryReference(ref);
  const client = new RegistryClient(ref.registry, {
    insecure: isNamedInsecure(ref.registry, options.insecureRegistries ?? []),
    envCredentials: options.envCredentials,
  });
  options.onProgress?.(`pulling manifest of ${what}`);
  const fetched = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? "latest");
  const reader = registryBlobReader(client, ref.repository, what, options.onProgress);
  const descriptor: Descriptor = { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.bytes.length };
  return isIndexMediaType(fetched.mediaType)
    ? indexFromBytes(reader, fetched.bytes, descriptor)
    : imageFromManifestBytes(reader, fetched.bytes, descriptor);
}
