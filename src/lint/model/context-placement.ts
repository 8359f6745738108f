/**
 * Where files of the build context land in the file system a RUN sees: what COPY and ADD from the
 * context put there before it (in its stage and the stages it starts FROM), and its own bind mounts
 * of the context. Docker's copy rules: a directory source copies its contents (not the directory
 * itself) into the destination; a file goes into the destination when that is a directory (ends in
 * `/`, is `.`, takes several sources or a glob, or already is one: a WORKDIR, an earlier
 * destination), and otherwise becomes the destination; `--parents` keeps the source's path.
 */
import { statSync } from "node:fs";
import { posix } from "node:path";
import { contextPath } from "../context-files.js";
import { absoluteIn, imageCopy, workdirAt } from "./image-files.js";
import { stageChain } from "./queries.js";
import type { InstructionModel, StageModel } from "./types.js";

export interface Placement {
  instruction: InstructionModel;
  stage: StageModel;
  /** Context-relative source as written, cleaned ("" for the whole context). */
  source: string;
  /** The absolute image path it lands at; undefined when a variable hides it. */
  into: string | undefined;
  /** How the source lands: its contents into `into` (a directory), into `into` by name, as `into` itself, or with its whole path under `into` (--parents). */
  how: "contents" | "by-name" | "as-dest" | "parents";
  glob: boolean;
}

/** Where the context's files land for `run` (see the module comment). */
export function contextPlacements(stage: StageModel, run: InstructionModel, contextDir: string): Placement[] {
  const isDirectory = (rel: string): boolean => {
    const path = contextPath(contextDir, rel);
    try {
      return path !== undefined && statSync(path).isDirectory();
    } catch {
      return false;
    }
  };
  const out: Placement[] = [];
  const directories = new Set<string>(["/"]);
  for (const s of stageChain(stage).reverse()) {
    for (const ins of s.instructions) {
      if (s === stage && ins.index >= run.index) break;
      const workdir = workdirAt(s, ins);
      if (workdir !== undefined) directories.add(workdir);
      if (ins.keyword !== "COPY" && ins.keyword !== "ADD") continue;
      const copy = imageCopy(s, ins);
      if (copy.origin === "from" || copy.origin === "heredoc") continue;
      const into = copy.target;
      const intoDirectory = copy.intoDirectory || (into !== undefined && directories.has(into));
      for (const written of copy.sources) {
        if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(written)) continue;
        const source = clean(written);
        const glob = isGlob(source);
        const how = copy.parents ? "parents" : source === "" || glob || isDirectory(source) ? "contents" : intoDirectory ? "by-name" : "as-dest";
        out.push({ instruction: ins, stage: s, source, into, how, glob });
      }
      if (into !== undefined) for (let d = intoDirectory ? into : posix.dirname(into); d !== "/"; d = posix.dirname(d)) directories.add(d);
    }
  }
  for (const m of run.mounts) {
    if ((m.type ?? "bind") !== "bind" || m.from !== undefined) continue;
    const source = clean(m.source ?? ".");
    const target = m.target;
    if (target === undefined) continue;
    out.push({ instruction: run, stage, source, into: absoluteIn(workdirAt(stage, run), target), how: source === "" || isDirectory(source) ? "contents" : "as-dest", glob: false });
  }
  return out;
}

/**
 * The image paths a context file lands at (undefined in the list for a placement whose destination
 * is not known): every placement that takes it, the later ones overwriting what earlier ones put.
 */
export function landingPaths(placements: readonly Placement[], file: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const p of placements) {
    const inside = p.glob ? insideGlob(p.source, file) : p.source === "" ? file : file === p.source ? "" : file.startsWith(`${p.source}/`) ? file.slice(p.source.length + 1) : undefined;
    if (inside === undefined) continue;
    if (p.into === undefined) {
      out.push(undefined);
      continue;
    }
    if (p.how === "parents") out.push(posix.join(p.into, file));
    else if (p.how === "as-dest") out.push(inside === "" ? p.into : posix.join(p.into, inside));
    else if (p.how === "by-name") out.push(posix.join(p.into, posix.basename(file)));
    else out.push(posix.join(p.into, inside === "" ? posix.basename(file) : inside));
  }
  return out;
}

/** The part of `file` under what a glob source matched ("" when it matched the file itself); undefined when it matched nothing above the file. */
function insideGlob(glob: string, file: string): string | undefined {
  const parts = glob.split("/");
  const fileParts = file.split("/");
  if (fileParts.length < parts.length) return undefined;
  for (let i = 0; i < parts.length; i++) if (!segmentMatches(parts[i]!, fileParts[i]!)) return undefined;
  return fileParts.slice(parts.length).join("/");
}

function segmentMatches(glob: string, name: string): boolean {
  let re = "";
  for (const c of glob) re += c === "*" ? "[^/]*" : c === "?" ? "[^/]" : c === "[" || c === "]" ? c : c.replace(/[.+^${}()|\\]/g, "\\$&");
  try {
    return new RegExp(`^${re}$`).test(name);
  } catch {
    return false;
  }
}

function isGlob(source: string): boolean {
  return /[*?[]/.test(source);
}

function clean(source: string): string {
  const s = posix.normalize(source.replace(/^\/+/, "")).replace(/\/+$/, "");
  return s === "." ? "" : s;
}
