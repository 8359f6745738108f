import { SlimgoError } from "../errors.js";
import { canonicalJsonBytes } from "./canonical-json.js";
import { sha256 } from "./digest.js";
import { withLayerMediaType } from "./layer.js";
import {
  compressionOfLayer,
  configMediaType,
  formatOfMediaType,
  indexMediaType,
  layerMediaType,
  manifestMediaType,
  type ImageFormat,
} from "./media-types.js";
import {
  descriptorOf,
  isImageIndex,
  type ImageOrIndex,
  platformOf,
  platformString,
  type ConfigFile,
  type ContainerConfig,
  type Descriptor,
  type HistoryEntry,
  type Image,
  type ImageIndex,
  type ImageManifest,
  type IndexManifest,
  type Layer,
  type Platform,
} from "./types.js";

/**
 * Pure functions deriving new images from old ones (after go-containerregistry's mutate).
 * Every result is serialised as canonical JSON, so equal inputs give equal digests.
 */

export interface ImageParts {
  format: ImageFormat;
  config: ConfigFile;
  layers: Layer[];
  /** Manifest annotations; Docker v2s2 manifests have no such field, so they are dropped there. */
  annotations?: Record<string, string>;
}

/** Serialises config and manifest; the config's rootfs.diff_ids always follow `layers`. */
export function assembleImage(parts: ImageParts): Image {
  const layers = parts.layers.map((l) => withLayerMediaType(l, layerMediaType(parts.format, compressionOfLayer(l.mediaType))));
  const config: ConfigFile = { ...parts.config, rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) } };
  const rawConfig = canonicalJsonBytes(config);
  const mediaType = manifestMediaType(parts.format);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: configMediaType(parts.format), digest: sha256(rawConfig), size: rawConfig.length },
    layers: layers.map((l) => {
      const d: Descriptor = { mediaType: l.mediaType, digest: l.digest, size: l.size };
      if (l.annotations !== undefined && parts.format === "oci") d.annotations = l.annotations;
      return d;
    }),
  };
  if (parts.format === "oci" && parts.annotations !== undefined && Object.keys(parts.annotations).length > 0) {
    manifest.annotations = parts.annotations;
  }
  const rawManifest = canonicalJsonBytes(manifest);
  return { mediaType, rawManifest, digest: sha256(rawManifest), manifest, rawConfig, config: JSON.parse(rawConfig.toString("utf8")) as ConfigFile, layers };
}

function partsOf(image: Image): ImageParts {
  const parts: ImageParts = { format: formatOfMediaType(image.mediaType), config: image.config, layers: image.layers };
  if (image.manifest.annotations !== undefined) parts.annotations = image.manifest.annotations;
  return parts;
}

/** An image with no layers for `platform` (what `FROM scratch` gives). */
export function emptyImage(platform: Platform, format: ImageFormat = "oci"): Image {
  const config: ConfigFile = {
    architecture: platform.architecture,
    os: platform.os,
    config: {},
    rootfs: { type: "layers", diff_ids: [] },
    history: [],
  };
  if (platform.variant !== undefined) config.variant = platform.variant;
  if (platform["os.version"] !== undefined) config["os.version"] = platform["os.version"];
  return assembleImage({ format, config, layers: [] });
}

/**
 * Adds layers on top, with one history entry per layer (`history` as a list of the same length,
 * or one entry used for each).
 */
export function appendLayers(image: Image, layers: Layer[], history: HistoryEntry | HistoryEntry[] = {}): Image {
  const entries = Array.isArray(history) ? history : layers.map(() => history);
  if (entries.length !== layers.length) {
    throw new SlimgoError(`appendLayers: ${layers.length} layers but ${entries.length} history entries`);
  }
  const parts = partsOf(image);
  const config: ConfigFile = {
    ...parts.config,
    history: [...(parts.config.history ?? []), ...entries.map((h) => ({ ...h, empty_layer: undefined }))],
  };
  return assembleImage({ ...parts, config, layers: [...image.layers, ...layers] });
}

