import { entrypointProgram } from "../command.js";
import { whyNotRunnable } from "../executable-format.js";
import { fail, pass, skip, type VerifyCheck } from "../types.js";

export const check: VerifyCheck = {
  id: "SV004",
  name: "architecture",
  title: "Every Go binary, and the program the image starts, is built for the image's platform (ELF machine and GOOS)",
  async run(view) {
    const { os, architecture } = view.platform;
    const evidence: string[] = [`image platform ${os}/${architecture}${view.platform.variant ? `/${view.platform.variant}` : ""}`];
    const wrong: string[] = [];
    for (const { path, info } of view.goBinaries) {
      const goarch = info.elf.goarch ?? info.elf.machine;
      const goos = info.buildInfo?.known.goos;
      evidence.push(`${path}: ELF ${info.elf.machine} (${goarch})${goos ? `, GOOS=${goos}` : ""}`);
      if (goarch !== architecture || (goos !== undefined && goos !== os)) wrong.push(`${path} (${goos ?? "linux"}/${goarch})`);
    }
    // The program the image starts need not be one slimgo reads as Go (a PE or Mach-O build, a C program).
    const started = await entrypointProgram(view);
    if (started !== undefined && !view.goBinaries.some((b) => b.path === started.path)) {
      const why = whyNotRunnable(started.format, view.platform);
      if (why !== undefined) {
        evidence.push(`${started.path} (the entrypoint) ${why}`);
        const format = started.format;
        const built = format.kind === "foreign" ? `${format.os}/${format.goarch ?? "unknown"}` : `linux/${format.kind === "elf" ? format.goarch : "unknown"}`;
        wrong.push(`${started.path} (${built})`);
      }
    }
    if (view.goBinaries.length === 0 && wrong.length === 0) return skip("no Go binaries in the image");
    if (wrong.length > 0) {
      return fail(`${wrong.join(", ")} cannot run on ${os}/${architecture} ("exec format error"): build with GOOS=$TARGETOS GOARCH=$TARGETARCH from the image's platform`, evidence);
    }
    return pass(`every Go binary is built for ${os}/${architecture}`, evidence);
  },
};
