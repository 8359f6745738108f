/**
 * The files and directories of the module a program reads from disk at run time (see
 * embeds.ts dataDirectories), sorted into those an image can take from the build context and
 * those it must not or cannot. Paths are relative to the module root, which is the program's
 * working directory under `go run`, and is what a Dockerfile's WORKDIR stands in for.
 */
import { readdirSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { looksLikeSecretName } from "../secret-names.js";
import type { DataDirectory } from "./types.js";

export interface RunTimeFile {
  /** Module-relative, forward slashes, no glob: `templates` for a read of `templates/*.html`. */
  path: string;
  directory: boolean;
  /** Module-relative paths of the regular files under it (itself for a file). */
  files: string[];
  read: DataDirectory;
}

export interface RunTimeFileLeftOut {
  path: string;
  read: DataDirectory;
  /** Why it is not copied, as the end of a sentence about the path. */
  why: string;
}

/** The part of a read path before its first glob element: `templates/*.html` -> `templates`; `""` for a glob at the top. */
export function fixedPart(path: string): string {
  const glob = path.search(/[*?[]/);
  if (glob < 0) return path.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  return posix.dirname(path.slice(0, glob) + "x").replace(/^\.$/, "");
}

/** A name no COPY line needs quoting or escaping for: no spaces, quotes, `$` or wildcards. */
const PLAIN_PATH = /^[\w@+-][\w.@+-]*(\/[\w.@+-]+)*$/;

const SECRET_FILE = /^(\.env(\..*)?|\.netrc|.*\.(pem|key|p12|pfx|jks|keystore))$/i;

/** Whether a path names something a secret is kept in: `.env`, `tls.key`, `secrets/`, `api-token.txt`. */
export function looksLikeSecretPath(path: string): boolean {
  return path.split("/").some((segment) => SECRET_FILE.test(segment) || looksLikeSecretName(segment, /[._-]/) || /^secrets?$/i.test(segment));
}

export function runTimeFiles(root: string, reads: readonly DataDirectory[]): { copied: RunTimeFile[]; leftOut: RunTimeFileLeftOut[] } {
  const copied: RunTimeFile[] = [];
  const leftOut: RunTimeFileLeftOut[] = [];
  const seen = new Set<string>();
  for (const read of reads) {
    const path = fixedPart(read.path);
    if (seen.has(path)) continue;
    seen.add(path);
    const leave = (why: string) => leftOut.push({ path, read, why });
    if (path === "") {
      leave("matches files at the top of the working directory: COPY the ones it needs yourself");
      continue;
    }
    if (path.split("/").includes("..")) {
      leave("is not a path inside the module");
      continue;
    }
    const info = statSync(join(root, path), { throwIfNoEntry: false });
    if (!info || !(info.isFile() || info.isDirectory())) {
      leave("is not in the module: the program makes it, or it is mounted at run time");
      continue;
    }
    if (looksLikeSecretPath(path)) {
      leave("looks like it holds a secret, which never goes into an image: mount it at run time");
      continue;
    }
    if (!PLAIN_PATH.test(path)) {
      leave("has a name a COPY line would have to quote: COPY it yourself");
      continue;
    }
    const files = info.isDirectory() ? filesUnder(root, path) : [path];
    // The .dockerignore init writes keeps secrets out at the top of the context only.
    const secret = files.find((f) => looksLikeSecretPath(f.slice(path.length + 1)));
    if (secret) {
      leave(`holds ${secret}, which looks like a secret and never goes into an image: mount it at run time, or move the secret out`);
      continue;
    }
    copied.push({ path, directory: info.isDirectory(), files, read });
  }
  return { copied, leftOut };
}

function filesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(root, path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}
