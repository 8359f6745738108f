/** Media types of the two image formats slimgo reads and writes. */
export const MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  dockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
} as const;

/** `oci` gives OCI media types; `docker` gives Docker v2s2 ones (podman keeps `Healthcheck` only for these). */
export type ImageFormat = "oci" | "docker";

export type LayerCompression = "gzip" | "zstd" | "none";

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export function isManifestMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

export function formatOfMediaType(mediaType: string): ImageFormat {
  return mediaType.startsWith("application/vnd.docker.") ? "docker" : "oci";
}

export function compressionOfLayer(mediaType: string): LayerCompression {
  if (mediaType.endsWith("+zstd") || mediaType.endsWith(".zstd")) return "zstd";
  if (mediaType.endsWith("gzip")) return "gzip";
  return "none";
}

export function manifestMediaType(format: ImageFormat): string {
  return format === "docker" ? MediaType.dockerManifest : MediaType.ociManifest;
}

export function indexMediaType(format: ImageFormat): string {
  return format === "docker" ? MediaType.dockerManifestList : MediaType.ociIndex;
}

export function configMediaType(format: ImageFormat): string {
  return format === "docker" ? MediaType.dockerConfig : MediaType.ociConfig;
}

/** The layer media type for `format` with the given compression; Docker v2s2 has no zstd. */
export function layerMediaType(format: ImageFormat, compression: LayerCompression): string {
  if (format === "docker") {
    if (compression === "zstd") throw new Error("Docker v2s2 images cannot carry zstd layers: use --format oci");
    return compression === "gzip" ? MediaType.dockerLayerGzip : MediaType.dockerLayer;
  }
  if (compression === "zstd") return MediaType.ociLayerZstd;
  return compression === "gzip" ? MediaType.ociLayerGzip : MediaType.ociLayer;
}
