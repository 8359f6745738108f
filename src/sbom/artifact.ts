import { canonicalJsonBytes } from "../image/canonical-json.js";
import { sha256 } from "../image/digest.js";
import type { Descriptor, ImageManifest } from "../image/types.js";

export const SPDX_MEDIA_TYPE = "application/spdx+json";
const EMPTY_CONFIG = Buffer.from("{}");

export interface Artifact {
  manifest: Buffer;
  digest: string;
  mediaType: string;
  blobs: { digest: string; bytes: Buffer }[];
}

/**
 * An OCI 1.1 artifact manifest carrying an SBOM, whose `subject` is the image it describes:
 * registries with the referrers API list it there; the others find it through the fallback
 * tag `sha256-<image digest hex>`.
 */
export function sbomArtifact(sbom: Buffer, subject: Descriptor, annotations: Record<string, string> = {}): Artifact {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType: SPDX_MEDIA_TYPE,
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: sha256(EMPTY_CONFIG), size: EMPTY_CONFIG.length },
    layers: [{ mediaType: SPDX_MEDIA_TYPE, digest: sha256(sbom), size: sbom.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  if (Object.keys(annotations).length > 0) manifest.annotations = annotations;
  const bytes = canonicalJsonBytes(manifest);
  return {
    manifest: bytes,
    digest: sha256(bytes),
    mediaType: manifest.mediaType!,
    blobs: [
      { digest: sha256(EMPTY_CONFIG), bytes: EMPTY_CONFIG },
      { digest: sha256(sbom), bytes: sbom },
    ],
  };
}

/** The referrers fallback tag for a digest (OCI distribution spec 1.1). */
export function referrersTag(digest: string): string {
  return digest.replace(":", "-");
}
