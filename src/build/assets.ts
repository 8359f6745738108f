/**
 * The files `--assets` (or `build.assets` in slimgo.yaml) puts in the image: files and directories
 * inside the module, each at its path relative to the module root, so the program finds them from
 * its working directory (/) as it did from the module's.
 */
import { lstat, readdir, readFile, readlink, realpath, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { inputError, SlimgoError } from "../errors.js";
import { reasonFor } from "../fsutil/output-path.js";
import { planEntries, type TarEntry } from "../tar/write.js";
import { dockerignoreMatcher, type DockerignoreMatcher } from "../dockerfile/dockerignore-patterns.js";
import { secretFilePattern } from "../secret-names.js";

type AssetNamer = (given: string, index: number) => string;
const byFlag: AssetNamer = (given) => `--assets ${given}`;

/** Whether `path` is `root` itself or inside it. */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep));
}

/** The module's .containerignore and .dockerignore (podman reads the one, docker the other), each as a matcher. */
async function ignoreFiles(root: string): Promise<{ name: string; matcher: DockerignoreMatcher }[]> {
  const files = [];
  for (const name of [".containerignore", ".dockerignore"]) {
    const text = await readFile(join(root, name), "utf8").catch(() => undefined);
    if (text !== undefined) files.push({ name, matcher: dockerignoreMatcher(text.split(/\r?\n/)) });
  }
  return files;
}

/**
 * The tar entries for `assets` (paths relative to `root`). A symbolic link is followed when what it
 * points to is inside the module; one that leaves it is refused, so that a link to ~/.ssh or /etc
 * cannot carry files from outside the module into the image. Inside a directory, what the module's
 * .dockerignore (or .containerignore) excludes and secret-looking files (.env, *.key, *.pem, ...)
 * are left out, each told to `onLeftOut`; a path given itself is copied whatever its name.
 */
export async function assetEntries(root: string, assets: string[], named: AssetNamer = byFlag, onLeftOut: (message: string) => void = () => {}): Promise<TarEntry[]> {
  const realRoot = await realpath(root);
  const ignores = await ignoreFiles(root);
  const entries = new Map<string, TarEntry>();
  const given = assets.map((path, index) => {
    const label = named(path, index);
    return { label, full: insideModule(root, path, label) };
  });
  // What a directory would leave out but is also given as an asset of its own goes in with that one.
  const givenItself = new Set(given.map(({ full }) => relative(root, full).split(sep).join("/")));
  const leftOutBecause = (rel: string, isDirectory: boolean): string | undefined => {
    for (const { name, matcher } of ignores) {
      const by = matcher.excludedBy(rel);
      if (by !== undefined) return `${name} line ${by.line}: ${by.pattern}`;
    }
    const secret = secretFilePattern(rel.split("/").at(-1) ?? rel, isDirectory);
    return secret === undefined ? undefined : `looks like a secret: ${secret}`;
  };
  const add = async (full: string, label: string, walking: Set<string> = new Set()): Promise<void> => {
    const link = await lstat(full);
    if (link.isSymbolicLink()) {
      const target = await realpath(full).catch((err: NodeJS.ErrnoException) => err);
      const shown = relative(root, full) || ".";
      if (target instanceof Error) {
        const why = target.code === "ELOOP" ? "that loops back to itself" : `to ${await readlink(full)}, which does not exist`;
        throw inputError(`${label}: ${shown} is a symbolic link ${why}: remove the link, or make it name a file in the module`);
      }
      if (!inside(realRoot, target)) throw inputError(`${label}: ${shown} is a symbolic link to ${target}, outside the module: copy the files into the module, or leave the link out`);
    }
    const info = await stat(full);
    const rel = relative(root, full).split(sep).join("/");
    const path = `/${rel}`;
    if (walking.size > 0) {
      const why = leftOutBecause(rel, info.isDirectory());
      if (why !== undefined) {
        if (givenItself.has(rel)) return;
        onLeftOut(`${label}: left ${rel}${info.isDirectory() ? "/" : ""} out of the image (${why}); to put it in deliberately, give it as an asset of its own (--assets ${rel})`);
        return;
      }
    }
    if (info.isDirectory()) {
      const real = await realpath(full);
      if (walking.has(real)) throw inputError(`${label}: ${relative(root, full)} is a symbolic link to a directory that contains it: leave the link out`);
      entries.set(path, { path, type: "dir", mode: 0o755 });
      const inner = new Set(walking).add(real);
      for (const name of (await readdir(full)).sort()) await add(join(full, name), label, inner);
    } else if (info.isFile()) {
      entries.set(path, { path, type: "file", mode: info.mode & 0o111 ? 0o755 : 0o644, sourcePath: full });
    } else {
      onLeftOut(`${label}: left ${rel} out of the image: it is a socket, pipe or device, not a file`);
    }
  };
  for (const { label, full } of given) {
    try {
      await add(full, label);
    } catch (err) {
      if (err instanceof SlimgoError) throw err;
      throw inputError(`${label}: cannot read (${(err as Error).message})`);
    }
  }
  return [...entries.values()];
}

