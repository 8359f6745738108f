import { walkLayer, type TarEntryKind, type TarLimits, type TarVisitorEntry } from "../tar/read.js";
import type { Image } from "./types.js";

/** One path in an image's final file system. */
export interface FileNode {
  path: string;
  type: TarEntryKind;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  /** Index of the layer that last wrote this path. */
  layer: number;
}

export interface LayerChanges {
  index: number;
  digest: string;
  /** Paths this layer creates that no lower layer had. */
  added: string[];
  /** Paths this layer replaces (files, links, or directories whose metadata changed). */
  changed: string[];
  /** Paths this layer deletes with whiteouts (descendants included). */
  removed: string[];
  /** Bytes of regular files this layer adds or replaces. */
  bytes: number;
}

export interface ImageFilesystem {
  files: Map<string, FileNode>;
  layers: LayerChanges[];
  /** Bytes of files written by one layer and overwritten or deleted by a later one. */
  wastedBytes: number;
  /** Bytes of regular files in the final file system. */
  totalBytes: number;
  warnings: string[];
}

export interface FilesystemOptions {
  limits?: TarLimits;
  /**
   * Called for every entry (whiteouts excluded) with its layer index, so callers can read small
   * files or hash big ones in the same pass. Content read here may be overwritten by a later layer.
   */
  onEntry?: (entry: TarVisitorEntry, layer: number) => Promise<void> | void;
}

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

function isUnder(path: string, dir: string): boolean {
  return dir === "" ? path !== "" : path.startsWith(`${dir}/`);
}

/**
 * The file system an image's layers add up to, applying whiteouts (`.wh.name` deletes a lower
 * path) and opaque directories (`.wh..wh..opq` hides everything lower layers put in that directory),
 * with what each layer added, changed and removed and how many bytes are wasted.
 */
export async function computeFilesystem(image: Image, options: FilesystemOptions = {}): Promise<ImageFilesystem> {
  const files = new Map<string, FileNode>();
  const layers: LayerChanges[] = [];
  const warnings: string[] = [];
  let wastedBytes = 0;

  const removeLower = (path: string, layer: number, changes: LayerChanges, includeSelf: boolean): void => {
    for (const [p, node] of files) {
      if (node.layer >= layer) continue;
      if ((includeSelf && p === path) || isUnder(p, path)) {
        if (node.type === "file") wastedBytes += node.size;
        files.delete(p);
        changes.removed.push(p);
      }
    }
  };

  for (const [index, layer] of image.layers.entries()) {
    const changes: LayerChanges = { index, digest: layer.digest, added: [], changed: [], removed: [], bytes: 0 };
    await walkLayer(
      layer,
      async (entry) => {
        const { header } = entry;
        if (header.path === "") return;
        const slash = header.path.lastIndexOf("/");
        const dir = slash === -1 ? "" : header.path.slice(0, slash);
        const base = header.path.slice(slash + 1);
        if (base === OPAQUE) {
          removeLower(dir, index, changes, false);
          return;
        }
        if (base.startsWith(WHITEOUT)) {
          const target = (dir === "" ? "" : `${dir}/`) + base.slice(WHITEOUT.length);
          removeLower(target, index, changes, true);
          return;
        }
        const previous = files.get(header.path);
        const node: FileNode = { path: header.path, type: header.type, size: header.size, mode: header.mode, uid: header.uid, gid: header.gid, layer: index };
        if (header.linkTarget !== undefined) node.linkTarget = header.linkTarget;
        if (previous === undefined) {
          changes.added.push(header.path);
        } else if (previous.type === "dir" && node.type === "dir") {
          if (previous.mode !== node.mode || previous.uid !== node.uid || previous.gid !== node.gid) changes.changed.push(header.path);
        } else {
          changes.changed.push(header.path);
          if (previous.type === "file" && previous.layer < index) wastedBytes += previous.size;
          // A directory replaced by a non-directory takes its contents with it.
          if (previous.type === "dir") removeLower(header.path, index, changes, false);
        }
        if (node.type === "file") changes.bytes += node.size;
        files.set(header.path, node);
        await options.onEntry?.(entry, index);
      },
      { limits: options.limits, onWarning: (m) => warnings.push(m) },
    );
    layers.push(changes);
  }
  let totalBytes = 0;
  for (const node of files.values()) if (node.type === "file") totalBytes += node.size;
  return { files, layers, wastedBytes, totalBytes, warnings };
}

const MAX_LINK_FOLLOWS = 40;

/**
 * The node a path names in the final file system, following symlinks the way the container would:
 * absolute targets start at the image root and ".." stops at it, so a link can never lead outside
 * the image. Undefined when the path does not exist or links loop.
 */
export function resolveInImage(files: Map<string, FileNode>, path: string): FileNode | undefined {
  const pending = path.split("/").filter((p) => p !== "" && p !== ".");
  let current: string[] = [];
  let follows = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "..") {
      current.pop();
      continue;
    }
    const candidate = [...current, part].join("/");
    const node = files.get(candidate);
    if (node?.type === "symlink") {
      if (++follows > MAX_LINK_FOLLOWS) return undefined;
      const target = node.linkTarget ?? "";
      if (target.startsWith("/")) current = [];
      pending.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
      continue;
    }
    if (node === undefined && pending.length > 0 && !hasChildren(files, candidate)) return undefined;
    current.push(part);
  }
  const final = current.join("/");
  if (final === "") return { path: "", type: "dir", size: 0, mode: 0o755, uid: 0, gid: 0, layer: -1 };
  const node = files.get(final);
  if (node?.type === "hardlink") return files.get((node.linkTarget ?? "").split("/").filter((p) => p !== "" && p !== ".").join("/")) ?? node;
  return node;
}

/** Archives need not list parent directories, so a path with descendants counts as a directory. */
function hasChildren(files: Map<string, FileNode>, dir: string): boolean {
  for (const key of files.keys()) if (key.startsWith(`${dir}/`)) return true;
  return false;
}
