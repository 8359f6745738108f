import { inputError, type SlimgoError } from "../errors.js";
import { isDigest } from "./digest.js";

/** Where an image lives, parsed from what a user typed. */
export type ImageReference =
  | LocalReference
  | { transport: "podman" | "docker-daemon"; name: string }
  | RegistryReference;

/**
 * A layout or archive on disk. `digest` is the one `slimgo build` prints after the reference
 * (`oci:DIR:NAME:TAG@sha256:…`, `docker-archive:FILE@sha256:…`): the image opened must have it.
 */
export type LocalReference =
  | { transport: "oci"; dir: string; tag?: string; digest?: string }
  | { transport: "oci-archive"; file: string; tag?: string; digest?: string }
  | { transport: "docker-archive"; file: string; ref?: string; digest?: string };

export interface RegistryReference {
  transport: "registry";
  /** Host with optional port; Docker Hub is "docker.io". */
  registry: string;
  /** Path inside the registry; Docker Hub official images get "library/". */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Docker Hub as references name it; index.docker.io and registry-1.docker.io are the same registry. */
export const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, "index.docker.io", "registry-1.docker.io"]);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::[0-9]{1,5})?$/;

/** Whether `tag` is a tag a registry accepts: letters, digits, `_ . -`, not starting with `.` or `-`, at most 128. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** One spelling per registry: host names are case-insensitive and Docker Hub has aliases. */
export function normaliseRegistry(registry: string): string {
  const lower = registry.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/**
 * Parses `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, `docker-archive:FILE[:REF]` (each with an optional
 * `@sha256:…` after it), `podman:NAME`, `docker:NAME`, `docker://REF` and registry references
 * `[HOST/]REPO[:TAG][@sha256:…]`.
 */
export function parseImageReference(input: string): ImageReference {
  const value = input.trim();
  if (value === "") throw inputError("empty image reference: give oci:DIR, oci-archive:FILE, docker-archive:FILE or REGISTRY/REPO:TAG");
  if (value.startsWith("dir:")) throw dirTransportError(value.slice("dir:".length) || "DIR");
  const transport = /^(oci|oci-archive|docker-archive|podman|docker|containers-storage):(?!\/\/)(.*)$/.exec(value);
  if (transport !== null) {
    const [, kind, rest = ""] = transport;
    if (rest === "") throw inputError(`"${input}": nothing after "${kind}:"`);
    switch (kind) {
      case "oci":
      case "oci-archive":
      case "docker-archive":
        return parseLocalReference(input, kind, rest);
      case "podman":
      case "containers-storage":
        // podman itself resolves NAME[:TAG]@DIGEST, and refuses a digest the image does not have.
        return { transport: "podman", name: rest };
      default:
        return { transport: "docker-daemon", name: rest };
    }
  }
  return parseRegistryReference(value.replace(/^docker:\/\//, ""));
}

/**
 * skopeo's `dir:` (and `podman save --format docker-dir`): a manifest.json and blobs named by
 * digest, which slimgo does not read. (Docker Hub's image `dir`, if ever wanted, is docker.io/library/dir.)
 */
export function dirTransportError(dir: string): SlimgoError {
  const out = `${dir.replace(/\/+$/, "") || "DIR"}-oci`;
  return inputError(`dir:${dir}: skopeo's dir: format (podman save --format docker-dir writes it too) is not read by slimgo; copy it to an OCI layout with \`skopeo copy dir:${dir} oci:${out}\` and give oci:${out}`);
}

const TRAILING_DIGEST = /@((?:sha256:[a-f0-9]{64})|(?:sha512:[a-f0-9]{128}))$/;

function parseLocalReference(input: string, kind: "oci" | "oci-archive" | "docker-archive", text: string): LocalReference {
  const digest = TRAILING_DIGEST.exec(text)?.[1];
  const rest = digest === undefined ? text : text.slice(0, -(digest.length + 1));
  const withDigest = <T extends LocalReference>(ref: T): T => (digest === undefined ? ref : { ...ref, digest });
  if (rest === "") throw inputError(`"${input}": nothing after "${kind}:"`);
  switch (kind) {
    case "oci":
    case "oci-archive": {
      // skopeo's rule: the path ends at the first ":"; the rest is the ref name.
      const colon = rest.indexOf(":");
      const path = colon === -1 ? rest : rest.slice(0, colon);
      const tag = colon === -1 ? undefined : rest.slice(colon + 1);
      if (tag === "") throw inputError(`"${input}": empty tag after the path`);
      if (kind === "oci") return withDigest(tag === undefined ? { transport: "oci", dir: path } : { transport: "oci", dir: path, tag });
      return withDigest(tag === undefined ? { transport: "oci-archive", file: path } : { transport: "oci-archive", file: path, tag });
    }
    case "docker-archive": {
      const colon = rest.indexOf(":");
      if (colon === -1) return withDigest({ transport: "docker-archive", file: rest });
      const ref = rest.slice(colon + 1);
      if (ref === "") throw inputError(`"${input}": empty reference after the file`);
      return withDigest({ transport: "docker-archive", file: rest.slice(0, colon), ref });
    }
  }
}

/**
 * Parses `[HOST[:PORT]/]REPO[:TAG][@DIGEST]` ("alpine", "ghcr.io/org/app:v1",
 * "127.0.0.1:5000/app@sha256:…"). The first path component is a registry only when it has a
 * "." or ":" or is "localhost" (Docker's rule); otherwise the image is on Docker Hub and
 * one-component names get "library/". Without tag or digest the tag is "latest".
 */
export function parseRegistryReference(input: string): RegistryReference {
  const bad = (why: string) =>
    inputError(`invalid image reference "${input}": ${why} (expected HOST[:PORT]/REPO[:TAG][@sha256:DIGEST])`);
  let rest = input.trim();
  if (rest === "") throw bad("it is empty");
  // user:password@host/repo, as in a URL (a digest never holds a "/"): said without repeating them.
  const login = /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/@]*@(?=[^@]*\/)/i.exec(rest);
  if (login) {
    throw inputError(
      `invalid image reference "***@${rest.slice(login[0].length)}": a registry login cannot go in an image reference: log in (docker login) or set SLIMGO_REGISTRY_USERNAME and SLIMGO_REGISTRY_PASSWORD`,
    );
  }
  if (rest.includes("://")) throw bad("leave out the scheme");

  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw bad(`"${digest}" is not a sha256 or sha512 digest`);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > rest.lastIndexOf("/")) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a valid tag (letters, digits, _ . -; at most 128)`);
  }

  const parts = rest.split("/");
  let registry = DOCKER_HUB;
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["))) {
    if (!HOST.test(first)) throw bad(`"${first}" is not a valid registry host`);
    registry = normaliseRegistry(first);
    parts.shift();
  }
  if (parts.some((p) => p === "")) throw bad("the repository name is missing or has an empty component");
  for (const p of parts) {
    if (!COMPONENT.test(p)) throw bad(`"${p}" is not a valid repository component (lower case letters, digits, . _ -)`);
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  const repository = parts.join("/");
  if (repository.length > 255) throw bad("the repository name is longer than 255 characters");

  const ref: RegistryReference = { transport: "registry", registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = "latest";
  return ref;
}

/** The full name `HOST/REPO[:TAG][@DIGEST]` (what goes into `org.opencontainers.image.ref.name`). */
export function formatRegistryReference(ref: Pick<RegistryReference, "registry" | "repository" | "tag" | "digest">): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
}

/** A reference as the user would type it back. */
export function formatImageReference(ref: ImageReference): string {
  switch (ref.transport) {
    case "oci":
      return `oci:${ref.dir}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
    case "oci-archive":
      return `oci-archive:${ref.file}${ref.tag !== undefined ? `:${ref.tag}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
    case "docker-archive":
      return `docker-archive:${ref.file}${ref.ref !== undefined ? `:${ref.ref}` : ""}${ref.digest !== undefined ? `@${ref.digest}` : ""}`;
    case "podman":
      return `podman:${ref.name}`;
    case "docker-daemon":
      return `docker:${ref.name}`;
    case "registry":
      return formatRegistryReference(ref);
  }
}

/**
 * A repository component for a program's binary name, which is its main package's directory and may
 * hold what references cannot (`cmd/My.Tool`, `cmd/api+v2`): lower case, anything else one `-`, and
 * no separator at either end or two in a row (`My.Tool` → `my.tool`, `api+v2` → `api-v2`).
 */
export function imageNameOf(binary: string): string {
  const name = binary
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/[._-]{2,}/g, (run) => (/^(-+|__)$/.test(run) ? run : "-"))
    .replace(/^[._-]+|[._-]+$/g, "");
  return name === "" ? "app" : name;
}

/**
 * The full reference to record for a local name: `app:1` → `localhost/app:1` as podman names
 * local images, `ghcr.io/o/app` → `ghcr.io/o/app:latest`. Used for layout ref names and RepoTags.
 */
export function fullLocalName(name: string): string {
  const hasHost = name.includes("/") && /[.:]|^localhost$/.test(name.split("/")[0]!);
  const ref = parseRegistryReference(hasHost ? name : `localhost/${name}`);
  return formatRegistryReference(ref);
}
