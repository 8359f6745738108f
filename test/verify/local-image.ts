/** Opens a podman image as an ImageView: `podman image mount` for the file system, skopeo for the config blob. */
import { imageViewFromDirectory } from "../../src/verify/index.js";
import type { ImageView } from "../../src/verify/image-view.js";
import { podman, runTool } from "../support/podman.js";

/** Runs `use` on the image's view; the image is unmounted afterwards. */
export async function withLocalImage<T>(ref: string, use: (view: ImageView) => Promise<T>): Promise<T> {
  const config = (await runTool("skopeo", ["inspect", "--config", "--raw", `containers-storage:${ref}`])).stdout;
  const root = (await podman(["image", "mount", ref])).stdout.trim();
  try {
    return await use(await imageViewFromDirectory(root, config));
  } finally {
    await podman(["image", "unmount", ref], { allowFailure: true });
  }
}
