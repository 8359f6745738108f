import { isAbsolute, relative, sep } from "node:path";
import { buildInputs } from "../../analysis/build-inputs.js";
import { excludedBy, isIgnored } from "../../dockerfile/dockerignore-patterns.js";
import { copyPaths, goBuilds, programsBuilt, stageChain, type GoInvocation } from "../model/queries.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG116",
    name: "dockerignore-drops-build-input",
    severity: "error",
    description: ".dockerignore excludes files the go build in the Dockerfile needs: go.mod or go.sum, Go files of the packages the program imports, or files it embeds.",
    docs: "docs/rules/SG116.md",
    peers: {},
    fixable: true,
    needsModule: true,
  },
  check(ctx) {
    const { module, contextDir, dockerignore } = ctx;
    if (!module || contextDir === undefined || dockerignore === undefined) return;
    const prefix = relative(contextDir, module.root).split(sep).join("/");
    if (prefix.startsWith("..") || isAbsolute(prefix)) return;
    const inContext = (moduleRelative: string) => (prefix === "" ? moduleRelative : `${prefix}/${moduleRelative}`);
    const reported = new Set<string>();
    for (const build of goBuilds(ctx.model)) {
      const sources = contextSources(build);
      const programs = programsBuilt(build, module);
      if (sources.length === 0 || programs.length === 0) continue;
      // What the build would have read from the context and .dockerignore keeps out of it.
      const dropped = (moduleRelative: string) => {
        const path = inContext(moduleRelative);
        return sources.some((s) => covers(s, path)) ? excludedBy(dockerignore, path) : undefined;
      };
      const report = (key: string, message: string, fixLine: string) => {
        if (reported.has(key)) return;
        reported.add(key);
        ctx.report({ at: build.instruction, message, fix: { description: `re-include ${fixLine.slice(1)} in .dockerignore`, edits: [], dockerignoreAdditions: [fixLine] } });
      };
      const builtFor = programs.map((p) => (p.dir === "." ? "." : `./${p.dir}`)).join(", ");
      for (const input of buildInputs(module, programs)) {
        const gone = input.files.filter((f) => dropped(f));
        if (gone.length === 0) continue;
        const by = dropped(gone[0]!)!;
        const excludes = `${where(by)} excludes ${listed(gone.map(inContext))}`;
        const fixLine = `!${inContext(input.pattern)}`;
        if (input.kind === "module-file") {
          report(input.pattern, `${excludes}, which go ${build.subcommand} reads: the build ${input.pattern === "go.mod" ? "finds no module" : "cannot verify the module's dependencies"}`, fixLine);
        } else if (input.kind === "package") {
          report(input.pattern, `${excludes} of package ${input.importPath}, which go ${build.subcommand} compiles for ${builtFor}: the build in the image fails, or compiles a different program than this checkout`, fixLine);
        } else {
          const consequence =
            gone.length === input.files.length
              ? `so it matches nothing in the image's build and go build fails ("pattern ${input.embed.replace(/^all:/, "")}: no matching files found")`
              : "so the binary in the image lacks them, unlike one built from this checkout";
          report(input.pattern, `${excludes} that //go:embed ${input.embed} (${input.evidence.file}:${input.evidence.line}) embeds, ${consequence}`, fixLine);
        }
      }
    }
  },
};

/** Context paths a go build can read: COPY/ADD sources from the context before it in its stage and the stages it builds on, and its bind mounts of the context. */
function contextSources(build: GoInvocation): string[] {
  const sources: string[] = [];
  for (const stage of stageChain(build.stage)) {
    for (const ins of stage.instructions) {
      if (stage === build.stage && ins.index >= build.instruction.index) break;
      if ((ins.keyword === "COPY" || ins.keyword === "ADD") && !ins.flags.some((f) => f.name === "from")) sources.push(...copyPaths(ins).sources);
    }
  }
  for (const m of build.instruction.mounts) if ((m.type ?? "bind") === "bind" && m.from === undefined) sources.push(m.source ?? ".");
  return sources;
}

/** Whether a COPY source (a path or glob, context-relative) brings in `path`, itself or as part of a directory. */
function covers(source: string, path: string): boolean {
  const s = source.replace(/^(\.\/)+/, "").replace(/^\/+/, "").replace(/\/+$/, "");
  return s === "" || s === "." || isIgnored([s], path);
}

function where(by: { line: number; pattern: string }): string {
  return `.dockerignore line ${by.line} (${by.pattern})`;
}

function listed(paths: string[]): string {
  return paths.length === 1 ? paths[0]! : `${paths[0]} and ${paths.length - 1} more file${paths.length === 2 ? "" : "s"}`;
}
