// Writes OCI layouts byte by byte with no checks, so tests can hand slimgo tampered, truncated and
// hostile images that slimgo's own writer would refuse to make.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export interface RawLayer {
  /** The blob as stored. */
  blob: Buffer;
  /** Defaults to the blob's digest (write a wrong one to test tampering). */
  digest?: string;
  diffId: string;
  mediaType?: string;
}

/** A one-image OCI layout at `dir` with the given layers; blobs are stored under the digests given. */
export function writeRawLayout(dir: string, layers: RawLayer[], config: Record<string, unknown> = {}): string {
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const put = (bytes: Buffer, digest = sha256(bytes)): string => {
    writeFileSync(join(dir, "blobs", "sha256", digest.slice("sha256:".length)), bytes);
    return digest;
  };
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { User: "65532", Entrypoint: ["/app"] },
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created_by: `layer ${i}` })),
      ...config,
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: put(configBytes), size: configBytes.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType ?? "application/vnd.oci.image.layer.v1.tar+gzip", digest: put(l.blob, l.digest), size: l.blob.length })),
    }),
  );
  const manifestDigest = put(manifest);
  writeFileSync(join(dir, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: manifestDigest, size: manifest.length, annotations: { "org.opencontainers.image.ref.name": "test" } }] }),
  );
  return manifestDigest;
}
