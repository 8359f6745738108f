import { dirname } from "node:path";
import { makeDirectories } from "../fsutil/make-directories.js";
import type { ImageOrIndex } from "../image/types.js";
import { isImageIndex } from "../image/types.js";
import { outputWriteFailure } from "./local-outputs.js";
import { preload } from "./preload.js";
import type { Published, Publisher } from "./types.js";

/**
 * Writes a tarball that `docker load` and `podman load` accept: one image as a docker-archive that
 * is also an OCI layout, several platforms as an OCI archive. Missing parent directories are
 * created, as for --oci-layout and --sbom-dir.
 */
export function tarballPublisher(file: string): Publisher {
  const writer = preload(() => import("../transports/docker-archive.js"));
  return {
    description: `tarball ${file}`,
    async publish(item: ImageOrIndex, name: string, tags: string[]): Promise<Published> {
      const write = async () => {
        await makeDirectories(dirname(file));
        await (await writer()).writeDockerArchive(file, item, { ref: `${name}:${tags[0] ?? "latest"}` });
      };
      await write().catch((err: unknown) => Promise.reject(outputWriteFailure(file, err)));
      const kind = isImageIndex(item) ? "oci-archive" : "docker-archive";
      return { kind: "tarball", reference: `${kind}:${file}@${item.digest}`, digest: item.digest };
    },
  };
}
