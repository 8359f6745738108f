/**
 * Path lookups inside an image's file system. Symlinks resolve against the image root, never the
 * host's, the way the container runtime sees them. Hand-written: path.posix knows nothing about
 * links stored in a map.
 */
import { posix } from "node:path";
import type { FileEntry, ImageView } from "./image-view.js";

/** Links followed before giving up (Linux's limit for one lookup). */
const MAX_LINK_HOPS = 40;

/** "/a/./b//c/../d" → "/a/b/d"; relative paths are taken from `base`; ".." stops at "/". */
export function normalizeImagePath(path: string, base = "/"): string {
  const joined = posix.isAbsolute(path) ? path : posix.join(base, path);
  const normal = posix.normalize(joined);
  return normal.length > 1 && normal.endsWith("/") ? normal.slice(0, -1) : normal;
}

export interface ResolvedPath {
  /** The path with every symlink replaced by its target. */
  path: string;
  /** Undefined for a path that is not in the image (or an absent parent directory). */
  entry?: FileEntry;
  /** The symlinks followed, as "link → target", for evidence. */
  links: string[];
}

/**
 * Follows symlinks in every component of `path` (and the last one unless `followLast` is false),
 * within the image. Hard links resolve to the entry they point at. Undefined for a loop or a
 * component that is not a directory.
 */
export function resolveImagePath(view: Pick<ImageView, "files">, path: string, followLast = true): ResolvedPath | undefined {
  const resolved = resolveOrSayWhy(view, path, followLast);
  return typeof resolved === "string" ? undefined : resolved;
}

/** Why `path` does not resolve: links that loop (the kernel's ELOOP, "too many levels of symbolic links"), or a component that is not a directory. */
export function whyUnresolved(view: Pick<ImageView, "files">, path: string): "loop" | "not-a-directory" | undefined {
  const resolved = resolveOrSayWhy(view, path, true);
  return typeof resolved === "string" ? resolved : undefined;
}

function resolveOrSayWhy(view: Pick<ImageView, "files">, path: string, followLast: boolean): ResolvedPath | "loop" | "not-a-directory" {
  const links: string[] = [];
  let pending = normalizeImagePath(path).split("/").filter(Boolean);
  let current = "/";
  let hops = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    const candidate = name === ".." ? posix.dirname(current) : name === "." ? current : posix.join(current, name);
    const entry = view.files.get(candidate);
    const isLast = pending.length === 0;
    if (entry?.type === "symlink" && (!isLast || followLast)) {
      if (++hops > MAX_LINK_HOPS) return "loop";
      const target = entry.linkTarget ?? "";
      if (target === "") return "not-a-directory"; // the kernel refuses empty link targets (ENOENT)
      links.push(`${candidate} → ${target}`);
      const restart = posix.isAbsolute(target) ? "/" : current;
      pending = [...target.split("/").filter(Boolean), ...pending];
      current = restart;
      continue;
    }
    if (!isLast && entry !== undefined && entry.type !== "dir") return "not-a-directory";
    current = candidate;
  }
  let entry = current === "/" ? (view.files.get("/") ?? rootEntry) : (view.files.get(current) ?? impliedDirectory(view.files, current));
  if (entry?.type === "hardlink" && entry.linkTarget !== undefined) {
    const target = normalizeImagePath(entry.linkTarget);
    const linked = view.files.get(target);
    if (linked !== undefined) entry = linked;
  }
  return { path: current, ...(entry === undefined ? {} : { entry }), links };
}

const rootEntry: FileEntry = { type: "dir", mode: 0o755, size: 0, uid: 0, gid: 0 };

const impliedCache = new WeakMap<ReadonlyMap<string, FileEntry>, Set<string>>();

/** Archives need not list parent directories; a path with entries below it is a directory. */
function impliedDirectory(files: ReadonlyMap<string, FileEntry>, path: string): FileEntry | undefined {
  let parents = impliedCache.get(files);
  if (parents === undefined) {
    parents = new Set();
    for (const key of files.keys()) {
      for (let dir = posix.dirname(key); dir !== "/" && !parents.has(dir); dir = posix.dirname(dir)) parents.add(dir);
    }
    impliedCache.set(files, parents);
  }
  return parents.has(path) ? rootEntry : undefined;
}

/** The entry at `path` after following symlinks, or undefined. */
export function lookup(view: Pick<ImageView, "files">, path: string): FileEntry | undefined {
  return resolveImagePath(view, path)?.entry;
}

/** True when `path` resolves to a regular file with an execute bit. */
export function isExecutableFile(entry: FileEntry | undefined): boolean {
  return entry !== undefined && entry.type === "file" && (entry.mode & 0o111) !== 0;
}

/** The most of a Go binary verify reads to look for strings in it (a flag's name, the GOROOT it was linked under). */
export const MAX_GO_BINARY_BYTES = 512 * 1024 * 1024;

/** Reads a small file after following symlinks in the image; undefined when absent or not a regular file. */
export async function readImageFile(view: ImageView, path: string, maxBytes: number): Promise<Buffer | undefined> {
  const resolved = resolveImagePath(view, path);
  if (resolved?.entry?.type !== "file") return undefined;
  let real = resolved.path;
  const stored = view.files.get(real);
  if (stored?.type === "hardlink" && stored.linkTarget !== undefined) real = normalizeImagePath(stored.linkTarget);
  return view.readFile(real, maxBytes);
}

/**
 * Where a command name is found the way the runtime finds it: a name with a slash is taken
 * relative to the working directory; a bare name is searched in PATH (the image's, or the
 * runtime's default).
 */
export function findCommand(view: ImageView, name: string, env: ReadonlyMap<string, string>): ResolvedPath | undefined {
  if (name.includes("/")) return resolveImagePath(view, normalizeImagePath(name, view.config.WorkingDir || "/"));
  const path = env.get("PATH") ?? DEFAULT_PATH;
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    const resolved = resolveImagePath(view, posix.join(normalizeImagePath(dir), name));
    if (isExecutableFile(resolved?.entry)) return resolved;
  }
  return undefined;
}

/** PATH that runc, crun and Docker set when the image has none. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Image paths under `dir` (not `dir` itself), in map order. */
export function* pathsUnder(view: Pick<ImageView, "files">, dir: string): Generator<[string, FileEntry]> {
  const prefix = dir === "/" ? "/" : `${dir}/`;
  for (const [path, entry] of view.files) if (path.startsWith(prefix) && path !== dir) yield [path, entry];
}

/** The image's environment as a map (last assignment wins, as in the runtime). */
export function imageEnv(view: Pick<ImageView, "config">): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of view.config.Env ?? []) {
    const eq = line.indexOf("=");
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
    else if (line !== "") env.set(line, "");
  }
  return env;
}