/** Top-level config fields to set, and container config fields merged over the old ones (undefined removes). */
export type ConfigPatch = Partial<Omit<ConfigFile, "rootfs" | "config">> & { config?: Partial<ContainerConfig> };

export function withConfig(image: Image, patch: ConfigPatch): Image {
  const parts = partsOf(image);
  const { config: containerPatch, ...top } = patch;
  const containerConfig: Record<string, unknown> = { ...parts.config.config };
  for (const [k, v] of Object.entries(containerPatch ?? {})) {
    if (v === undefined) delete containerConfig[k];
    else containerConfig[k] = v;
  }
  const config: Record<string, unknown> = { ...parts.config, config: containerConfig };
  for (const [k, v] of Object.entries(top)) {
    if (v === undefined) delete config[k];
    else config[k] = v;
  }
  return assembleImage({ ...parts, config: config as ConfigFile });
}

/** Merges manifest annotations (OCI format only; Docker v2s2 has none). */
export function withAnnotations(image: Image, annotations: Record<string, string>): Image {
  const parts = partsOf(image);
  return assembleImage({ ...parts, annotations: { ...(parts.annotations ?? {}), ...annotations } });
}

/** The manifest annotations are exactly `annotations` (OCI format only): none of the old ones stay. */
export function replaceAnnotations(image: Image, annotations: Record<string, string>): Image {
  return assembleImage({ ...partsOf(image), annotations });
}

/** The same image with another format's media types (layers and config blobs are unchanged). */
export function withFormat(image: Image, format: ImageFormat): Image {
  if (formatOfMediaType(image.mediaType) === format) return image;
  return assembleImage({ ...partsOf(image), format });
}

export function toDockerMediaTypes(image: Image): Image {
  return withFormat(image, "docker");
}

export function toOciMediaTypes(image: Image): Image {
  return withFormat(image, "oci");
}

/**
 * An index of single-platform images, in the order given. All images take the first one's format
 * (or `options.format`); two images for the same platform are refused.
 */
export function buildIndex(images: Image[], options: { format?: ImageFormat; annotations?: Record<string, string> } = {}): ImageIndex {
  if (images.length === 0) throw new SlimgoError("buildIndex: an index needs at least one image");
  const format = options.format ?? formatOfMediaType(images[0]!.mediaType);
  const seen = new Set<string>();
  const children = images.map((original) => {
    const image = withFormat(original, format);
    const platform = platformOf(image);
    const key = platformString(platform);
    if (seen.has(key)) throw new SlimgoError(`buildIndex: two images for platform ${key}`);
    seen.add(key);
    return { descriptor: descriptorOf(image, { platform }), image };
  });
  const mediaType = indexMediaType(format);
  const index: IndexManifest = { schemaVersion: 2, mediaType, manifests: children.map((c) => c.descriptor) };
  if (format === "oci" && options.annotations !== undefined && Object.keys(options.annotations).length > 0) {
    index.annotations = options.annotations;
  }
  const rawManifest = canonicalJsonBytes(index);
  return { mediaType, rawManifest, digest: sha256(rawManifest), index, manifests: children };
}

/** An image or index with every manifest in `format` (an index is rebuilt over converted children). */
export function convertFormat(item: ImageOrIndex, format: ImageFormat): ImageOrIndex {
  if (!isImageIndex(item)) return withFormat(item, format);
  if (formatOfMediaType(item.mediaType) === format) return item;
  return buildIndex(item.manifests.map((m) => m.image), { format, annotations: item.index.annotations });
}

/** Canonical bytes of an OCI index over descriptors (e.g. a referrers list). */
export function buildIndexOfDescriptors(manifests: Descriptor[]): Buffer {
  const index: IndexManifest = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests };
  return canonicalJsonBytes(index);
}
