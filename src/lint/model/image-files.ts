/**
 * Where a file of the image comes from: the build-context paths a COPY or ADD may have put at an
 * absolute path, read back from their destinations (absolute, or relative to the WORKDIR), with
 * Docker's copy rules: a directory source copies its contents, a destination ending in `/` or taking
 * several sources is a directory.
 */
import { posix } from "node:path";
import { knownImageConfig } from "./images.js";
import { copyPaths, rootImage, stageChain } from "./queries.js";
import type { InstructionModel, StageModel } from "./types.js";

/** The absolute working directory in effect at `at` (at the end of the stage when omitted); undefined when a variable or an unknown base image hides it. */
export function workdirAt(stage: StageModel, at?: InstructionModel): string | undefined {
  let dir = knownImageConfig(rootImage(stage))?.workdir;
  for (const s of stageChain(stage).reverse()) {
    for (const ins of s.instructions) {
      if (at !== undefined && s === stage && ins.index >= at.index) break;
      if (ins.keyword !== "WORKDIR") continue;
      const arg = ins.args.join(" ").trim();
      if (arg.includes("$")) dir = undefined;
      else if (arg.startsWith("/")) dir = posix.normalize(arg);
      else dir = dir === undefined ? undefined : posix.join(dir, arg);
    }
  }
  return dir;
}

/** An image path for a program path as a process names it: absolute, or relative to `workdir`; undefined when not known. */
export function absoluteIn(workdir: string | undefined, path: string): string | undefined {
  if (path.includes("$")) return undefined;
  if (path.startsWith("/")) return posix.normalize(path);
  return workdir === undefined ? undefined : posix.join(workdir, path);
}

/** A COPY or ADD, its destination read as an image path. */
export interface ImageCopy {
  instruction: InstructionModel;
  /** The stage that holds the instruction. */
  stage: StageModel;
  /** The sources as written (heredoc markers left out). */
  sources: string[];
  /** The absolute destination without trailing slashes; undefined when a variable or an unknown WORKDIR hides it. */
  target: string | undefined;
  /**
   * Whether sources go into `target` by name: it is written as a directory (`dir/`, `.`), or takes
   * several sources or a glob. A directory source puts its contents into `target` either way.
   */
  intoDirectory: boolean;
  /** Where the files come from: the build context, a stage or image (`--from`), the heredocs, or a URL or git repository. */
  origin: "context" | "from" | "heredoc" | "remote";
  /** `--parents`: each source keeps its context path under `target`. */
  parents: boolean;
}

/** The COPY and ADD instructions that build the stage's file system: those of the stages it starts FROM first. */
export function imageCopies(stage: StageModel): ImageCopy[] {
  const copies: ImageCopy[] = [];
  for (const s of stageChain(stage).reverse()) {
    for (const ins of s.instructions) if (ins.keyword === "COPY" || ins.keyword === "ADD") copies.push(imageCopy(s, ins));
  }
  return copies;
}

/** What the COPY or ADD `ins` of `stage` copies, and where to. */
export function imageCopy(stage: StageModel, ins: InstructionModel): ImageCopy {
  const { sources, dest } = copyPaths(ins);
  const destination = absoluteIn(workdirAt(stage, ins), dest === "" ? "." : dest);
  const intoDirectory = dest.endsWith("/") || dest === "." || dest.endsWith("/.") || sources.length > 1 || sources.some((s) => /[*?[]/.test(s));
  const origin = ins.flags.some((f) => f.name === "from") ? "from" : ins.heredocs.length > 0 ? "heredoc" : sources.some(isRemote) ? "remote" : "context";
  return {
    instruction: ins,
    stage,
    sources,
    target: destination === undefined || destination === "/" ? destination : destination.replace(/\/+$/, ""),
    intoDirectory,
    origin,
    parents: ins.flags.some((f) => f.name === "parents" && f.value !== "false"),
  };
}

/** Whether `path` is `dir` or lies under it. */
export function atOrUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}

/**
 * Context-relative paths that may be the file at `imagePath`, from the latest COPY/ADD that may have
 * put it there back to the first; a copy from a stage or image (`--from`), a heredoc or a URL that may
 * have written that path ends the list, as what it wrote is not in the context. The first path that
 * exists in the context is the file.
 */
export function contextSourcesOf(stage: StageModel, imagePath: string): string[] {
  const found: string[] = [];
  for (const copy of imageCopies(stage).reverse()) {
    if (copy.target === undefined) continue;
    if (copy.origin !== "context" || copy.parents) {
      if (atOrUnder(imagePath, copy.target)) break;
      continue;
    }
    for (const source of copy.sources) found.push(...sourcesFor(source, copy.target, imagePath));
  }
  return found;
}

/**
 * Whether something other than the build context may put `imagePath` there: a VOLUME over it (it
 * is mounted at run time), or a COPY/ADD from a stage or image into it, a directory above it or one
 * below it. A copy into `/` itself counts only when it copies a whole stage (`COPY --from=x / /`):
 * a rootfs skeleton copied there says nothing of this path.
 */
export function putFromOutsideContext(stage: StageModel, imagePath: string): boolean {
  const covers = (into: string) => atOrUnder(imagePath, into) || atOrUnder(into, imagePath);
  for (const s of stageChain(stage)) {
    for (const ins of s.instructions) {
      if (ins.keyword !== "VOLUME") continue;
      const volumes = ins.args.join(" ").replace(/[[\]",]/g, " ").split(/\s+/).filter(Boolean);
      if (volumes.some((v) => covers(posix.normalize(absoluteIn(workdirAt(s, ins), v) ?? v)))) return true;
    }
  }
  for (const copy of imageCopies(stage)) {
    if (copy.origin !== "from") continue;
    if (copy.target === undefined) return true;
    if (copy.target === "/" && !copy.sources.some((src) => posix.normalize(src) === "/")) continue;
    if (covers(copy.target)) return true;
  }
  return false;
}

function isRemote(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^git@/.test(source);
}

/**
 * Context paths `source` copied into `into` puts at `imagePath`: as a file (`into` itself or
 * `into/name`), from inside a directory, or as what fills the directory `into` itself
 * (`COPY templates/ ./templates/` puts the directory's contents there).
 */
function sourcesFor(source: string, into: string, imagePath: string): string[] {
  if (source.includes("$")) return [];
  const rel = posix.normalize(source.replace(/^\/+/, "")).replace(/\/+$/, "");
  if (rel.startsWith("..")) return [];
  const base = rel === "." ? "" : rel;
  const prefix = into === "/" ? "/" : into + "/";
  const out: string[] = [];
  if (/[*?[]/.test(base)) {
    // A glob in the last part only: files it matches land in `into` by name.
    const dir = posix.dirname(base);
    if (/[*?[]/.test(dir) || posix.dirname(imagePath) !== (into === "/" ? "/" : into)) return [];
    const name = posix.basename(imagePath);
    return globMatches(posix.basename(base), name) ? [dir === "." ? name : `${dir}/${name}`] : [];
  }
  if (base !== "" && (imagePath === prefix + posix.basename(base) || imagePath === into)) out.push(base);
  if (imagePath.startsWith(prefix)) {
    const inside = imagePath.slice(prefix.length);
    out.push(base === "" ? inside : `${base}/${inside}`);
  }
  return out;
}

function globMatches(glob: string, name: string): boolean {
  let re = "";
  for (const c of glob) re += c === "*" ? "[^/]*" : c === "?" ? "[^/]" : c.replace(/[.+^${}()|\\]/g, "\\$&");
  try {
    return new RegExp(`^${re}$`).test(name);
  } catch {
    return false;
  }
}
