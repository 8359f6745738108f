import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { inputError } from "../errors.js";

/** The directory holding go.mod: `dir` itself or its nearest parent; undefined when there is none. */
export function moduleRootAbove(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "go.mod"))) return d;
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
  if (root === undefined) throw inputError(`no go.mod in ${dir} or its parents: run slimgo in a Go module`, { file: dir });
  return root;
}
