import { posix } from "node:path";
import { resolveImagePath } from "../image-paths.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

export const PACKAGE_MANAGERS = ["apk", "apt", "apt-get", "dpkg", "yum", "dnf", "microdnf", "rpm"];
const BIN_DIRS = ["/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"];

export const check: VerifyCheck = {
  id: "SV015",
  name: "no-package-manager",
  title: "The image has no package manager (--no-package-manager)",
  async run(view, options) {
    if (!options.noPackageManager) return skip("not requested (--no-package-manager)");
    const found: string[] = [];
    for (const dir of BIN_DIRS) {
      for (const tool of PACKAGE_MANAGERS) {
        const path = posix.join(dir, tool);
        if (view.files.get(path) !== undefined && resolveImagePath(view, path)?.entry?.type === "file") found.push(path);
      }
    }
    if (found.length > 0) return fail(`the image holds a package manager (${found.join(", ")}): install packages in the build stage and COPY only their files, or use a distroless runtime`, found);
    return pass("no package manager in the image", [`checked ${PACKAGE_MANAGERS.join(", ")} in ${BIN_DIRS.join(", ")}`]);
  },
};
