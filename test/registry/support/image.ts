// A small valid image made by hand for push tests: one gzipped tar layer built with the tar
// CLI, a config, an OCI manifest and an index that points at it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { sha256 } from "../../../src/image/digest.js";
import type { BlobSource } from "../../../src/registry/client.js";

export interface TestBlob extends BlobSource {
  bytes: Buffer;
}

export interface TestImage {
  layer: TestBlob;
  config: TestBlob;
  manifest: { bytes: Buffer; digest: string; mediaType: string };
  index: { bytes: Buffer; digest: string; mediaType: string };
}

export function blobOf(bytes: Buffer): TestBlob {
  return { bytes, digest: sha256(bytes), size: bytes.length, open: () => Readable.from([bytes]) };
}

/** `content` goes into /hello.txt; different content gives different digests. */
export function makeTestImage(content: string): TestImage {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-image-"));
  try {
    mkdirSync(join(dir, "root"));
    writeFileSync(join(dir, "root", "hello.txt"), content);
    execFileSync("tar", ["-C", join(dir, "root"), "--owner=0", "--group=0", "--mtime=@0", "-cf", join(dir, "layer.tar"), "hello.txt"]);
    const tar = readFileSync(join(dir, "layer.tar"));
    const layer = blobOf(gzipSync(tar));
    const config = blobOf(
      Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [sha256(tar)] } })),
    );
    const manifestBytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.size },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer.digest, size: layer.size }],
      }),
    );
    const manifest = { bytes: manifestBytes, digest: sha256(manifestBytes), mediaType: "application/vnd.oci.image.manifest.v1+json" };
    const indexBytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          { mediaType: manifest.mediaType, digest: manifest.digest, size: manifestBytes.length, platform: { architecture: "amd64", os: "linux" } },
        ],
      }),
    );
    const index = { bytes: indexBytes, digest: sha256(indexBytes), mediaType: "application/vnd.oci.image.index.v1+json" };
    return { layer, config, manifest, index };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
