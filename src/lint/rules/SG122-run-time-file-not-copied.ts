import { relative, join } from "node:path";
import { fixedPart } from "../../analysis/run-time-files.js";
import { finalStageProgram } from "../model/go-build-context.js";
import { absoluteIn, contextSourcesOf, putFromOutsideContext, workdirAt } from "../model/image-files.js";
import type { StageModel } from "../model/types.js";
import type { Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

/** Whether the image may have something at `imagePath`: copied from the build context (see contextSourcesOf), from a stage or image, or mounted. */
function mayHave(stage: StageModel, imagePath: string): boolean {
  return contextSourcesOf(stage, imagePath).length > 0 || putFromOutsideContext(stage, imagePath);
}

export const rule: Rule = {
  meta: {
    id: "SG122",
    name: "run-time-file-not-copied",
    severity: "warning",
    description: "The Go program the image runs reads a file or directory of the module from disk at run time (os.ReadFile, template.ParseGlob, http.Dir), not embedded, and the final stage neither copies it nor mounts a VOLUME there: the program does not find it in the container.",
    docs: "docs/rules/SG122.md",
    peers: {},
    needsModule: true,
  },
  check(ctx) {
    const started = finalStageProgram(ctx.model, ctx.module);
    if (!started || !ctx.module || ctx.contextDir === undefined) return;
    const { final, program } = started;
    const workdir = workdirAt(final);
    if (workdir === undefined) return;
    for (const read of program.facts.dataDirectories) {
      const path = fixedPart(read.path);
      if (path === "" || path.startsWith("..")) continue;
      // Only what the module has: a path the program creates itself, or one mounted in production, is not in the source tree.
      const inContext = relative(ctx.contextDir, join(ctx.module.root, path));
      if (inContext.startsWith("..") || ctx.fileExists(inContext) !== true) continue;
      const imagePath = absoluteIn(workdir, path);
      if (imagePath === undefined || mayHave(final, imagePath)) continue;
      ctx.report({
        at: final.from,
        message: `${program.binary} reads ${read.path} from disk at run time (${displayModuleLine(ctx.module.root, read.evidence)}), relative to its working directory ${workdir}, and the final stage does not copy ${path} there: the program will not find it; COPY ${path} ${imagePath}, embed it with //go:embed, or mount it (VOLUME)`,
      });
    }
  },
};
