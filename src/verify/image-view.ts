/**
 * The read-only view of an image that the verify checks look at: platform, config, history, the
 * final file system and the Go binaries in it. Any image source (a layout, an archive, a registry,
 * an unpacked directory) can provide one; the checks know nothing about where it came from.
 */
import type { GoBinaryInfo } from "../gobinary/index.js";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The `config` object of an OCI or Docker image config, with the fields the checks read. */
export interface ContainerConfig {
  User?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  /** Docker's field; podman keeps it only for Docker media types. `Test` is ["CMD", …], ["CMD-SHELL", cmd] or ["NONE"]. */
  Healthcheck?: { Test?: string[] };
  WorkingDir?: string;
  /** Docker's SHELL instruction; the runtime default is ["/bin/sh", "-c"]. */
  Shell?: string[];
}

export interface HistoryEntry {
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export type FileType = "file" | "dir" | "symlink" | "hardlink" | "other";

export interface FileEntry {
  type: FileType;
  /** Permission bits including setuid, setgid and sticky (mode & 0o7777). */
  mode: number;
  size: number;
  uid: number;
  gid: number;
  /** Symlink target as stored, or the image path a hard link points to. */
  linkTarget?: string;
}

export interface GoBinaryInImage {
  /** Absolute path in the image. */
  path: string;
  info: GoBinaryInfo;
}

export interface EarlierLayerSecret {
  /** Absolute path in the image. */
  path: string;
  /** Index of the layer that holds it (0 is the base). */
  layer: number;
  kind: string;
}

export interface ImageView {
  platform: Platform;
  config: ContainerConfig;
  history: HistoryEntry[];
  /**
   * The final file system: normalised absolute path ("/etc/passwd") → entry. Parent directories
   * may be absent (archives need not list them); absent parents count as plain directories.
   */
  files: ReadonlyMap<string, FileEntry>;
  /** Up to `maxBytes` of the regular file stored at exactly `path` (no link following); undefined when there is none. */
  readFile(path: string, maxBytes: number): Promise<Buffer | undefined>;
  goBinaries: GoBinaryInImage[];
  /**
   * Secret files (SV011's kinds) a layer wrote that the final file system no longer shows, because
   * a later layer deleted or replaced them: anyone who pulls the image can still read that layer.
   * Only sources with layers know them.
   */
  earlierLayerSecrets?: EarlierLayerSecret[];
  /** Sum of the stored layer blobs' sizes, when the source knows it (compressed unless `layersCompressed` is false). */
  compressedSize?: number;
  /** False when some layer blob is stored as plain tar (podman save): compressedSize is then no compressed size. */
  layersCompressed?: boolean;
  uncompressedSize: number;
}
