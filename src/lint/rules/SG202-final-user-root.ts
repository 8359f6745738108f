import { lookupAt } from "../model/build.js";
import { isScratch, runsAsNonRootByDefault } from "../model/images.js";
import { lastUser, rootImage, stageChain } from "../model/queries.js";
import { expand } from "../model/variables.js";
import type { StageModel } from "../model/types.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG202",
    name: "final-user-root",
    severity: "warning",
    description: "The final stage runs as root: no USER, or the last USER is root.",
    docs: "docs/rules/SG202.md",
    peers: { hadolint: ["DL3002"], trivy: ["DS002"] },
  },
  check(ctx) {
    const { model } = ctx;
    const final = model.finalStage;
    if (!final) return;
    const last = lastUser(final);
    if (!last) {
      if (runsAsNonRootByDefault(rootImage(final)) || isExportStage(final)) return;
      ctx.report({ at: final.from, message: "the final stage has no USER, so the container runs as root: add USER 65532:65532 (or another non-root uid)" });
      return;
    }
    const e = expand(last.args[0] ?? "", lookupAt(model, last), model.escape);
    const user = e.value.split(":")[0];
    if (!e.unknown && (user === "root" || user === "0")) {
      ctx.report({ at: last, message: "the last USER is root, so the container runs as root: switch to a non-root uid such as 65532:65532" });
    }
  },
};

/**
 * A scratch stage that only gathers files and names no process (`docker build --output`, as
 * `FROM scratch AS export` + `COPY --from=build /out /`): nothing in it runs, as root or not.
 */
function isExportStage(final: StageModel): boolean {
  const chain = stageChain(final);
  if (!isScratch(rootImage(final))) return false;
  return chain.every((s) => s.instructions.every((i) => EXPORT_KEYWORDS.has(i.keyword)));
}

const EXPORT_KEYWORDS = new Set(["FROM", "COPY", "ADD", "ARG", "LABEL"]);
