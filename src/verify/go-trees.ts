/** Go installations and build caches found in an image's file system. */
import type { ImageView } from "./image-view.js";

/** Trees that are a Go installation: GOROOT/pkg/tool, GOROOT/src/runtime (never "/" itself). */
export function goroots(view: ImageView): string[] {
  const roots = new Set<string>();
  for (const path of view.files.keys()) {
    const match = /^(.*?)\/(?:pkg\/tool|src\/runtime)(?:\/|$)/.exec(path);
    if (match?.[1] && !/\/pkg\/mod\//.test(`${match[1]}/`)) roots.add(match[1]);
  }
  return [...roots].sort();
}

export function isUnder(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(r === "/" ? "/" : `${r}/`));
}

/** Build and module caches that still hold files. */
export function buildCaches(view: ImageView): Map<string, number> {
  const found = new Map<string, number>();
  for (const [path, entry] of view.files) {
    if (entry.type !== "file") continue;
    const match = /^(.*?\/\.cache\/go-build|.*?\/pkg\/mod)\//.exec(path);
    if (match?.[1]) found.set(match[1], (found.get(match[1]) ?? 0) + 1);
  }
  return found;
}

