import { fail, pass, skip, type VerifyCheck } from "../types.js";

export const check: VerifyCheck = {
  id: "SV004",
  name: "architecture",
  title: "Every Go binary is built for the image's platform (ELF machine and GOOS)",
  async run(view) {
    if (view.goBinaries.length === 0) return skip("no Go binaries in the image");
    const { os, architecture } = view.platform;
    const evidence: string[] = [`image platform ${os}/${architecture}${view.platform.variant ? `/${view.platform.variant}` : ""}`];
    const wrong: string[] = [];
    for (const { path, info } of view.goBinaries) {
      const goarch = info.elf.goarch ?? info.elf.machine;
      const goos = info.buildInfo?.known.goos;
      evidence.push(`${path}: ELF ${info.elf.machine} (${goarch})${goos ? `, GOOS=${goos}` : ""}`);
      if (goarch !== architecture || (goos !== undefined && goos !== os)) wrong.push(`${path} (${goos ?? "linux"}/${goarch})`);
    }
    if (wrong.length > 0) {
      return fail(`${wrong.join(", ")} cannot run on ${os}/${architecture} ("exec format error"): build with GOOS=$TARGETOS GOARCH=$TARGETARCH from the image's platform`, evidence);
    }
    return pass(`every Go binary is built for ${os}/${architecture}`, evidence);
  },
};
