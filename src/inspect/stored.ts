import type { LayerCompression } from "../image/media-types.js";

/** How an image's layer blobs are stored: one compression for all, or "mixed". */
export type StoredCompression = LayerCompression | "mixed";

/** A layer's stored form in words: gzip, zstd, or uncompressed (a plain tar, as podman save writes). */
export function compressionWord(compression: LayerCompression): string {
  return compression === "none" ? "uncompressed" : compression;
}

export function storedCompressionOf(layers: readonly { compression: LayerCompression }[]): StoredCompression {
  const kinds = new Set(layers.map((l) => l.compression));
  if (kinds.size === 0) return "gzip";
  return kinds.size === 1 ? [...kinds][0]! : "mixed";
}

/** What the stored size is, for the sum over all layers: "gzip", "uncompressed", or "2 gzip and 1 uncompressed layers". */
export function storedWording(layers: readonly { compression: LayerCompression }[]): string {
  const counts = new Map<LayerCompression, number>();
  for (const l of layers) counts.set(l.compression, (counts.get(l.compression) ?? 0) + 1);
  if (counts.size <= 1) return compressionWord(layers[0]?.compression ?? "gzip");
  return `${[...counts].map(([c, n]) => `${n} ${compressionWord(c)}`).join(" and ")} layers`;
}
