import { Readable } from "node:stream";
import { inputError } from "../errors.js";
import { parseImageReference } from "../image/reference.js";
import { isImageIndex, type Descriptor, type Image, type ImageOrIndex } from "../image/types.js";
import { inParallel } from "../build/go-build.js";
import { MediaTypes, RegistryClient, RegistryError, isNamedInsecure, type PushBlobResult } from "../registry/index.js";
import type { Attachment, Published, Publisher } from "./types.js";
import { referrersTag, sbomArtifact } from "../sbom/artifact.js";
import { buildIndexOfDescriptors } from "../image/mutate.js";
import { pushedLine, trackUpload } from "./upload-progress.js";
import { shortDigest } from "../image/digest.js";
import { BASE_NAME } from "../image/annotations.js";

export interface RegistryPublishOptions {
  /** Registries the user named as plain HTTP. */
  insecureRegistries?: string[];
  /** Repository in the same registry to mount layers from; by default the base image's, when it is in this registry. */
  mountFrom?: string;
  /** Lines for a person (stderr): bytes of large uploads as they go, retries, each blob when stored. */
  onProgress?: (message: string) => void;
}

export interface PushStats {
  uploaded: number;
  existing: number;
  mounted: number;
  bytes: number;
}

/**
 * Pushes to REGISTRY/REPO: blobs that the registry lacks (HEAD first), child manifests by digest,
 * then the image or index under each tag.
 */
export function registryPublisher(target: string, options: RegistryPublishOptions = {}): Publisher {
  const ref = parseImageReference(target);
  if (ref.transport !== "registry") throw inputError(`--push ${target}: expected REGISTRY/REPO[:TAG], e.g. ghcr.io/org/app:1.0`);
  if (ref.digest) throw inputError(`--push ${target}: push to a tag, not a digest`);
  const client = new RegistryClient(ref.registry, { insecure: isNamedInsecure(ref.registry, options.insecureRegistries ?? []) });
  let stats: PushStats = { uploaded: 0, existing: 0, mounted: 0, bytes: 0 };
  const progress = options.onProgress ?? (() => {});
  const count = (r: PushBlobResult, size: number) => {
    if (r.outcome === "uploaded") {
      stats.uploaded++;
      stats.bytes += size;
    } else if (r.outcome === "mounted") stats.mounted++;
    else stats.existing++;
  };

  const pushImage = async (image: Image) => {
    const mountFrom = options.mountFrom ?? baseRepositoryIn(ref.registry, image);
    const blobs = [
      ...image.layers.map((l) => ({ digest: l.digest, size: l.size, open: () => l.open(), mountable: true })),
      { digest: image.manifest.config.digest, size: image.rawConfig.length, open: () => Readable.from([image.rawConfig]), mountable: false },
    ];
    await inParallel(
      blobs.map((blob) => async () => {
        const result = await client.pushBlob(ref.repository, blob, {
          mountFrom: blob.mountable && mountFrom !== undefined && mountFrom !== ref.repository ? [mountFrom] : [],
          onProgress: options.onProgress ? trackUpload(progress) : undefined,
        });
        count(result, blob.size);
        if (result.outcome === "uploaded") progress(pushedLine(blob.digest, blob.size));
      }),
      3,
    );
  };

  return {
    description: `registry ${ref.registry}/${ref.repository}`,
    async publish(item: ImageOrIndex, _name: string, tags: string[], attachments: Attachment[] = []): Promise<Published> {
      stats = { uploaded: 0, existing: 0, mounted: 0, bytes: 0 };
      // The parsed reference says "latest" also when no tag was written: then -t tags stand alone.
      const named = ref.tag && (ref.tag !== "latest" || tags.length === 0) ? [ref.tag, ...tags] : tags;
      const targetTags = named.length > 0 ? [...new Set(named)] : ["latest"];
      if (isImageIndex(item)) {
        for (const child of item.manifests) {
          await pushImage(child.image);
          await client.putManifest(ref.repository, child.image.digest, child.image.rawManifest, child.image.mediaType);
        }
      } else {
        await pushImage(item);
      }
      for (const tag of targetTags) await client.putManifest(ref.repository, tag, item.rawManifest, item.mediaType);
      const attached: string[] = [];
      const warnings: string[] = [];
      for (const a of attachments) {
        const artifact = sbomArtifact(a.document, a.subject);
        for (const blob of artifact.blobs) {
          count(await client.pushBlob(ref.repository, { digest: blob.digest, size: blob.bytes.length, open: () => Readable.from([blob.bytes]) }), blob.bytes.length);
        }
        let stored: { listedByRegistry: boolean };
        try {
          stored = await client.putReferrer(ref.repository, artifact.manifest, artifact.mediaType, a.subject.digest);
        } catch (err) {
          // GitLab, older Quay and others check media types against a list of their own and refuse
          // OCI artifacts (400 MANIFEST_INVALID, 415): the image and its tags are stored already.
          if (!(err instanceof RegistryError && (err.status === 400 || err.status === 415))) throw err;
          warnings.push(`SBOM of ${shortDigest(a.subject.digest)} not attached, the registry refused it: ${err.message}; the image is pushed without it (--sbom-dir DIR writes SBOMs to disk)`);
          continue;
        }
        if (!stored.listedByRegistry) {
          const descriptor = { mediaType: artifact.mediaType, digest: artifact.digest, size: artifact.manifest.length, artifactType: a.mediaType };
          await listUnderReferrersTag(client, ref.repository, a.subject.digest, descriptor);
        }
        attached.push(artifact.digest);
        progress(`  attached SBOM ${shortDigest(artifact.digest)} to ${shortDigest(a.subject.digest)}`);
      }
      return {
        attached,
        ...(warnings.length > 0 ? { warnings } : {}),
        kind: "registry",
        reference: `${ref.registry}/${ref.repository}:${targetTags[0]}@${item.digest}`,
        digest: item.digest,
        blobs: { uploaded: stats.uploaded, existing: stats.existing, mounted: stats.mounted, uploadedBytes: stats.bytes },
      };
    },
  };
}

