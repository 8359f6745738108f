import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { inputError } from "../errors.js";
import { isFile, parseGoWork } from "./gowork.js";
import { readRequiredFile } from "./module-files.js";

/** The directory holding go.mod: `dir` itself or its nearest parent; undefined when there is none. */
export function moduleRootAbove(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (isFile(path.join(d, "go.mod"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The directory holding go.mod: `dir` itself or its nearest parent; an error saying what to do when there is none. */
export function findModuleRoot(dir: string): string {
  const start = path.resolve(dir);
  if (!existsSync(start) || !statSync(start).isDirectory()) {
    throw inputError(`${dir} is not a directory: pass the directory of a Go module`, { file: dir });
  }
  const root = moduleRootAbove(start);
  if (root === undefined) {
    const work = path.join(start, "go.work");
    if (isFile(work)) {
      const uses = parseGoWork(readRequiredFile(work, path.join(dir, "go.work"), "make it readable"), "go.work").uses.map((u) => u.dir);
      throw inputError(`no go.mod in ${dir} or its parents: ${path.join(dir, "go.work")} is a workspace, not a module: run slimgo in one of its modules (${uses.join(", ")})`, { file: dir });
    }
    throw inputError(`no go.mod in ${dir} or its parents: run slimgo in a Go module`, { file: dir });
  }
  return root;
}
