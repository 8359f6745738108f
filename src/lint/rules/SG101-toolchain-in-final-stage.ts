import { isGolangImage } from "../model/images.js";
import { rootImage, stageChain } from "../model/queries.js";
import { toolchainInstall } from "../model/toolchain-installs.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG101",
    name: "toolchain-in-final-stage",
    severity: "error",
    description: "The final image is a golang image, or installs Go (apt-get install golang-go, apk add go, the go.dev tarball), so it ships the whole Go toolchain.",
    docs: "docs/rules/SG101.md",
    peers: {},
  },
  check(ctx) {
    const final = ctx.model.finalStage;
    if (!final) return;
    const single = ctx.model.stages.length === 1;
    if (!isGolangImage(rootImage(final))) {
      for (const ins of stageChain(final).flatMap((s) => s.instructions)) {
        const how = toolchainInstall(ins);
        if (!how) continue;
        ctx.report({
          at: ins,
          message: `${how} puts the Go toolchain into the final image (${final.resolvedImage})${single ? ", with the sources it builds" : ""}: build in a golang stage, then COPY --from it into scratch or distroless/static`,
        });
      }
      return;
    }
    ctx.report({
      at: final.from,
      message: single
        ? `single-stage build on ${final.resolvedImage} ships the Go toolchain and sources: build in a golang stage, then COPY --from it into scratch or distroless/static`
        : `final stage runs on ${final.resolvedImage}, which ships the Go toolchain: COPY the binary into scratch or distroless/static instead`,
    });
  },
};
