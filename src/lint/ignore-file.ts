/**
 * Which ignore file a builder reads for a Dockerfile: BuildKit first takes `<Dockerfile>.dockerignore`
 * beside the Dockerfile, podman and buildah take `.containerignore`, and both fall back to the
 * context's `.dockerignore`. Lint reads the one the build would, and its fixes write to that one.
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";

export interface IgnoreFile {
  path: string;
  exists: boolean;
}

/** The ignore file for `dockerfile` (a path, when known) in `contextDir`; `.dockerignore` (not yet written) when there is none. */
export function ignoreFileFor(contextDir: string, dockerfile?: string): IgnoreFile {
  const containerfile = dockerfile !== undefined && basename(dockerfile).startsWith("Containerfile");
  const candidates = [
    ...(dockerfile !== undefined ? [`${dockerfile}.dockerignore`] : []),
    // A Containerfile is built with podman or buildah, which read .containerignore before .dockerignore.
    ...(containerfile ? [join(contextDir, ".containerignore")] : []),
    join(contextDir, ".dockerignore"),
    join(contextDir, ".containerignore"),
  ];
  const found = candidates.find((p) => existsSync(p));
  return found !== undefined ? { path: found, exists: true } : { path: join(contextDir, ".dockerignore"), exists: false };
}

/** The Dockerfile `slimgo lint` reads when given none: ./Dockerfile, or ./Containerfile when only that exists (as podman build does). */
export function defaultDockerfile(dir = "."): string {
  return !existsSync(join(dir, "Dockerfile")) && existsSync(join(dir, "Containerfile")) ? "Containerfile" : "Dockerfile";
}
