import { lookupAt } from "../model/build.js";
import { isScratch } from "../model/images.js";
import { expand } from "../model/variables.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG201",
    name: "base-image-tag",
    severity: "warning",
    description: "A base image without a tag, or tagged latest.",
    docs: "docs/rules/SG201.md",
    peers: { hadolint: ["DL3006", "DL3007"], trivy: ["DS001"] },
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      if (stage.parent || isScratch(stage.imageRef) || stage.image === "") continue;
      if (expand(stage.image, lookupAt(model, stage.from), model.escape).unknown) continue;
      const { tag, digest } = stage.imageRef;
      if (digest !== undefined) continue;
      if (tag === undefined) {
        ctx.report({ at: stage.from, message: `${stage.resolvedImage} has no tag, so it means :latest and changes under you: pin a version, e.g. ${stage.resolvedImage}:<version>` });
      } else if (tag === "latest") {
        ctx.report({ at: stage.from, message: `${stage.resolvedImage} uses :latest, so builds change when the tag moves: pin a version` });
      }
    }
  },
};
