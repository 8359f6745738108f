/**
 * The build context a Dockerfile is linted against when none is given. Go repositories often keep
 * the Dockerfile in a directory of its own (deploy/, build/package/) and build from the module
 * root (`docker build -f deploy/Dockerfile .`): a Dockerfile that takes go.mod or go.sum from its
 * context, in a directory without them, is taken to be built from the module root above it. In a
 * workspace the Dockerfile may sit in one of its modules (svc/Dockerfile, built with
 * `docker build -f svc/Dockerfile .`): one that takes go.work from its context is built from the
 * directory of the go.work above it.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { moduleRootAbove } from "../analysis/module-root.js";
import { findGoWork } from "../analysis/gowork.js";
import { buildModel } from "./model/build.js";
import { copyPaths, moduleFilesTaken } from "./model/queries.js";

export interface BuildContextGuess {
  dir: string;
  /** Why the context is not the Dockerfile's own directory; undefined when it is. */
  why?: string;
}

export function likelyBuildContext(dockerfilePath: string, text: string): BuildContextGuess {
  const own = resolve(dirname(dockerfilePath));
  const workspace = workspaceRootAbove(own, text);
  if (workspace !== undefined) return { dir: workspace, why: "it copies go.work, which is in the workspace root above it" };
  if (existsSync(join(own, "go.mod"))) return { dir: own };
  const root = moduleRootAbove(own);
  if (root === undefined) return { dir: own };
  const taken = moduleFilesFromContext(text);
  if (taken.length === 0 || taken.some((f) => existsSync(join(own, f)))) return { dir: own };
  return { dir: root, why: `it copies ${taken.join(" and ")}, ${whereTaken(taken, root)}` };
}

/** Which of the files the Dockerfile copies the module root has: a go.sum it copies may be missing there too (SG111 says so). */
function whereTaken(taken: string[], root: string): string {
  const inRoot = taken.filter((f) => existsSync(join(root, f)));
  if (inRoot.length === taken.length) return `which ${taken.length === 1 ? "is" : "are"} in the module root above it`;
  return `and the module root above it has ${inRoot.length > 0 ? inRoot.join(" and ") : "go.mod"}`;
}

/** go.mod and go.sum paths the Dockerfile takes from its build context (COPY, ADD, RUN --mount=type=bind). */
function moduleFilesFromContext(text: string): string[] {
  const found = new Set<string>();
  for (const ins of buildModel(text).instructions) for (const file of moduleFilesTaken(ins).keys()) found.add(file);
  return [...found].sort();
}

/** The directory of the go.work above `own` when the Dockerfile takes go.work from a context that is not `own`. */
function workspaceRootAbove(own: string, text: string): string | undefined {
  if (existsSync(join(own, "go.work"))) return undefined;
  const takesGoWork = buildModel(text).instructions.some(
    (ins) =>
      ((ins.keyword === "COPY" || ins.keyword === "ADD") && !ins.flags.some((f) => f.name === "from") && copyPaths(ins).sources.some(isGoWork)) ||
      ins.mounts.some((m) => m.type === "bind" && m.from === undefined && isGoWork(m.source)),
  );
  const work = takesGoWork ? findGoWork(own) : undefined;
  return work === undefined ? undefined : dirname(work);
}

function isGoWork(path: string | undefined): boolean {
  return path?.replace(/^\.?\//, "") === "go.work";
}
