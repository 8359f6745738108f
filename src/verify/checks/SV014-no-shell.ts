import { resolveImagePath } from "../image-paths.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

export const SHELL_PATHS = ["/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/bin/zsh", "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/dash", "/bin/busybox", "/usr/bin/busybox"];

export const check: VerifyCheck = {
  id: "SV014",
  name: "no-shell",
  title: "The image has no shell (--no-shell)",
  async run(view, options) {
    if (!options.noShell) return skip("not requested (--no-shell)");
    const found = SHELL_PATHS.filter((p) => resolveImagePath(view, p)?.entry?.type === "file");
    if (found.length > 0) return fail(`the image holds a shell (${found.join(", ")}): use a scratch or distroless runtime stage`, found);
    return pass("no shell in the image", [`checked ${SHELL_PATHS.join(", ")}`]);
  },
};
