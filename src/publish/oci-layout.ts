import { existsSync } from "node:fs";
import { join } from "node:path";
import { convertFormat } from "../image/mutate.js";
import { formatOfMediaType } from "../image/media-types.js";
import type { ImageOrIndex } from "../image/types.js";
import { outputWriteFailure } from "./local-outputs.js";
import { preload } from "./preload.js";
import type { Published, Publisher } from "./types.js";

/**
 * Adds the image to an OCI layout directory. Layout tools (skopeo's oci:, umoci) only accept OCI
 * media types there, so a Docker-format image is stored in its OCI form, with its own digest.
 */
export function ociLayoutPublisher(dir: string, onProgress?: (message: string) => void): Publisher {
  const writer = preload(async () => {
    const [module, { loadManifestChecks }] = await Promise.all([import("../transports/oci-layout.js"), import("../image/parse.js")]);
    // An existing layout's index.json is checked before it is added to: load the checks while go compiles.
    if (existsSync(join(dir, "index.json"))) loadManifestChecks();
    return module;
  });
  return {
    description: `OCI layout ${dir}`,
    async publish(item: ImageOrIndex, name: string, tags: string[]): Promise<Published> {
      const stored = convertFormat(item, "oci");
      const notes: string[] = [];
      if (formatOfMediaType(item.mediaType) !== "oci") notes.push("stored with OCI media types (layout tools require them); HEALTHCHECK survives only in Docker-format outputs for podman");
      const refTags = tags.length > 0 ? tags : ["latest"];
      // One write for all tags: one turn at the layout's lock, one index.json.
      await (await writer()).writeOciLayout(dir, stored, { ref: refTags.map((tag) => `${name}:${tag}`), onWait: onProgress }).catch((err: unknown) => Promise.reject(outputWriteFailure(dir, err)));
      return { kind: "oci-layout", reference: `oci:${dir}:${name}:${refTags[0]}@${stored.digest}`, digest: stored.digest, notes };
    },
  };
}
