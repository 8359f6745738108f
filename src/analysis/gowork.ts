import { statSync } from "node:fs";
import path from "node:path";
import { inputError } from "../errors.js";
import { readModLines } from "./gomod.js";
import { readOptionalFile, readRequiredFile } from "./module-files.js";
import type { GoWorkFile } from "./types.js";

const GO_WORK_VERBS = new Set(["go", "toolchain", "godebug", "use", "replace"]);

/** Go's test for go.mod and go.work: a directory of that name does not count, and the search goes on upward. */
export function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The go.work that Go would use for a module at `root`: the first one found from root upward. */
export function findGoWork(root: string): string | undefined {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "go.work");
    if (isFile(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Parses go.work text. `file` is its path relative to the module root (evidence uses it). */
export function parseGoWork(text: string, file: string): GoWorkFile {
  const work: GoWorkFile = { file, uses: [] };
  for (const l of readModLines(text, file)) {
    if (!GO_WORK_VERBS.has(l.verb)) {
      throw inputError(`${file}:${l.line}: unknown directive ${JSON.stringify(l.verb)}: expected one of go, toolchain, use, replace`, { file, line: l.line });
    }
    if (l.verb === "go" && l.args[0] !== undefined) work.go = l.args[0];
    if (l.verb === "use") {
      if (l.args.length !== 1) throw inputError(`${file}:${l.line}: usage: use ./dir`, { file, line: l.line });
      work.uses.push({ dir: l.args[0]!, evidence: { file, line: l.line, text: l.text } });
    }
  }
  return work;
}

export function readGoWork(root: string): GoWorkFile | undefined {
  const found = findGoWork(root);
  if (!found) return undefined;
  const rel = path.relative(root, found).split(path.sep).join("/");
  return parseGoWork(readRequiredFile(found, rel, "make it readable"), rel);
}

/** The module path in the go.mod of a workspace's `use` directory; undefined when it has none or Go could not read it either. */
export function workspaceModulePath(dir: string): string | undefined {
  const text = readOptionalFile(path.join(dir, "go.mod"));
  if (text === undefined) return undefined;
  try {
    return readModLines(text, "go.mod").find((l) => l.verb === "module")?.args[0];
  } catch {
    return undefined;
  }
}
