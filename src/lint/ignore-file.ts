/**
 * Which ignore file each builder reads for a Dockerfile. BuildKit (docker build) takes
 * `<Dockerfile>.dockerignore` beside the Dockerfile, else the context's `.dockerignore`. podman and
 * buildah take `<Dockerfile>.containerignore`, then `<Dockerfile>.dockerignore`, then the context's
 * `.containerignore`, then `.dockerignore`, whatever the Dockerfile is called (checked with podman
 * 4.3.1). When the two builders read different files, lint checks both, and each fix writes to the
 * file its finding is about.
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";

export type Builder = "docker" | "podman";

export interface IgnoreFile {
  path: string;
  exists: boolean;
  /** The builders that read this file for the Dockerfile. */
  readBy: Builder[];
}

/**
 * The ignore files the builders read for `dockerfile` (a path, when known) in `contextDir`: one when
 * both read the same file (`.dockerignore`, not yet written, when there is none), two when they read
 * different ones, podman's first for a Containerfile. When only podman has a file (a lone
 * `.containerignore`), that one: docker build then reads none.
 */
export function ignoreFilesFor(contextDir: string, dockerfile?: string): IgnoreFile[] {
  const beside = (suffix: string) => (dockerfile !== undefined ? [`${dockerfile}.${suffix}`] : []);
  const first = (paths: string[]) => paths.find((p) => existsSync(p));
  const docker = first([...beside("dockerignore"), join(contextDir, ".dockerignore")]);
  const podman = first([...beside("containerignore"), ...beside("dockerignore"), join(contextDir, ".containerignore"), join(contextDir, ".dockerignore")]);
  if (podman === undefined) return [{ path: join(contextDir, ".dockerignore"), exists: false, readBy: ["docker", "podman"] }];
  if (docker === podman) return [{ path: docker, exists: true, readBy: ["docker", "podman"] }];
  if (docker === undefined) return [{ path: podman, exists: true, readBy: ["podman"] }];
  const both: IgnoreFile[] = [
    { path: docker, exists: true, readBy: ["docker"] },
    { path: podman, exists: true, readBy: ["podman"] },
  ];
  const containerfile = dockerfile !== undefined && basename(dockerfile).startsWith("Containerfile");
  return containerfile ? both.reverse() : both;
}

/** The ignore file lint reads first for `dockerfile`, and fixes write to unless a finding names another (see ignoreFilesFor). */
export function ignoreFileFor(contextDir: string, dockerfile?: string): IgnoreFile {
  return ignoreFilesFor(contextDir, dockerfile)[0]!;
}

/**
 * The Dockerfile `slimgo lint` reads when given none: ./Dockerfile, else ./dockerfile (docker build's
 * fallback where names differ by case), else ./Containerfile when that exists (as podman build does).
 */
export function defaultDockerfile(dir = "."): string {
  if (existsSync(join(dir, "Dockerfile"))) return "Dockerfile";
  if (existsSync(join(dir, "dockerfile"))) return "dockerfile";
  return existsSync(join(dir, "Containerfile")) ? "Containerfile" : "Dockerfile";
}
