import { isIgnored } from "../../dockerfile/dockerignore-patterns.js";
import { copyPaths } from "../model/queries.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG112",
    name: "dockerignore",
    severity: "warning",
    description: "COPY . . with no .dockerignore, or one that lets .git or .env in; a .dockerignore that drops vendor/ of a vendored module.",
    docs: "docs/rules/SG112.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    if (ctx.contextDir === undefined) return;
    const { model } = ctx;
    const wholeContext = model.instructions.find(
      (i) => (i.keyword === "COPY" || i.keyword === "ADD") && !i.flags.some((f) => f.name === "from") && copyPaths(i).sources.some((s) => s === "." || s === "./"),
    );
    const patterns = ctx.dockerignore;
    if (wholeContext) {
      if (patterns === undefined) {
        ctx.report({
          at: wholeContext,
          message: "COPY of the whole context with no .dockerignore sends .git, .env and build output into the image and busts the cache: add a .dockerignore",
          fix: { description: "create .dockerignore with .git and .env", edits: [], dockerignoreAdditions: [".git", ".env"] },
        });
      } else {
        const leaks = [".git", ".env"].filter((p) => !isIgnored(patterns, p));
        if (leaks.length > 0) {
          ctx.report({
            at: wholeContext,
            message: `.dockerignore does not exclude ${leaks.join(" or ")}, so COPY of the whole context copies ${leaks.length > 1 ? "them" : "it"} into the build: add ${leaks.join(" and ")} to .dockerignore`,
            fix: { description: `add ${leaks.join(", ")} to .dockerignore`, edits: [], dockerignoreAdditions: leaks },
          });
        }
      }
    }
    if (ctx.module?.vendored && patterns !== undefined && isIgnored(patterns, "vendor/modules.txt")) {
      const at = wholeContext ?? model.finalStage?.from;
      if (at) ctx.report({ at, message: ".dockerignore excludes vendor/, but the module is vendored, so the build cannot find its dependencies: remove vendor from .dockerignore" });
    }
  },
};
