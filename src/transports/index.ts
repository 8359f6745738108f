import { SlimgoError } from "../errors.js";
import { formatImageReference, type ImageReference } from "../image/reference.js";
import type { ImageOrIndex } from "../image/types.js";
import { readDockerArchive, writeDockerArchive } from "./docker-archive.js";
import { readOciArchive, writeOciArchive } from "./oci-archive.js";
import { readOciLayout, writeOciLayout } from "./oci-layout.js";

export { readOciLayout, writeOciLayout, listOciLayout, layoutBlobReader, REF_NAME_ANNOTATION } from "./oci-layout.js";
export { readOciArchive, writeOciArchive } from "./oci-archive.js";
export { readDockerArchive, writeDockerArchive } from "./docker-archive.js";

/** True for the sources and sinks this folder handles (files on this machine). */
export function isLocalReference(ref: ImageReference): boolean {
  return ref.transport === "oci" || ref.transport === "oci-archive" || ref.transport === "docker-archive";
}

function notLocal(ref: ImageReference): SlimgoError {
  return new SlimgoError(`${formatImageReference(ref)} is not a local layout or archive; the registry and podman/docker adapters read it`);
}

/** Reads `oci:`, `oci-archive:` or `docker-archive:`. */
export async function readLocalImage(ref: ImageReference): Promise<ImageOrIndex> {
  switch (ref.transport) {
    case "oci":
      return readOciLayout(ref.dir, ref.tag ?? ref.digest);
    case "oci-archive":
      return readOciArchive(ref.file, ref.tag ?? ref.digest);
    case "docker-archive":
      return readDockerArchive(ref.file, ref.ref);
    default:
      throw notLocal(ref);
  }
}

/** Writes to `oci:`, `oci-archive:` or `docker-archive:`; `name` is the image's full name for loaders. */
export async function writeLocalImage(ref: ImageReference, item: ImageOrIndex, name?: string): Promise<void> {
  switch (ref.transport) {
    case "oci": {
      const refName = ref.tag ?? name;
      await writeOciLayout(ref.dir, item, refName === undefined ? {} : { ref: refName });
      return;
    }
    case "oci-archive": {
      const refName = ref.tag ?? name;
      await writeOciArchive(ref.file, item, refName === undefined ? {} : { ref: refName });
      return;
    }
    case "docker-archive": {
      const refName = ref.ref ?? name;
      await writeDockerArchive(ref.file, item, refName === undefined ? {} : { ref: refName });
      return;
    }
    default:
      throw notLocal(ref);
  }
}