/**
 * The repository of the image's base (its org.opencontainers.image.base.name) when it is in
 * `registry`: the base's layers are mounted from there, not sent again.
 */
function baseRepositoryIn(registry: string, image: Image): string | undefined {
  // Docker-format manifests carry no annotations; the config's labels say the same.
  const name = image.manifest.annotations?.[BASE_NAME] ?? image.config.config?.Labels?.[BASE_NAME];
  if (name === undefined) return undefined;
  try {
    const base = parseImageReference(name);
    return base.transport === "registry" && base.registry === registry ? base.repository : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds `descriptor` to the index under the referrers fallback tag `sha256-<hex>` of `subject`,
 * where registries without the referrers API keep the list (OCI distribution 1.1): the
 * artifacts other tools listed there (signatures, attestations) stay, one already there is not
 * added again.
 */
async function listUnderReferrersTag(client: RegistryClient, repository: string, subject: string, descriptor: Descriptor): Promise<void> {
  const tag = referrersTag(subject);
  let listed: Descriptor[] = [];
  try {
    const current = await client.getManifest(repository, tag);
    const parsed = JSON.parse(current.bytes.toString("utf8")) as { manifests?: unknown };
    if (Array.isArray(parsed.manifests)) listed = parsed.manifests as Descriptor[];
  } catch (err) {
    if (!(err instanceof RegistryError && err.status === 404) && !(err instanceof SyntaxError)) throw err;
  }
  if (listed.some((d) => d.digest === descriptor.digest)) return;
  await client.putManifest(repository, tag, buildIndexOfDescriptors([...listed, descriptor]), MediaTypes.ociIndex);
}
