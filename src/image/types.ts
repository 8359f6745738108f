import type { Readable } from "node:stream";
import type { Digest } from "./digest.js";
import { inputError } from "../errors.js";

/** The model every source and sink speaks (after go-containerregistry's v1.Image and v1.Layer). */

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  "os.version"?: string;
  "os.features"?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface IndexManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The `config` member of an image configuration: what the runtime uses to start a container. */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** Docker v2s2 only: podman drops it from OCI-format images. */
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean;
  OnBuild?: string[];
  Shell?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The image configuration blob (OCI image-spec config.md / Docker image JSON). */
export interface ConfigFile {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  "os.version"?: string;
  "os.features"?: string[];
  config: ContainerConfig;
  rootfs: { type: "layers"; diff_ids: Digest[] };
  history?: HistoryEntry[];
  [extra: string]: unknown;
}

export interface Layer {
  /** Digest of the blob as stored (compressed when the media type says so). */
  digest: Digest;
  /** Digest of the uncompressed tar, as listed in the config's rootfs.diff_ids. */
  diffId: Digest;
  /** Size of the stored blob in bytes. */
  size: number;
  mediaType: string;
  annotations?: Record<string, string>;
  /** The stored (compressed) bytes; verified against `digest` by sources that read untrusted data. */
  open(): Promise<Readable>;
  /** A file that holds exactly the stored bytes, when there is one: a sink on disk may copy it rather than stream it. */
  storedPath?: string;
  /** The uncompressed tar stream. */
  openUncompressed(): Promise<Readable>;
}

/** One single-platform image. Raw bytes are what digests are computed over; parsed forms are for reading. */
export interface Image {
  mediaType: string;
  rawManifest: Buffer;
  digest: Digest;
  manifest: ImageManifest;
  rawConfig: Buffer;
  config: ConfigFile;
  layers: Layer[];
}

export interface IndexChild {
  descriptor: Descriptor;
  image: Image;
}

/** A multi-platform image: an OCI image index or Docker manifest list. */
export interface ImageIndex {
  mediaType: string;
  rawManifest: Buffer;
  digest: Digest;
  index: IndexManifest;
  manifests: IndexChild[];
}

export type ImageOrIndex = Image | ImageIndex;

export function isImageIndex(value: ImageOrIndex): value is ImageIndex {
  return "manifests" in value;
}

export function platformOf(image: Image): Platform {
  const { os, architecture, variant } = image.config;
  const platform: Platform = { os, architecture };
  if (variant !== undefined) platform.variant = variant;
  if (image.config["os.version"] !== undefined) platform["os.version"] = image.config["os.version"];
  return platform;
}

/** `linux/arm64/v8`-style name of a platform. */
export function platformString(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((p) => p !== undefined && p !== "").join("/");
}

/** Parses `linux/amd64`, `linux/arm/v7`; throws on anything else. */
export function parsePlatform(value: string): Platform {
  const parts = value.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw inputError(`"${value}" is not a platform: write os/arch[/variant], e.g. linux/amd64`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** The image's manifest as a descriptor, for index entries and layouts. */
export function descriptorOf(item: ImageOrIndex, extra: { annotations?: Record<string, string>; platform?: Platform } = {}): Descriptor {
  const descriptor: Descriptor = { mediaType: item.mediaType, digest: item.digest, size: item.rawManifest.length };
  if (extra.platform !== undefined) descriptor.platform = extra.platform;
  if (extra.annotations !== undefined && Object.keys(extra.annotations).length > 0) descriptor.annotations = extra.annotations;
  return descriptor;
}
