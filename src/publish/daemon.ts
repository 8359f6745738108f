import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inputError } from "../errors.js";
import { isImageIndex, platformOf, platformString, type Image, type ImageOrIndex } from "../image/types.js";
import { hostPlatform } from "../build/platforms.js";
import { preload } from "./preload.js";
import type { Published, Publisher } from "./types.js";
import { removeAtExit, stopAtExit } from "../fsutil/temp-cleanup.js";

/** Loads the image into the local podman or docker through its CLI (`load -i`), then tags it. */
export function daemonPublisher(engine: "podman" | "docker"): Publisher {
  const writer = preload(() => import("../transports/docker-archive.js"));
  return {
    description: `local ${engine}`,
    async publish(item: ImageOrIndex, name: string, tags: string[]): Promise<Published> {
      const image = hostImage(item, engine);
      const dir = await mkdtemp(join(tmpdir(), "slimgo-load-"));
      const forget = removeAtExit(dir);
      const ref = `${name}:${tags[0] ?? "latest"}`;
      try {
        const file = join(dir, "image.tar");
        await (await writer()).writeDockerArchive(file, image, { ref });
        await cli(engine, ["load", "-i", file]);
        for (const tag of tags.slice(1)) await cli(engine, ["tag", ref, `${name}:${tag}`]);
      } finally {
        await rm(dir, { recursive: true, force: true });
        forget();
      }
      const notes = isImageIndex(item)
        ? [`${engine} runs one platform: loaded ${platformString(platformOf(image))} of the ${item.manifests.length} built (--oci-layout, --tarball or --push keep them all)`]
        : [];
      return { kind: engine, reference: `${engine}:${ref}@${image.digest}`, digest: image.digest, ...(notes.length > 0 ? { notes } : {}) };
    },
  };
}

/** A local engine runs one platform: the host's image from an index. */
function hostImage(item: ImageOrIndex, engine: string): Image {
  if (!isImageIndex(item)) return item;
  const host = hostPlatform();
  const match = item.manifests.find((m) => platformOf(m.image).architecture === host.architecture);
  if (!match) throw inputError(`--load: the build has no ${host.os}/${host.architecture} image for the local ${engine}`);
  return match.image;
}

function cli(engine: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // A load can take a while: a slimgo stopped by a signal stops it too.
    const child = execFile(engine, args, { maxBuffer: 8 * 1024 * 1024 }, (err, _out, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return reject(inputError(`--load: ${engine} is not installed (or not on PATH)`));
      reject(inputError(`${engine} ${args[0]} failed: ${stderr.trim().split("\n").pop() ?? err.message}`));
    });
    stopAtExit(child);
  });
}
