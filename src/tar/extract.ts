import { constants } from "node:fs";
import { chmod, link, lstat, mkdir, open, readlink, rm, symlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { ExitCode, SlimgoError } from "../errors.js";
import type { Layer } from "../image/types.js";
import { walkLayer, walkTar, type TarVisitor, type WalkOptions, type WalkSummary } from "./read.js";

/**
 * Extraction that never writes outside `root`: parent paths are resolved inside the root with
 * symlinks followed the way the container would (absolute targets from the root, ".." clamped at
 * the root), files are created with O_NOFOLLOW after removing what was there, symlinks are rewritten
 * to relative targets that stay inside the root, and device files and fifos are skipped.
 */

const MAX_SYMLINK_FOLLOWS = 40;

function escapeError(message: string): SlimgoError {
  return new SlimgoError(message, { exitCode: ExitCode.findings });
}

/** The real directory inside `root` that `parts` names, creating missing directories. */
async function resolveDirectory(root: string, parts: string[], what: string): Promise<string[]> {
  let current: string[] = [];
  const queue = [...parts];
  let follows = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      current.pop();
      continue;
    }
    const candidate = join(root, ...current, part);
    const info = await lstat(candidate).catch(() => undefined);
    if (info === undefined) {
      await mkdir(candidate, { mode: 0o755 });
      current.push(part);
    } else if (info.isSymbolicLink()) {
      if (++follows > MAX_SYMLINK_FOLLOWS) throw escapeError(`${what}: too many symlinks while resolving "${parts.join("/")}"`);
      const target = await readlink(candidate);
      if (target.startsWith("/")) current = [];
      queue.unshift(...target.split("/"));
    } else if (info.isDirectory()) {
      current.push(part);
    } else {
      throw escapeError(`${what}: "${parts.join("/")}" passes through "${[...current, part].join("/")}", which is not a directory`);
    }
  }
  return current;
}

/** Where a symlink at `linkPath` pointing at `target` lands inside the root, as a relative target. */
export function containedLinkTarget(linkPath: string, target: string): { target: string; escaped: boolean } {
  const linkDir = linkPath.split("/").slice(0, -1);
  const stack = target.startsWith("/") ? [] : [...linkDir];
  let escaped = false;
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (stack.length === 0) escaped = true;
      else stack.pop();
    } else stack.push(part);
  }
  const relative = posix.relative(`/${linkDir.join("/")}`, `/${stack.join("/")}`) || ".";
  return { target: relative, escaped };
}

async function removeExisting(path: string, keepDirectory: boolean): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return false;
  if (keepDirectory && info.isDirectory()) return true;
  await rm(path, { recursive: true, force: true });
  return false;
}

export interface ExtractSummary extends WalkSummary {
  skipped: number;
}

/** A visitor that writes each entry under `root`. */
export function extractingVisitor(root: string, what: string, warn: (message: string) => void, counts: { skipped: number }): TarVisitor {
  return async (entry) => {
    const { header } = entry;
    if (header.path === "") return;
    const parts = header.path.split("/");
    const name = parts.pop()!;
    const parent = join(root, ...(await resolveDirectory(root, parts, what)));
    const destination = join(parent, name);
    switch (header.type) {
      case "dir": {
        const exists = await removeExisting(destination, true);
        if (!exists) await mkdir(destination);
        await chmod(destination, (header.mode & 0o1777) | 0o700);
        return;
      }
      case "file": {
        await removeExisting(destination, false);
        const handle = await open(destination, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        try {
          for await (const chunk of entry.chunks()) await handle.write(chunk);
        } finally {
          await handle.close();
        }
        await chmod(destination, header.mode & 0o1777);
        return;
      }
      case "symlink": {
        const contained = containedLinkTarget(header.path, header.linkTarget ?? "");
        if (contained.escaped) warn(`${what}: symlink "${header.path}" -> "${header.linkTarget}" climbs above the root; it now points inside it`);
        await removeExisting(destination, false);
        await symlink(contained.target, destination);
        return;
      }
      case "hardlink": {
        const targetPath = (header.linkTarget ?? "").split("/").filter((p) => p !== "" && p !== ".");
        if (targetPath.includes("..") || targetPath.length === 0) {
          throw escapeError(`${what}: hard link "${header.path}" -> "${header.linkTarget}" points outside the root: refusing this archive`);
        }
        const targetName = targetPath.pop()!;
        const targetDir = await resolveDirectory(root, targetPath, what);
        const source = join(root, ...targetDir, targetName);
        const info = await lstat(source).catch(() => undefined);
        if (info === undefined || !info.isFile()) {
          warn(`${what}: hard link "${header.path}" -> "${header.linkTarget}" has no regular file to link to; skipped`);
          counts.skipped++;
          return;
        }
        await removeExisting(destination, false);
        await link(source, destination);
        return;
      }
      default:
        warn(`${what}: skipped ${header.type} entry "${header.path}" (device files and fifos are never created)`);
        counts.skipped++;
    }
  };
}

/** Extracts one layer under `root` (which must exist and be empty or slimgo's own). */
export async function extractLayer(layer: Layer, root: string, options: WalkOptions = {}): Promise<ExtractSummary> {
  const what = options.what ?? `layer ${layer.digest}`;
  const warnings: string[] = [];
  const counts = { skipped: 0 };
  const warn = (m: string) => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  const summary = await walkLayer(layer, extractingVisitor(root, what, warn, counts), { ...options, what, onWarning: warn });
  return { ...summary, warnings, skipped: counts.skipped };
}

/** Extracts a plain tar stream under `root`. */
export async function extractTar(source: AsyncIterable<Buffer>, root: string, options: WalkOptions = {}): Promise<ExtractSummary> {
  const what = options.what ?? "tar archive";
  const warnings: string[] = [];
  const counts = { skipped: 0 };
  const warn = (m: string) => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  const summary = await walkTar(source, extractingVisitor(root, what, warn, counts), { ...options, what, onWarning: warn });
  return { ...summary, warnings, skipped: counts.skipped };
}
