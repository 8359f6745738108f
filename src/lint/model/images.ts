/**
 * Image references as written in FROM lines, and what slimgo knows about well-known base images.
 * Lenient on purpose, unlike src/image/reference.ts: a FROM line may still hold unresolved
 * variables or invalid text, and lint reports findings instead of throwing.
 */

export interface ImageRef {
  /** Registry host, when the reference names one. */
  registry?: string;
  /** Repository path without registry, e.g. "library/golang" is reported as "golang". */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const firstSlash = rest.indexOf("/");
  if (firstSlash > 0) {
    const head = rest.slice(0, firstSlash);
    if (head.includes(".") || head.includes(":") || head === "localhost") {
      registry = head;
      rest = rest.slice(firstSlash + 1);
    }
  }
  if ((registry === undefined || registry === "docker.io" || registry === "index.docker.io") && rest.startsWith("library/")) {
    rest = rest.slice("library/".length);
  }
  const ref: ImageRef = { repository: rest.toLowerCase() };
  if (registry !== undefined) ref.registry = registry.toLowerCase();
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** An image of Docker Hub's official library (`golang`, `docker.io/library/debian`). */
export function isOfficialImage(ref: ImageRef): boolean {
  return ref.registry === undefined || ref.registry === "docker.io" || ref.registry === "index.docker.io";
}

export function isScratch(ref: ImageRef): boolean {
  return ref.registry === undefined && ref.repository === "scratch";
}

export function isGolangImage(ref: ImageRef): boolean {
  const repo = ref.repository;
  return repo === "golang" || repo.endsWith("/golang") || repo === "chainguard/go" || repo === "chainguard/go-fips";
}

export function isAlpineImage(ref: ImageRef): boolean {
  return ref.repository === "alpine" || ref.repository.endsWith("/alpine") || /(^|-)alpine/.test(ref.tag ?? "");
}

export function isDistroless(ref: ImageRef): boolean {
  return ref.repository.startsWith("distroless/") || ref.repository.includes("/distroless/");
}

/** glibc 2.x of the Debian and Ubuntu releases images are named after. */
const GLIBC_MINOR: Record<string, number> = {
  buster: 28, "10": 28, bullseye: 31, "11": 31, bookworm: 36, "12": 36, trixie: 41, "13": 41,
  bionic: 27, "18.04": 27, focal: 31, "20.04": 31, jammy: 35, "22.04": 35, noble: 39, "24.04": 39,
};

/**
 * The glibc (its 2.x minor) of an image whose name says which Debian or Ubuntu release it is:
 * golang:1.22-bookworm, debian:bullseye-slim, debian:11.9, ubuntu:20.04, distroless/base-debian11.
 * Undefined when the name does not say (golang:1.22, debian:stable, ubuntu:latest).
 */
export function glibcMinorOf(ref: ImageRef): number | undefined {
  const tag = ref.tag ?? "";
  if (isGolangImage(ref) && isOfficialImage(ref)) return GLIBC_MINOR[/-(buster|bullseye|bookworm|trixie)$/.exec(tag)?.[1] ?? ""];
  if (isOfficialImage(ref) && ref.repository === "debian") return GLIBC_MINOR[/^(buster|bullseye|bookworm|trixie|1[0-3])(?=$|[-.])/.exec(tag)?.[1] ?? ""];
  if (isOfficialImage(ref) && ref.repository === "ubuntu") return GLIBC_MINOR[/^(bionic|focal|jammy|noble|\d\d\.04)(?=$|-)/.exec(tag)?.[1] ?? ""];
  if (isDistroless(ref)) return GLIBC_MINOR[/\/(?:base|base-nossl|cc|java\d*|python3)-debian(1[0-3])$/.exec(ref.repository)?.[1] ?? ""];
  return undefined;
}

/** distroless/static and Chainguard's static: no libc at all. */
export function isStaticRuntime(ref: ImageRef): boolean {
  if (isScratch(ref)) return true;
  if (isDistroless(ref) && /\/static(-debian\d+)?$/.test(ref.repository)) return true;
  return ref.repository === "chainguard/static" || ref.repository.endsWith("/chainguard/static");
}

/** Images with no /bin/sh: scratch, distroless (except :debug tags), Chainguard static. */
export function hasNoShell(ref: ImageRef): boolean {
  if (isScratch(ref)) return true;
  if (isDistroless(ref)) return !(ref.tag ?? "").includes("debug");
  return ref.repository === "chainguard/static" || ref.repository.endsWith("/chainguard/static");
}

/** Images whose default user is not root. */
export function runsAsNonRootByDefault(ref: ImageRef): boolean {
  if (isDistroless(ref) && (ref.tag ?? "").includes("nonroot")) return true;
  return ref.registry === "cgr.dev" && !(ref.tag ?? "").includes("dev");
}

/**
 * The Go version a golang image tag pins, e.g. "1.22" from "1.22-alpine", "1.22.3" from
 * "1.22.3-bookworm"; undefined for "latest", "alpine" or unresolved tags.
 */
export function goVersionOfTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  const m = /^(\d+\.\d+(?:\.\d+)?)(?:rc\d+)?(?:-|$)/.exec(tag);
  return m?.[1];
}

/**
 * What slimgo knows of a well-known base image's config: its working directory, and that it sets
 * no ENTRYPOINT (so a CMD alone is the process the container starts). Undefined for other images,
 * whose config could say anything (many official images start a docker-entrypoint.sh of their own).
 */
export function knownImageConfig(ref: ImageRef): { workdir: string } | undefined {
  if (isScratch(ref)) return { workdir: "/" };
  const official = isOfficialImage(ref);
  if (official && ref.repository === "golang") return { workdir: "/go" };
  if (official && ["alpine", "busybox", "debian", "ubuntu"].includes(ref.repository)) return { workdir: "/" };
  // The :nonroot and :debug-nonroot tags also start in the nonroot user's home.
  if (isDistroless(ref) && /\/(static|base|base-nossl|cc)(-debian\d+)?$/.test(ref.repository)) return { workdir: /nonroot/.test(ref.tag ?? "") ? "/home/nonroot" : "/" };
  return undefined;
}
