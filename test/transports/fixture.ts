import { appendLayers, emptyImage, withConfig } from "../../src/image/mutate.js";
import type { ImageFormat } from "../../src/image/media-types.js";
import type { ContainerConfig, Image, Platform } from "../../src/image/types.js";
import { layerFromFiles } from "../../src/tar/layer.js";

export const HELLO = "hello from slimgo";
const amd64: Platform = { os: "linux", architecture: "amd64" };

/**
 * A tiny runnable image: the static busybox from busybox-static as entrypoint, /etc/passwd with a
 * non-root user, and a sticky /tmp, in two layers like a real build (base, then binary).
 */
export async function busyboxImage(blobDir: string, options: { format?: ImageFormat; config?: Partial<ContainerConfig>; binary?: string; platform?: Platform } = {}): Promise<Image> {
  const base = await layerFromFiles(
    [
      { path: "etc/passwd", type: "file", content: "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n" },
      { path: "etc/group", type: "file", content: "root:x:0:\nnonroot:x:65532:\n" },
      { path: "tmp", type: "dir", mode: 0o1777 },
    ],
    { mtime: 0, blobDir },
  );
  // busybox picks its applet from argv[0], so it keeps its own name.
  const path = options.binary === undefined ? "/bin/busybox" : "/bin/app";
  const binary = await layerFromFiles([{ path, type: "file", sourcePath: options.binary ?? "/bin/busybox", mode: 0o755 }], { mtime: 0, blobDir });
  let image = appendLayers(emptyImage(options.platform ?? amd64, options.format ?? "oci"), [base, binary], [{ created_by: "slimgo: base" }, { created_by: "slimgo: binary" }]);
  image = withConfig(image, {
    created: "2024-01-01T00:00:00Z",
    config: { Entrypoint: options.binary === undefined ? [path, "echo", HELLO] : [path], User: "65532", Env: ["PATH=/bin"], ...options.config },
  });
  return image;
}
