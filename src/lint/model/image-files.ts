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

/**
 * Context-relative paths that may be the file at `imagePath`, from the latest COPY/ADD that may have
 * put it there back to the first; a copy from a stage or image (`--from`), a heredoc or a URL that may
 * have written that path ends the list, as what it wrote is not in the context. The first path that
 * exists in the context is the file.
 */
export function contextSourcesOf(stage: StageModel, imagePath: string): string[] {
  const copies = stageChain(stage)
    .reverse()
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === "COPY" || i.keyword === "ADD")
    .reverse();
  const found: string[] = [];
  for (const ins of copies) {
    const { sources, dest } = copyPaths(ins);
    const destination = absoluteIn(workdirAt(stageOf(stage, ins), ins), dest === "" ? "." : dest);
    if (destination === undefined) continue;
    const into = destination === "/" ? "/" : destination.replace(/\/+$/, "");
    const notFromContext = ins.flags.some((f) => f.name === "from" || f.name === "parents") || ins.heredocs.length > 0 || sources.some(isRemote);
    if (notFromContext) {
      if (imagePath === into || imagePath.startsWith(into === "/" ? "/" : into + "/")) break;
      continue;
    }
    for (const source of sources) found.push(...sourcesFor(source, into, imagePath));
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
  const covers = (into: string) => into === imagePath || imagePath.startsWith(into === "/" ? "/" : `${into}/`) || into.startsWith(`${imagePath}/`);
  for (const s of stageChain(stage)) {
    for (const ins of s.instructions) {
      if (ins.keyword === "VOLUME") {
        const volumes = ins.args.join(" ").replace(/[[\]",]/g, " ").split(/\s+/).filter(Boolean);
        if (volumes.some((v) => covers(posix.normalize(absoluteIn(workdirAt(s, ins), v) ?? v)))) return true;
      }
      if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || !ins.flags.some((f) => f.name === "from")) continue;
      const { sources, dest } = copyPaths(ins);
      const into = absoluteIn(workdirAt(s, ins), dest === "" ? "." : dest);
      if (into === undefined) return true;
      const target = into === "/" ? "/" : into.replace(/\/+$/, "");
      if (target === "/" && !sources.some((src) => posix.normalize(src) === "/")) continue;
      if (covers(target)) return true;
    }
  }
  return false;
}

/** The stage of the chain that holds `ins`. */
function stageOf(stage: StageModel, ins: InstructionModel): StageModel {
  return stageChain(stage).find((s) => s.index === ins.stage) ?? stage;
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
