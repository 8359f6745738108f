import { posix } from "node:path";
import { buildInputs } from "../../analysis/build-inputs.js";
import { contextBuilds, directoryInModule, listedFiles } from "../model/go-build-context.js";
import { copyPaths, lineStartOf, stageChain, type GoInvocation } from "../model/queries.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG119",
    name: "copy-misses-build-input",
    severity: "error",
    description: "The COPY instructions before a go build bring in only parts of the module, and miss go.mod, go.sum, a package the program imports or files it embeds: the build fails.",
    docs: "docs/rules/SG119.md",
    peers: {},
    fixable: true,
    needsModule: true,
  },
  check(ctx) {
    const { module, contextDir } = ctx;
    if (!module || contextDir === undefined) return;
    const reported = new Set<string>();
    for (const { build, programs, builtFor, inContext, brings } of contextBuilds(ctx.model, module, contextDir)) {
      if (sourcesFromElsewhere(build)) continue;
      const mirrored = copiesMirrorModule(build, inContext);
      for (const input of buildInputs(module, programs)) {
        const missing = input.files.filter((f) => !brings(f));
        if (missing.length === 0 || reported.has(input.pattern)) continue;
        reported.add(input.pattern);
        const all = missing.length === input.files.length;
        // A package's directory; an embedded directory or file itself, unless its pattern is a glob.
        const whole = input.kind === "embed" && !/[*?[]/.test(input.pattern);
        const dir = whole ? input.pattern : posix.dirname(input.pattern);
        const isFile = whole && input.files.length === 1 && input.files[0] === input.pattern;
        const copyAdvice =
          dir === "." ? `COPY ${inContext(input.pattern)} ./` : isFile ? `COPY ${inContext(dir)} ${dir}` : `COPY ${inContext(dir)}/ ${dir}/`;
        const message =
          input.kind === "module-file"
            ? `no COPY before this go ${build.subcommand} brings in ${inContext(input.pattern)}: ${input.pattern === "go.mod" ? "go finds no module" : "go stops on a missing go.sum entry"}; ${copyAdvice}`
            : input.kind === "package"
              ? `go ${build.subcommand} compiles package ${input.importPath} for ${builtFor}, but no COPY before it brings in ${listedFiles(missing.map(inContext))}: the build ${all ? "cannot find the package" : "compiles a different package than this checkout"}; ${copyAdvice}`
              : `//go:embed ${input.embed} (${input.evidence.file}:${input.evidence.line}) embeds ${listedFiles(missing.map(inContext))}, which no COPY before this go ${build.subcommand} brings in: ${all ? `go build fails ("pattern ${input.embed.replace(/^all:/, "")}: no matching files found")` : "the binary lacks them"}; ${copyAdvice}`;
        const fix = mirrored ? { fix: { description: copyAdvice, edits: [{ start: lineStartOf(ctx.model, build.instruction.start), end: lineStartOf(ctx.model, build.instruction.start), text: `${copyAdvice}\n` }] } } : {};
        ctx.report({ at: build.instruction, message, ...fix });
      }
    }
  },
};

/**
 * Whether a COPY the fix adds before the build lands where go looks: go runs at the module root, and
 * every COPY from the context puts files where they are in the module (`COPY cmd/ cmd/`, `COPY go.mod go.sum ./`).
 */
function copiesMirrorModule(build: GoInvocation, inContext: (moduleRelative: string) => string): boolean {
  if (directoryInModule(build) !== ".") return false;
  const clean = (p: string) => p.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  const prefix = inContext("x").slice(0, -1);
  const inModule = (source: string) => (clean(source).startsWith(prefix) ? clean(source).slice(prefix.length) : undefined);
  for (const stage of stageChain(build.stage)) {
    for (const ins of stage.instructions) {
      if (stage === build.stage && ins.index >= build.instruction.index) break;
      if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || ins.flags.some((f) => f.name === "from")) continue;
      const { sources, dest } = copyPaths(ins);
      const to = clean(dest) || ".";
      const intoDirectory = dest.endsWith("/") || to === "." || sources.length > 1 || sources.some((s) => /[*?[]/.test(s));
      const ok = sources.every((s) => {
        const rel = inModule(s);
        return rel !== undefined && (rel === to || (intoDirectory && posix.dirname(rel) === to));
      });
      if (!ok) return false;
    }
  }
  return true;
}

/** git subcommands that bring files into the stage (`git config` for private modules does not). */
const gitFetches = new Set(["clone", "fetch", "pull", "checkout", "archive", "submodule", "worktree", "restore"]);

/** The stage gets files another way than COPY from the context: from a stage or image, a URL, a git clone, an archive. */
function sourcesFromElsewhere(build: GoInvocation): boolean {
  for (const stage of stageChain(build.stage)) {
    for (const ins of stage.instructions) {
      if (stage === build.stage && ins.index > build.instruction.index) break;
      if ((ins.keyword === "COPY" || ins.keyword === "ADD") && (ins.flags.some((f) => f.name === "from") || copyPaths(ins).sources.some((s) => /:\/\/|^git@/.test(s)))) return true;
      if (ins.keyword !== "RUN") continue;
      if (ins.mounts.some((m) => m.from !== undefined)) return true;
      if (ins.commands.some((c) => (c.name === "git" && gitFetches.has(c.words[1]?.value ?? "")) || c.name === "tar" || c.name === "unzip" || c.name === "svn")) return true;
    }
  }
  return false;
}
