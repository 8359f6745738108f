/**
 * An ImageView over a root file system unpacked on disk (umoci unpack, podman image mount) and
 * the image's config JSON. Nothing on the host is followed: symlinks are recorded, not resolved,
 * and files are opened without following links.
 */
import { constants } from "node:fs";
import { lstat, open, readdir, readFile, readlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { issueKeys, valibot } from "../lazy-valibot.js";
import { inputError } from "../errors.js";
import { isElf, readGoBinary } from "../gobinary/index.js";
import type { ContainerConfig, FileEntry, FileType, GoBinaryInImage, HistoryEntry, ImageView, Platform } from "./image-view.js";

const v = valibot();

export interface DirectoryViewOptions {
  /** Give up on trees with more entries than this (default 2,000,000). */
  maxEntries?: number;
  /** Known compressed size of the image's layers, if the caller has it. */
  compressedSize?: number;
}

const stringList = v.nullish(v.array(v.string()));
const imageConfigSchema = v.object({
  architecture: v.string(),
  os: v.string(),
  variant: v.optional(v.string()),
  config: v.nullish(
    v.object({
      User: v.nullish(v.string()),
      Entrypoint: stringList,
      Cmd: stringList,
      Env: stringList,
      Labels: v.nullish(v.record(v.string(), v.string())),
      Healthcheck: v.nullish(v.object({ Test: stringList })),
      WorkingDir: v.nullish(v.string()),
      Shell: stringList,
    }),
  ),
  history: v.nullish(v.array(v.object({ created_by: v.optional(v.string()), comment: v.optional(v.string()), empty_layer: v.optional(v.boolean()) }))),
});

/** Parses an OCI/Docker image config (the JSON blob the manifest's `config` points to). */
export function parseImageConfig(json: unknown, source = "image config"): { platform: Platform; config: ContainerConfig; history: HistoryEntry[] } {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw inputError(`${source}: not JSON (${(error as Error).message}); pass the image's config blob`, { file: source });
    }
  }
  const parsed = v.safeParse(imageConfigSchema, value);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw inputError(`${source}: not an image config (${issueKeys(issue).join(".") || "root"}: ${issue.message}); pass the image's config blob`, { file: source });
  }
  const { architecture, os, variant, config: raw, history } = parsed.output;
  const config: ContainerConfig = {};
  if (raw) {
    if (raw.User != null) config.User = raw.User;
    if (raw.Entrypoint != null) config.Entrypoint = raw.Entrypoint;
    if (raw.Cmd != null) config.Cmd = raw.Cmd;
    if (raw.Env != null) config.Env = raw.Env;
    if (raw.Labels != null) config.Labels = raw.Labels;
    if (raw.Healthcheck != null) config.Healthcheck = raw.Healthcheck.Test != null ? { Test: raw.Healthcheck.Test } : {};
    if (raw.WorkingDir != null) config.WorkingDir = raw.WorkingDir;
    if (raw.Shell != null) config.Shell = raw.Shell;
  }
  return { platform: { os, architecture, ...(variant ? { variant } : {}) }, config, history: history ?? [] };
}

function fileType(stats: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "dir";
  if (stats.isSymbolicLink()) return "symlink";
  return "other";
}

async function readNoFollow(hostPath: string, maxBytes: number): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Builds an ImageView from `rootfsDir` (the image's final file system on disk) and its config
 * (JSON text or parsed). Walks the tree with lstat and reads every executable ELF file as a Go binary.
 */
export async function imageViewFromDirectory(rootfsDir: string, imageConfig: unknown, options: DirectoryViewOptions = {}): Promise<ImageView> {
  const rootStats = await lstat(rootfsDir).catch(() => undefined);
  if (!rootStats?.isDirectory()) throw inputError(`${rootfsDir}: not a directory; pass the unpacked root file system of the image`, { file: rootfsDir });
  const { platform, config, history } = parseImageConfig(imageConfig);
  const maxEntries = options.maxEntries ?? 2_000_000;
  const files = new Map<string, FileEntry>();
  const host = (imagePath: string) => join(rootfsDir, ...imagePath.split("/").filter(Boolean));
  files.set("/", { type: "dir", mode: rootStats.mode & 0o7777, size: 0, uid: rootStats.uid, gid: rootStats.gid });

  let uncompressedSize = 0;
  const executables: string[] = [];
  const pending = ["/"];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for (const dirent of await readdir(host(dir), { withFileTypes: true })) {
      const path = posix.join(dir, dirent.name);
      const stats = await lstat(host(path));
      const type = fileType(stats);
      const entry: FileEntry = { type, mode: stats.mode & 0o7777, size: type === "file" ? stats.size : 0, uid: stats.uid, gid: stats.gid };
      if (type === "symlink") entry.linkTarget = await readlink(host(path));
      files.set(path, entry);
      if (files.size > maxEntries) throw inputError(`${rootfsDir}: more than ${maxEntries} files; this is not an image root file system`, { file: rootfsDir });
      if (type === "dir") pending.push(path);
      if (type === "file") {
        uncompressedSize += stats.size;
        if ((entry.mode & 0o111) !== 0 && stats.size >= 64) executables.push(path);
      }
    }
  }

  const goBinaries: GoBinaryInImage[] = [];
  for (const path of executables.sort()) {
    const head = await readNoFollow(host(path), 4);
    if (head === undefined || !isElf(head)) continue;
    try {
      const info = await readGoBinary(host(path));
      if (info !== undefined) goBinaries.push({ path, info: { ...info, file: path } });
    } catch {
      // A corrupt ELF is not a Go binary the checks can reason about; other checks still see the file.
    }
  }

  return {
    platform,
    config,
    history,
    files,
    readFile: async (path, maxBytes) => (files.get(path)?.type === "file" ? readNoFollow(host(path), maxBytes) : undefined),
    goBinaries,
    ...(options.compressedSize === undefined ? {} : { compressedSize: options.compressedSize }),
    uncompressedSize,
  };
}

/** Reads a config JSON file for `imageViewFromDirectory`. */
export async function readImageConfigFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw inputError(`${path}: cannot read the image config (${(error as Error).message}); pass the config JSON blob`, { file: path });
  }
}
