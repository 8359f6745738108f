/**
 * Files of the build context that rules look at and fixes write: paths given relative to the
 * context, never leading out of it (`..`, or a symlink to somewhere else), as a build could not
 * take such a file either.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, normalize, relative, sep } from "node:path";

/** Files larger than this are not read: entrypoint scripts are a few KiB. */
export const maxContextFileBytes = 256 * 1024;

/** The absolute path of a context-relative path, symlinks resolved; undefined when it is missing or outside the context. */
export function contextPath(contextDir: string, relativePath: string): string | undefined {
  const rel = normalize(relativePath.replace(/^\/+/, ""));
  if (isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`)) return undefined;
  try {
    const root = realpathSync(contextDir);
    const real = realpathSync(join(root, rel));
    const inside = relative(root, real);
    return inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside) ? undefined : real;
  } catch {
    return undefined;
  }
}

/** The text of a context-relative regular file of at most maxContextFileBytes; undefined otherwise. */
export function readContextFile(contextDir: string, relativePath: string): string | undefined {
  const path = contextPath(contextDir, relativePath);
  if (path === undefined) return undefined;
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > maxContextFileBytes) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Whether a context-relative path exists (cached per call of this function); undefined for a path leading out of the context. */
export function contextExistence(contextDir: string): (relativePath: string) => boolean | undefined {
  const cache = new Map<string, boolean>();
  return (relativePath) => {
    const rel = normalize(relativePath.replace(/^\/+/, ""));
    if (isAbsolute(rel) || rel.startsWith("..")) return undefined;
    let hit = cache.get(rel);
    if (hit === undefined) {
      hit = existsSync(join(contextDir, rel));
      cache.set(rel, hit);
    }
    return hit;
  };
}