/**
 * The asset entries, with each directory the layers below already have (`tmp`, `etc`, a state
 * directory) written as they have it: a layer's directory entry replaces the one below, so an asset
 * directory `tmp` would otherwise turn /tmp from 1777 into 0755 and the non-root user could not
 * write there, as `COPY tmp /tmp` leaves it writable.
 */
export function keepingLowerDirectories(entries: TarEntry[], lower: TarEntry[]): TarEntry[] {
  const lowerDirectories = new Map(planEntries(lower, { mtime: 0 }).filter((e) => e.type === "dir").map((e) => [e.path, e]));
  return planEntries(entries, { mtime: 0 }).map((entry) => {
    const below = entry.type === "dir" ? lowerDirectories.get(entry.path) : undefined;
    return below ? { ...entry, mode: below.mode, uid: below.uid, gid: below.gid } : entry;
  });
}

/** Asset files at the path of a file the layers below have (etc/passwd of slimgo's base layer), which they replace. */
export function replacedLowerFiles(entries: TarEntry[], lower: TarEntry[]): string[] {
  const lowerFiles = new Set(lower.filter((e) => e.type !== "dir").map((e) => e.path.replace(/^\/+/, "")));
  return entries.filter((e) => e.type !== "dir" && lowerFiles.has(e.path.replace(/^\/+/, ""))).map((e) => e.path.replace(/^\/+/, ""));
}

/** The asset paths as given, without "./" or a trailing "/", to compare with paths the program reads. */
export function cleanAssetPath(path: string): string {
  return path.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
}

function insideModule(root: string, given: string, label: string): string {
  const full = resolve(root, given);
  if (full === resolve(root)) throw inputError(`${label}: must be a file or directory inside the module (${root}), not the module itself: give its files or directories one by one`);
  if (!inside(root, full)) throw inputError(`${label}: must be a file or directory inside the module (${root}), and ${full} is outside it: copy it into the module, or give a path from the module's root`);
  return full;
}

/**
 * The assets as given, checked before anything is compiled: each is a file or directory inside
 * the module (a symbolic link to one there). What lies inside a directory is read with the image's
 * files, while go compiles.
 */
export async function checkAssets(root: string, assets: string[], named: AssetNamer = byFlag): Promise<void> {
  const realRoot = await realpath(root);
  for (const [index, given] of assets.entries()) {
    const label = named(given, index);
    const full = insideModule(root, given, label);
    const info = await stat(full).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) {
      const link = await lstat(full).catch(() => undefined);
      if (link?.isSymbolicLink()) throw inputError(`${label}: ${full} is a symbolic link to nothing: give the file or directory it should name`);
      const why = info.code === "ENOENT" ? "does not exist" : `cannot be read: ${reasonFor(info)}`;
      throw inputError(`${label}: ${full} ${why}: give a file or directory inside the module, as a path from its root`);
    }
    if (!info.isFile() && !info.isDirectory()) throw inputError(`${label}: ${full} is neither a file nor a directory (a socket, pipe or device): give a file or directory`);
    const target = await realpath(full);
    if (!inside(realRoot, target)) throw inputError(`${label}: ${given} is a symbolic link to ${target}, outside the module: copy the files into the module, or leave the link out`);
  }
}
