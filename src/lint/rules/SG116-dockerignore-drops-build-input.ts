import { buildInputs } from "../../analysis/build-inputs.js";
import { dockerignoreMatcher } from "../../dockerfile/dockerignore-patterns.js";
import { contextBuilds, listedFiles } from "../model/go-build-context.js";
import type { Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG116",
    name: "dockerignore-drops-build-input",
    severity: "error",
    description: ".dockerignore excludes files the go build in the Dockerfile needs: go.mod or go.sum, Go files of the packages the program imports, or files it embeds.",
    docs: "docs/rules/SG116.md",
    peers: {},
    fixable: true,
    readsIgnoreFile: true,
    needsModule: true,
  },
  check(ctx) {
    const { module, contextDir, dockerignore } = ctx;
    if (!module || contextDir === undefined || dockerignore === undefined) return;
    const ignore = dockerignoreMatcher(dockerignore);
    const reported = new Set<string>();
    for (const { build, programs, builtFor, inContext, brings } of contextBuilds(ctx.model, module, contextDir)) {
      // What the build would have read from the context and .dockerignore keeps out of it.
      const dropped = (moduleRelative: string) => (brings(moduleRelative) ? ignore.excludedBy(inContext(moduleRelative)) : undefined);
      const report = (key: string, message: string, fixLine: string) => {
        if (reported.has(key)) return;
        reported.add(key);
        ctx.report({ at: build.instruction, message, fix: { description: `re-include ${fixLine.slice(1)} in ${ctx.dockerignoreName}`, edits: [], dockerignoreAdditions: [fixLine] } });
      };
      for (const input of buildInputs(module, programs)) {
        const gone = input.files.filter((f) => dropped(f));
        if (gone.length === 0) continue;
        const by = dropped(gone[0]!)!;
        const excludes = `${ctx.dockerignoreName} line ${by.line} (${by.pattern}) excludes ${listedFiles(gone.map(inContext))}`;
        const fixLine = `!${inContext(input.pattern)}`;
        if (input.kind === "module-file") {
          report(input.pattern, `${excludes}, which ${build.program} ${build.subcommand} reads: the build ${input.pattern === "go.mod" ? "finds no module" : "cannot verify the module's dependencies"}`, fixLine);
        } else if (input.kind === "package") {
          report(input.pattern, `${excludes} of package ${input.importPath}, which ${build.program} ${build.subcommand} compiles for ${builtFor}: the build in the image fails, or compiles a different program than this checkout`, fixLine);
        } else {
          const consequence =
            gone.length === input.files.length
              ? `so it matches nothing in the image's build and go build fails ("pattern ${input.embed.replace(/^all:/, "")}: no matching files found")`
              : "so the binary in the image lacks them, unlike one built from this checkout";
          report(input.pattern, `${excludes} that //go:embed ${input.embed} (${displayModuleLine(ctx.module!.root, input.evidence)}) embeds, ${consequence}`, fixLine);
        }
      }
    }
  },
};
