// Which registry SLIMGO_REGISTRY_USERNAME/PASSWORD belong to in a build: the one --push names.
import { normaliseRegistry, parseImageReference } from "../image/reference.js";

/** The registry host of a --push value (REGISTRY/REPO[:TAG], or REGISTRY/PREFIX with --all). */
export function pushRegistryOf(push: string | undefined): string | undefined {
  if (push === undefined) return undefined;
  try {
    const ref = parseImageReference(push);
    return ref.transport === "registry" ? ref.registry : undefined;
  } catch {
    return undefined; // the publisher reports a bad --push
  }
}

/**
 * True when a registry base may log in with SLIMGO_REGISTRY_*: nothing is pushed, or it is
 * pushed to the base's registry. Another registry would be sent the push login and refuse it.
 */
export function envLoginFitsBase(base: string, pushRegistry: string | undefined): boolean {
  if (pushRegistry === undefined) return true;
  try {
    const ref = parseImageReference(base);
    return ref.transport !== "registry" || normaliseRegistry(ref.registry) === normaliseRegistry(pushRegistry);
  } catch {
    return true; // opening the base reports it
  }
}
