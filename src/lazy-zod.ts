import { createRequire } from "node:module";

/**
 * zod costs about 65 ms to load, more than writing a whole image layout. Modules on start-up
 * paths (build, the image readers) call this when they first validate something instead of
 * importing zod at the top. Everything uses zod's CommonJS build through here, so one process
 * never loads two copies.
 */
const requireModule = createRequire(import.meta.url);

export function zod(): typeof import("zod") {
  return requireModule("zod") as typeof import("zod");
}
