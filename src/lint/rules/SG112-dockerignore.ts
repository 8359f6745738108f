import { isIgnored } from "../../dockerfile/dockerignore-patterns.js";
import { copyPaths } from "../model/queries.js";
import type { InstructionModel } from "../model/types.js";
import type { Rule } from "../types.js";

const isContextRoot = (path: string): boolean => path === "." || path === "./" || path === "/" || path === "";

function copiesWholeContext(ins: InstructionModel): boolean {
  return (ins.keyword === "COPY" || ins.keyword === "ADD") && !ins.flags.some((f) => f.name === "from") && copyPaths(ins).sources.some(isContextRoot);
}

/** RUN --mount=type=bind with no from= and no source (or source=.): the whole context, as docker init's Go template mounts it. */
function bindsWholeContext(ins: InstructionModel): boolean {
  return ins.keyword === "RUN" && ins.mounts.some((m) => (m.type ?? "bind") === "bind" && m.from === undefined && isContextRoot(m.source ?? ""));
}

const what = (ins: InstructionModel): string => (ins.keyword === "RUN" ? "RUN --mount=type=bind of the whole context" : `${ins.keyword} of the whole context`);

export const rule: Rule = {
  meta: {
    id: "SG112",
    name: "dockerignore",
    severity: "warning",
    description: "COPY . . (or RUN --mount=type=bind of the whole context) with no .dockerignore, or one that lets .git or .env in; a .dockerignore that drops vendor/ of a vendored module.",
    docs: "docs/rules/SG112.md",
    peers: {},
    fixable: true,
    readsIgnoreFile: true,
  },
  check(ctx) {
    if (ctx.contextDir === undefined) return;
    const { model } = ctx;
    const wholeContext = model.instructions.find((i) => copiesWholeContext(i) || bindsWholeContext(i));
    const patterns = ctx.dockerignore;
    const ignoreFile = ctx.dockerignoreName;
    if (wholeContext) {
      if (patterns === undefined) {
        ctx.report({
          at: wholeContext,
          message: `${what(wholeContext)} with no .dockerignore ${wholeContext.keyword === "RUN" ? "gives the build .git, .env and build output, and any commit busts its cache" : "sends .git, .env and build output into the image and busts the cache"}: add a ${ignoreFile}`,
          fix: { description: `create ${ignoreFile} with .git and .env`, edits: [], dockerignoreAdditions: [".git", ".env"] },
        });
      } else {
        const leaks = [".git", ".env"].filter((p) => !isIgnored(patterns, p));
        if (leaks.length > 0) {
          ctx.report({
            at: wholeContext,
            message: `${ignoreFile} does not exclude ${leaks.join(" or ")}, so ${what(wholeContext)} ${wholeContext.keyword === "RUN" ? "gives" : "copies"} ${leaks.length > 1 ? "them" : "it"} ${wholeContext.keyword === "RUN" ? "to" : "into"} the build: add ${leaks.join(" and ")} to ${ignoreFile}`,
            fix: { description: `add ${leaks.join(", ")} to ${ignoreFile}`, edits: [], dockerignoreAdditions: leaks },
          });
        }
      }
    }
    if (ctx.module?.vendored && patterns !== undefined && isIgnored(patterns, "vendor/modules.txt")) {
      const at = wholeContext ?? model.finalStage?.from;
      if (at) ctx.report({ at, message: `${ignoreFile} excludes vendor/, but the module is vendored, so the build cannot find its dependencies: remove vendor from ${ignoreFile}` });
    }
  },
};
