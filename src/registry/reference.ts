// Where registry requests go. The reference syntax itself (parseRegistryReference) lives in
// src/image/reference.ts; this module adds what a connection to the registry needs.
import { DOCKER_HUB, normaliseRegistry, type RegistryReference } from "../image/reference.js";

export { DOCKER_HUB, normaliseRegistry };

export const DOCKER_HUB_ENDPOINT = "registry-1.docker.io";

/** A parsed registry reference with what the client sends requests for. */
export interface RegistryTarget extends RegistryReference {
  /** The host[:port] HTTP requests go to ("registry-1.docker.io" for docker.io). */
  endpoint: string;
  /** What goes after /manifests/: the digest when there is one, else the tag. */
  reference: string;
}

export function registryTarget(ref: RegistryReference): RegistryTarget {
  return { ...ref, endpoint: registryEndpoint(ref.registry), reference: ref.digest ?? ref.tag ?? "latest" };
}

/**
 * True when the user named `registry` as one to reach over plain HTTP (`--insecure-registry`
 * style lists). Nothing is insecure by default, not even localhost.
 */
export function isNamedInsecure(registry: string, named: readonly string[]): boolean {
  const host = normaliseRegistry(registry);
  return named.some((n) => normaliseRegistry(n.trim().replace(/^https?:\/\//i, "").replace(/\/+$/, "")) === host);
}

/** The host[:port] to send HTTP requests to for a registry name. */
export function registryEndpoint(registry: string): string {
  return normaliseRegistry(registry) === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : registry;
}
