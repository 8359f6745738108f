/** Which stage lint judges as the image: the last one, or the one `docker build --target` builds. */
import { inputError } from "../../errors.js";
import { isGolangImage, isStaticRuntime } from "./images.js";
import { rootImage, stageChain } from "./queries.js";
import type { DockerfileModel, StageModel } from "./types.js";

/**
 * Makes the stage `target` names (as Docker matches it: a stage name, case-insensitive, or an
 * index) the model's final stage. A Dockerfile without stages is left as it is, for SG001 to report.
 */
export function judgeTargetAsImage(model: DockerfileModel, target: string, file: string): void {
  if (model.stages.length === 0) return;
  const wanted = target.toLowerCase();
  const stage = /^\d+$/.test(wanted) ? model.stages[Number(wanted)] : model.stages.find((s) => s.name === wanted);
  if (!stage) {
    const stages = model.stages.map((s) => s.name ?? String(s.index)).join(", ");
    throw inputError(`${file}: no build stage named "${target}" to judge as the image; its stages are ${stages}: pass one of them (or its index) to --target`, { file });
  }
  for (const s of model.stages) s.isFinal = s === stage;
  model.finalStage = stage;
}

/**
 * When the last stage runs on the Go toolchain (a dev or test stage) and an earlier stage that it
 * does not build on starts from a static runtime (scratch, distroless/static) and says what to run:
 * that earlier stage, which is likely the image shipped with `--target`.
 */
export function likelyShippedStage(model: DockerfileModel): StageModel | undefined {
  const last = model.finalStage;
  if (!last || !isGolangImage(rootImage(last))) return undefined;
  const chain = stageChain(last);
  return [...model.stages].reverse().find((s) => !chain.includes(s) && isStaticRuntime(rootImage(s)) && s.instructions.some((i) => i.keyword === "ENTRYPOINT" || i.keyword === "CMD"));
}
