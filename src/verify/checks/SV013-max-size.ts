import { formatBytes } from "../size.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

export const check: VerifyCheck = {
  id: "SV013",
  name: "max-size",
  title: "The image is within the size budget (--max-size)",
  async run(view, options) {
    if (options.maxSize === undefined) return skip("no size budget given (--max-size)");
    const size = view.compressedSize ?? view.uncompressedSize;
    // Layer blobs are stored uncompressed by podman save and some archives: their sum is no compressed size.
    const kind = view.compressedSize === undefined ? "uncompressed" : view.layersCompressed === false ? "as stored (uncompressed layers)" : "compressed";
    const evidence = [`${kind} size ${size} bytes (${formatBytes(size)})`, `budget ${options.maxSize} bytes (${formatBytes(options.maxSize)})`];
    if (size > options.maxSize) {
      return fail(`the image is ${formatBytes(size)} ${kind}, over the ${formatBytes(options.maxSize)} budget: see \`slimgo inspect\` for where the bytes go`, evidence);
    }
    return pass(`${formatBytes(size)} ${kind}, within ${formatBytes(options.maxSize)}`, evidence);
  },
};
