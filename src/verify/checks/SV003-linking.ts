import { posix } from "node:path";
import type { ImageView } from "../image-view.js";
import { resolveImagePath } from "../image-paths.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

/** Debian/Ubuntu multiarch directory names, by GOARCH. */
const TRIPLETS: Record<string, string[]> = {
  amd64: ["x86_64-linux-gnu"],
  arm64: ["aarch64-linux-gnu"],
  arm: ["arm-linux-gnueabihf", "arm-linux-gnueabi"],
  "386": ["i386-linux-gnu"],
  ppc64le: ["powerpc64le-linux-gnu"],
  s390x: ["s390x-linux-gnu"],
  riscv64: ["riscv64-linux-gnu"],
  mips64le: ["mips64el-linux-gnuabi64"],
};

/** Where the dynamic loader looks by default (plus the multiarch directories of glibc distributions). */
export function librarySearchDirs(goarch: string | undefined): string[] {
  const triplets = TRIPLETS[goarch ?? ""] ?? [];
  return ["/lib", "/lib64", "/usr/lib", "/usr/lib64", ...triplets.flatMap((t) => [`/lib/${t}`, `/usr/lib/${t}`]), "/usr/local/lib"];
}

function findLibrary(view: ImageView, name: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const resolved = resolveImagePath(view, posix.join(dir, name));
    if (resolved?.entry?.type === "file") return resolved.path;
  }
  return undefined;
}

export const check: VerifyCheck = {
  id: "SV003",
  name: "linking",
  title: "Every Go binary is static, or the image carries its dynamic loader and every library it needs",
  async run(view) {
    if (view.goBinaries.length === 0) return skip("no Go binaries in the image");
    const evidence: string[] = [];
    const broken: string[] = [];
    for (const { path, info } of view.goBinaries) {
      const elf = info.elf;
      if (elf.linking === "static") {
        evidence.push(`${path}: static`);
        continue;
      }
      const missing: string[] = [];
      if (elf.interpreter !== undefined) {
        const interp = resolveImagePath(view, elf.interpreter);
        if (interp?.entry?.type === "file") evidence.push(`${path}: interpreter ${elf.interpreter} → ${interp.path}`);
        else missing.push(`interpreter ${elf.interpreter}`);
      }
      const dirs = librarySearchDirs(elf.goarch);
      for (const lib of elf.needed) {
        const found = findLibrary(view, lib, dirs);
        if (found !== undefined) evidence.push(`${path}: needs ${lib} → ${found}`);
        else missing.push(lib);
      }
      if (missing.length > 0) {
        broken.push(path);
        evidence.push(`${path}: dynamic, missing ${missing.join(", ")} (searched ${dirs.join(", ")})`);
      }
    }
    if (broken.length > 0) {
      return fail(
        `${broken.join(", ")} ${broken.length === 1 ? "is" : "are"} dynamically linked and the image lacks what the loader needs, so the container fails with "no such file or directory": build with CGO_ENABLED=0, or use a runtime image with the C library (e.g. distroless/base)`,
        evidence,
      );
    }
    const dynamic = view.goBinaries.filter((b) => b.info.elf.linking === "dynamic").length;
    return pass(dynamic === 0 ? "every Go binary is statically linked" : `${dynamic} dynamically linked Go binar${dynamic === 1 ? "y finds" : "ies find"} its loader and libraries in the image`, evidence);
  },
};
