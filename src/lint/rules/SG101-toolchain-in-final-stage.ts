import { isAlpineImage, isGolangImage } from "../model/images.js";
import { envForCommand, goBuilds, rootImage, stageChain } from "../model/queries.js";
import type { DockerfileModel, StageModel } from "../model/types.js";
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
    const root = stageChain(final).at(-1) ?? final;
    // FROM gorun, a stage of the Dockerfile: name the image it comes down to.
    const image = root === final ? final.resolvedImage : `${final.resolvedImage} (${root.resolvedImage})`;
    const runtime = cgoRuntime(ctx.model, final) ?? "scratch or distroless/static";
    ctx.report({
      at: final.from,
      message: single
        ? `single-stage build on ${image} ships the Go toolchain and sources: build in a golang stage, then COPY --from it into ${runtime}`
        : `final stage runs on ${image}, which ships the Go toolchain: COPY the binary into ${runtime} instead`,
    });
  },
};

/**
 * For a final stage that copies a binary built with CGO_ENABLED=1 (hugo's extended build), a
 * runtime with the C library it links: scratch and distroless/static have none (SG104).
 */
function cgoRuntime(model: DockerfileModel, final: StageModel): string | undefined {
  const sources = new Set(final.copyFrom.flatMap((e) => (e.stage ? stageChain(e.stage) : [])));
  const cgo = goBuilds(model).find((b) => sources.has(b.stage) && envForCommand(model, b, "CGO_ENABLED") === "1");
  if (!cgo) return undefined;
  return isAlpineImage(rootImage(cgo.stage)) ? "alpine (the cgo build links musl)" : "distroless/base or debian-slim (the cgo build links glibc)";
}
