/** The files of a module that `go build` reads for some of its programs, grouped the way a .dockerignore line would keep each group in. */
import { existsSync, readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { embeddedFiles } from "./embeds.js";
import type { RunTimeFile } from "./run-time-files.js";
import { isOutsideModule, localReplaces, replacementDir } from "./local-replaces.js";
import type { DataDirectory, Evidence, GoModReplace, MainPackage, ModuleAnalysis } from "./types.js";

interface InputGroup {
  /** Module-relative paths, forward slashes. */
  files: string[];
  /** The module-relative .dockerignore pattern that takes in the whole group (after a `!`). */
  pattern: string;
}

export type BuildInput =
  | (InputGroup & { kind: "module-file" })
  | (InputGroup & { kind: "package"; importPath: string })
  | (InputGroup & { kind: "embed"; embed: string; evidence: Evidence });

/**
 * What a Dockerfile takes from the build context: what the build reads, the directories go.mod
 * replaces modules by (their go.mod and source), and the files the program reads at run time that it copies.
 */
export type ContextInput =
  | BuildInput
  | (InputGroup & { kind: "replacement"; replace: GoModReplace })
  | (InputGroup & { kind: "workspace"; use?: Evidence })
  | (InputGroup & { kind: "run-time-file"; read: DataDirectory });

export function runTimeInputs(files: readonly RunTimeFile[]): ContextInput[] {
  return files.map((f) => ({ kind: "run-time-file", files: f.files, pattern: f.path, read: f.read }));
}

/** The directories inside the module that go.mod replaces modules by: go reads their go.mod and compiles their packages. */
export function replacementInputs(module: Pick<ModuleAnalysis, "root" | "goMod">): ContextInput[] {
  return localReplaces(module).inside.map((replace) => {
    const dir = replacementDir(module.root, replace.newPath);
    return { kind: "replacement", replace, files: filesUnder(module.root, dir), pattern: dir };
  });
}

/**
 * A go.work in the module, which go build uses there unless the image turns it off: the file (and
 * go.work.sum) and the directories it uses.
 */
export function workspaceInputs(module: Pick<ModuleAnalysis, "root" | "goWork">): ContextInput[] {
  const goWork = module.goWork;
  if (!goWork || isOutsideModule(module.root, posix.dirname(goWork.file))) return [];
  const inputs: ContextInput[] = [{ kind: "workspace", files: [goWork.file], pattern: goWork.file }];
  const sum = posix.join(posix.dirname(goWork.file), "go.work.sum");
  if (existsSync(join(module.root, sum))) inputs.push({ kind: "workspace", files: [sum], pattern: sum });
  for (const use of goWork.uses) {
    const dir = replacementDir(module.root, posix.join(posix.dirname(goWork.file), use.dir));
    if (dir !== "." && !isOutsideModule(module.root, dir) && existsSync(join(module.root, dir))) inputs.push({ kind: "workspace", use: use.evidence, files: filesUnder(module.root, dir), pattern: dir });
  }
  return inputs;
}

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = posix.join(dir, e.name);
    return e.isDirectory() ? filesUnder(root, path) : e.isFile() ? [path] : [];
  });
}

export function buildInputs(module: ModuleAnalysis, programs: readonly MainPackage[]): BuildInput[] {
  const inputs: BuildInput[] = [{ kind: "module-file", files: ["go.mod"], pattern: "go.mod" }];
  if (existsSync(join(module.root, "go.sum"))) inputs.push({ kind: "module-file", files: ["go.sum"], pattern: "go.sum" });

  const byPackage = new Map<string, string[]>();
  for (const file of new Set(programs.flatMap((p) => p.facts.sourceFiles))) {
    const dir = posix.dirname(file);
    byPackage.set(dir, [...(byPackage.get(dir) ?? []), file]);
  }
  for (const [dir, files] of byPackage) {
    inputs.push({ kind: "package", importPath: dir === "." ? module.goMod.path : `${module.goMod.path}/${dir}`, files, pattern: dir === "." ? "*.go" : `${dir}/*.go` });
  }

  const seen = new Set<string>();
  for (const directive of programs.flatMap((p) => p.facts.embeds)) {
    const dir = posix.dirname(directive.evidence.file);
    for (const embed of directive.patterns) {
      const pattern = posix.join(dir, embed.replace(/^all:/, ""));
      if (seen.has(pattern)) continue;
      seen.add(pattern);
      inputs.push({ kind: "embed", embed, evidence: directive.evidence, files: embeddedFiles(module.root, directive, embed), pattern });
    }
  }
  return inputs;
}
