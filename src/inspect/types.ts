import type { LayerCompression } from "../image/media-types.js";
import type { StoredCompression } from "./stored.js";

/** What `slimgo inspect` reports about one single-platform image; the JSON output is exactly this. */

export interface LayerReport {
  index: number;
  digest: string;
  diffId: string;
  mediaType: string;
  /** Size of the stored blob in bytes: compressed or not, as `compression` says. */
  size: number;
  /** How the blob is stored, from its media type: gzip, zstd, or none (a plain tar, as podman save and containers-storage keep it). */
  compression: LayerCompression;
  /** Bytes of regular files this layer writes. */
  filesBytes: number;
  added: number;
  changed: number;
  removed: number;
  /** The history entry that made the layer (its Dockerfile instruction), when the config records one. */
  createdBy?: string;
  created?: string;
  comment?: string;
}

export interface ConfigReport {
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  workingDir?: string;
  /** NAME=value lines; values of secret-looking names are shown as ****. */
  env: string[];
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  healthcheck?: { test?: string[]; interval?: number; timeout?: number; startPeriod?: number; retries?: number };
  stopSignal?: string;
}

export interface GoBinaryReport {
  path: string;
  size: number;
  goVersion?: string;
  /** Import path of the main package. */
  packagePath?: string;
  module?: { path: string; version: string };
  vcsRevision?: string;
  vcsModified?: boolean;
  settings: { cgoEnabled?: boolean; trimpath: boolean; ldflags?: string; goos?: string; goarch?: string; tags?: string };
  dependencies: number;
  machine: string;
  linking: "static" | "dynamic";
  interpreter?: string;
  needed: string[];
  stripped: boolean;
  debugInfo: boolean;
  /** Run-time needs read from the linked functions: "crypto/x509 roots", "time zone loading", … */
  runtimeNeeds: string[];
  /** Number of packages linked, when the function table was read. */
  packagesLinked?: number;
  warnings: string[];
}

/** The file the image's exec-form entrypoint (or Cmd) starts, and what kind of program it is. */
export interface ProgramReport {
  path: string;
  /** "ELF program (x86_64)", "Windows PE executable (x86-64)", "#! script", … */
  format: string;
  /** Why the image's platform cannot exec it ("exec format error"), when it cannot. */
  problem?: string;
}

export interface TreeEntry {
  path: string;
  type: string;
  size: number;
  mode: string;
  layer: number;
  linkTarget?: string;
}

/** Bytes of the final file system under one directory, with its biggest subdirectories. */
export interface DirectoryBytes {
  path: string;
  bytes: number;
  files: number;
  children: DirectoryBytes[];
}

export interface ImageInspection {
  reference: string;
  /** Manifest digest of this image. */
  digest: string;
  mediaType: string;
  platform: string;
  created?: string;
  baseImage?: { name?: string; digest?: string };
  /** The manifest's annotations (OCI format; Docker-format manifests have none), values of secret-looking names as ****. */
  annotations: Record<string, string>;
  size: {
    /** Sum of the stored layer blobs, the same as `stored`: compressed only when the layers are (see `storedCompression`). */
    compressed: number;
    /** Sum of the stored layer blobs. */
    stored: number;
    /** How the layers are stored: one compression for all (gzip, zstd, none), or mixed. */
    storedCompression: StoredCompression;
    /** Sum of regular files over all layers (what unpacking writes). */
    layersFiles: number;
    /** Regular files in the final file system. */
    final: number;
    /** Files written by one layer and overwritten or deleted by a later one. */
    wasted: number;
  };
  layerCount: number;
  layers: LayerReport[];
  config: ConfigReport;
  /** The program the container starts, when exec form names a file in the image. */
  program?: ProgramReport;
  goBinaries: GoBinaryReport[];
  directories: DirectoryBytes;
  /** The final file tree, with --tree. */
  tree?: TreeEntry[];
  warnings: string[];
}

/** The whole `inspect --json` document: one entry per platform. */
export interface InspectResult {
  reference: string;
  /** Digest of what the reference names (the index when it is one). */
  digest: string;
  mediaType: string;
  index: boolean;
  images: ImageInspection[];
}
