import { isGolangImage } from "../model/images.js";
import { rootImage } from "../model/queries.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG101",
    name: "toolchain-in-final-stage",
    severity: "error",
    description: "The final image is a golang image, so it ships the whole Go toolchain.",
    docs: "docs/rules/SG101.md",
    peers: {},
  },
  check(ctx) {
    const final = ctx.model.finalStage;
    if (!final || !isGolangImage(rootImage(final))) return;
    const single = ctx.model.stages.length === 1;
    ctx.report({
      at: final.from,
      message: single
        ? `single-stage build on ${final.resolvedImage} ships the Go toolchain and sources: build in a golang stage, then COPY --from it into scratch or distroless/static`
        : `final stage runs on ${final.resolvedImage}, which ships the Go toolchain: COPY the binary into scratch or distroless/static instead`,
    });
  },
};
