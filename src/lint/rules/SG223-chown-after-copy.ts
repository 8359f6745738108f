import { lstatSync, readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { dockerignoreMatcher } from "../../dockerfile/dockerignore-patterns.js";
import { formatBytes } from "../../verify/size.js";
import { contextPath } from "../context-files.js";
import { lookupAt } from "../model/build.js";
import { unwrapCommand } from "../model/command-wrappers.js";
import { absoluteIn, workdirAt } from "../model/image-files.js";
import { isOfficialImage } from "../model/images.js";
import { copyPaths, goBuilds, goFlagValue, isShipped, lineStartOf, rootImage, stageChain } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, ShellCommand, ShellWord, StageModel } from "../model/types.js";
import { expand } from "../model/variables.js";
import type { Rule, RuleContext, TextEdit } from "../types.js";

/** A `chown`, `chgrp` or `chmod` in a RUN: its owner or mode word, whether -R, and the paths it names. */
interface MetadataChange {
  tool: "chown" | "chgrp" | "chmod";
  recursive: boolean;
  /** Options other than -R/--recursive (-h, --reference=..., -v): the fix leaves such a command alone. */
  otherOptions: boolean;
  /** The owner (chown, chgrp) or mode (chmod) as written; undefined with --reference. */
  spec: string | undefined;
  paths: ShellWord[];
}

/** Where a COPY or ADD put what it wrote, and what kind of thing that is. */
interface Written {
  ins: InstructionModel;
  stage: StageModel;
  /** Absolute, normalized, without a trailing slash. */
  dest: string;
  /** "file" or "dir" when known (a context source, a go build output, a destination that takes several sources). */
  kind: "file" | "dir" | "unknown";
  /** Context-relative sources (cleaned: "" for the whole context); undefined for a copy from a stage, an image, a URL or a heredoc. */
  contextSources: string[] | undefined;
  /** The sources as written, for messages. */
  shown: string[];
}

/** A path of the RUN that rewrites what a COPY wrote. */
interface Hit {
  word: ShellWord;
  path: string;
  copy: Written;
  /** The COPY's destination itself, a path inside it, or a directory above it (with -R). */
  relation: "whole" | "inside" | "parent";
  /** Context-relative files or directories whose bytes the RUN copies again; undefined when they are not in the context. */
  context: string[] | undefined;
}

/** Instructions that write nothing to the image's files. */
const METADATA_ONLY = new Set(["ENV", "ARG", "LABEL", "EXPOSE", "USER", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "SHELL", "ONBUILD", "MAINTAINER"]);

/** Directories every Linux base image with a shell has. */
const ALWAYS_THERE = ["/", "/bin", "/etc", "/home", "/lib", "/root", "/sbin", "/tmp", "/usr", "/var"];
/** And those alpine, debian, ubuntu and golang (official images) have as well. */
const OFFICIAL_DISTRO_DIRS = ["/mnt", "/opt", "/srv", "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/sbin", "/usr/share", "/var/lib"];
const GOLANG_DIRS = ["/go", "/go/bin", "/go/src", "/usr/local/go", "/usr/local/go/bin"];

const OWNER = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

export const rule: Rule = {
  meta: {
    id: "SG223",
    name: "chown-after-copy",
    severity: "info",
    description: "A RUN chown or chmod of files a COPY wrote in the same shipped stage stores every byte of them a second time: set the owner or mode on the COPY with --chown or --chmod.",
    docs: "docs/rules/SG223.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      // A build stage the image only COPY --from's files out of: the second copy costs builder storage, not image size.
      if (!isShipped(model, stage)) continue;
      const copies: Written[] = [];
      for (const ins of stage.instructions) {
        if (ins.keyword === "COPY" || ins.keyword === "ADD") {
          const written = writtenBy(ctx, stage, ins);
          if (written) copies.push(written);
          continue;
        }
        if (ins.keyword !== "RUN" || copies.length === 0) continue;
        checkRun(ctx, stage, ins, copies);
      }
    }
  },
};

function checkRun(ctx: RuleContext, stage: StageModel, run: InstructionModel, copies: readonly Written[]): void {
  const { model } = ctx;
  const lookup = lookupAt(model, run);
  const workdir = workdirAt(stage, run);
  const changes: { command: ShellCommand; change: MetadataChange; hits: Hit[] }[] = [];
  const made = madeDirectories(ctx, stage, run, copies);
  for (const command of run.commands) {
    const change = metadataChange(unwrapCommand(command).words);
    if (!change) continue;
    const hits: Hit[] = [];
    for (const word of change.paths) {
      const e = expand(word.value, lookup, model.escape);
      if (e.unknown || e.undefinedNames.length > 0) continue;
      const path = absoluteIn(workdir, e.value);
      if (path === undefined || /[*?[]/.test(path)) continue;
      const clean = path === "/" ? "/" : path.replace(/\/+$/, "");
      // A directory a mkdir made below the destination holds nothing the COPY wrote (`mkdir -p /app/data && chown -R app /app/data`).
      hits.push(...hitsFor(ctx, stage, word, clean, change.recursive, copies).filter((h) => h.relation !== "inside" || !made.some((d) => d !== h.copy.dest && overlapsDown(h.copy.dest, d, clean))));
    }
    if (hits.length > 0) changes.push({ command, change, hits });
  }
  if (changes.length === 0) return;

  const hits = changes.flatMap((c) => c.hits);
  const first = changes[0]!;
  const did = changes.map((c) => `${c.change.tool}${c.change.recursive ? " -R" : ""}${c.change.spec !== undefined ? ` ${c.change.spec}` : ""} ${c.hits.map((h) => h.word.value).filter(unique).join(" ")}`).join(" and ");
  const copyLines = hits.map((h) => h.copy.ins.range.line).filter(unique);
  const what = hits.map((h) => (h.relation === "inside" ? h.path : h.copy.dest)).filter(unique).join(", ");
  const cost = costOf(ctx, hits);
  const fix = changes.length === 1 && run.commands.length === 1 ? fixFor(ctx, stage, run, first.change, first.hits) : undefined;
  // Other work in the RUN than these changes (the `sh -c` that runs a script is not work of its own).
  const hosts = new Set(run.commands.map((c) => c.script?.host));
  const otherWork = run.commands.some((c) => !hosts.has(c) && !changes.some((ch) => ch.command === c));
  const advice = adviceFor(model, changes.map((c) => c.change), hits, fix !== undefined, otherWork);
  ctx.report({
    at: run,
    message: `${did} changes what the COPY at line${copyLines.length > 1 ? "s" : ""} ${copyLines.join(", ")} wrote (${what}), and a layer cannot record just a new owner or mode: this RUN's layer holds each changed file whole again, so the image ${cost}: ${advice}`,
    ...(fix ? { fix } : {}),
  });
}

/** `chown [-R] OWNER PATH...`, `chgrp [-R] GROUP PATH...`, `chmod [-R] MODE PATH...` (wrappers taken off). */
function metadataChange(words: readonly ShellWord[]): MetadataChange | undefined {
  const tool = posix.basename(words[0]?.value ?? "");
  if (tool !== "chown" && tool !== "chgrp" && tool !== "chmod") return undefined;
  let recursive = false;
  let otherOptions = false;
  let reference = false;
  const operands: ShellWord[] = [];
  let optionsDone = false;
  for (const w of words.slice(1)) {
    const v = w.value;
    if (/^[<>|&;]|^\d*>/.test(v)) break;
    if (!optionsDone && v === "--") {
      optionsDone = true;
      continue;
    }
    if (!optionsDone && v.startsWith("--")) {
      if (v === "--recursive") recursive = true;
      else {
        otherOptions = true;
        if (v.startsWith("--reference")) reference = true;
      }
      continue;
    }
    // chmod -x and -w are modes, not options; its options are -R, -v, -c and -f.
    const isOption = !optionsDone && v.length > 1 && v.startsWith("-") && (tool !== "chmod" || /^-[Rvcf]+$/.test(v));
    if (isOption) {
      if (v.includes("R")) recursive = true;
      if (/[^-R]/.test(v)) otherOptions = true;
      continue;
    }
    operands.push(w);
  }
  const spec = reference ? undefined : operands.shift()?.value;
  if (operands.length === 0) return undefined;
  return { tool, recursive, otherOptions, spec, paths: operands };
}

/** The copies a path of the RUN rewrites bytes of: what a COPY wrote at it, inside it, or (with -R) below it. */
function hitsFor(ctx: RuleContext, stage: StageModel, word: ShellWord, path: string, recursive: boolean, copies: readonly Written[]): Hit[] {
  const hits: Hit[] = [];
  for (const copy of copies) {
    const d = copy.dest;
    if (path === d) {
      // Without -R, only a file's bytes are copied again; a directory's entry is small.
      if (copy.kind === "file" || recursive) hits.push({ word, path, copy, relation: "whole", context: copy.contextSources });
    } else if (path.startsWith(d === "/" ? "/" : `${d}/`)) {
      const rel = path.slice(d === "/" ? 1 : d.length + 1);
      const inside = insideKind(ctx, stage, copy, rel);
      if (inside.kind === "missing") continue;
      if (inside.kind === "file" || recursive) hits.push({ word, path, copy, relation: "inside", context: inside.context });
    } else if (recursive && d.startsWith(path === "/" ? "/" : `${path}/`)) {
      hits.push({ word, path, copy, relation: "parent", context: copy.contextSources });
    }
  }
  // The last copy to write a path is the one whose bytes it holds.
  const whole = hits.filter((h) => h.relation !== "parent");
  if (whole.length > 1) return [...hits.filter((h) => h.relation === "parent"), whole[whole.length - 1]!];
  return hits;
}

/** What a path `rel` below a COPY's destination is: a file or directory it wrote (with its context path), or nothing it wrote. */
function insideKind(ctx: RuleContext, stage: StageModel, copy: Written, rel: string): { kind: "file" | "dir" | "unknown" | "missing"; context?: string[] } {
  if (copy.contextSources === undefined) {
    if (copy.kind === "file") return { kind: "missing" };
    return { kind: goOutputs(ctx.model, stage, copy).some((o) => o === rel || o.endsWith(`/${rel}`)) ? "file" : "unknown" };
  }
  for (const source of copy.contextSources.slice().reverse()) {
    const sourceKind = contextKind(ctx, source);
    let candidate: string | undefined;
    if (sourceKind === "dir") candidate = source === "" ? rel : `${source}/${rel}`;
    else if (sourceKind === "file" && copy.kind === "dir" && rel === posix.basename(source)) candidate = source;
    if (candidate === undefined) continue;
    const kind = contextKind(ctx, candidate);
    if (kind !== undefined) return { kind, context: [candidate] };
  }
  return ctx.contextDir === undefined ? { kind: "unknown" } : { kind: "missing" };
}

/** Where a COPY or ADD put its sources, or undefined when a variable or unknown WORKDIR hides it. */
function writtenBy(ctx: RuleContext, stage: StageModel, ins: InstructionModel): Written | undefined {
  const { model } = ctx;
  const lookup = lookupAt(model, ins);
  const { sources: raw, dest: rawDest } = copyPaths(ins);
  if (raw.length === 0 && ins.heredocs.length === 0) return undefined;
  const e = expand(rawDest === "" ? "." : rawDest, lookup, model.escape);
  if (e.unknown) return undefined;
  const into = absoluteIn(workdirAt(stage, ins), e.value);
  if (into === undefined) return undefined;
  const dest = into === "/" ? "/" : into.replace(/\/+$/, "");
  const sources = raw.map((s) => expand(s, lookup, model.escape).value);
  const fromOutside = ins.flags.some((f) => f.name === "from") || ins.heredocs.length > 0 || sources.some((s) => /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(s));
  const intoDirectory = e.value.endsWith("/") || e.value === "." || e.value.endsWith("/.") || sources.length > 1 || sources.some((s) => /[*?[]/.test(s));
  const contextSources = fromOutside || sources.some((s) => s.includes("$")) ? undefined : sources.map(cleanSource);
  let kind: Written["kind"] = intoDirectory ? "dir" : "unknown";
  if (!intoDirectory) {
    if (ins.heredocs.length > 0 || (fromOutside && !ins.flags.some((f) => f.name === "from"))) kind = "file";
    else if (contextSources !== undefined) kind = contextKind(ctx, contextSources[0]!) ?? "unknown";
    else if (ins.flags.some((f) => f.name === "from")) {
      const source = sources[0] ?? "";
      kind = goOutputs(model, stage, { ins }).includes(posix.normalize(source)) ? "file" : "unknown";
    }
  }
  // One file into a directory: what it wrote is the file there.
  if (intoDirectory && sources.length === 1 && !/[*?[]/.test(sources[0]!)) {
    const source = sources[0]!;
    const isFile = contextSources !== undefined ? contextKind(ctx, contextSources[0]!) === "file" : ins.flags.some((f) => f.name === "from") && goOutputs(model, stage, { ins }).includes(posix.normalize(source));
    if (isFile) return { ins, stage, dest: posix.join(dest, posix.basename(source)), kind: "file", contextSources, shown: raw };
  }
  return { ins, stage, dest, kind, contextSources, shown: raw.length > 0 ? raw : ins.heredocs.map((h) => `<<${h.name}`) };
}

/** Absolute paths `go build -o` writes in the stage a COPY --from names (and the stages it starts FROM). */
function goOutputs(model: DockerfileModel, stage: StageModel, copy: Pick<Written, "ins">): string[] {
  const from = stage.copyFrom.find((e) => e.instruction === copy.ins)?.stage;
  if (!from) return [];
  const chain = stageChain(from);
  const out: string[] = [];
  for (const build of goBuilds(model)) {
    if (!chain.includes(build.stage)) continue;
    const o = goFlagValue(build.args, "o");
    if (o === undefined || o.endsWith("/") || o.includes("$")) continue;
    const path = absoluteIn(workdirAt(build.stage, build.instruction), o);
    if (path !== undefined) out.push(path);
  }
  return out;
}

function cleanSource(source: string): string {
  const s = posix.normalize(source.replace(/^\/+/, "")).replace(/\/+$/, "");
  return s === "." ? "" : s;
}

/** Whether a context path is a file or a directory; undefined when missing or no context is known. */
function contextKind(ctx: RuleContext, rel: string): "file" | "dir" | undefined {
  if (ctx.contextDir === undefined) return undefined;
  const path = contextPath(ctx.contextDir, rel);
  if (path === undefined) return undefined;
  try {
    const st = lstatSync(path);
    return st.isDirectory() ? "dir" : st.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}

/** "stores the 12.0 MiB of bin/ twice", or without a size when the bytes are not in the build context. */
function costOf(ctx: RuleContext, hits: readonly Hit[]): string {
  const all = hits.map((h) => h.context).filter((c): c is string[] => c !== undefined).flat().filter(unique);
  // What another path holds is counted with it (bin inside the whole context).
  const paths = all.filter((p) => !all.some((q) => q !== p && (q === "" || p.startsWith(`${q}/`))));
  const outside = hits.some((h) => h.context === undefined);
  const shown = hits.map((h) => (h.relation === "inside" ? h.path : h.copy.shown.join(" "))).filter(unique).join(", ");
  if (outside || ctx.contextDir === undefined || paths.length === 0) return `stores every byte of ${shown} a second time`;
  const bytes = contextBytes(ctx, paths);
  if (bytes === undefined) return `stores every byte of ${shown} a second time`;
  const names = paths.map((p) => (p === "" ? "the build context" : p)).join(", ");
  return `stores the ${formatBytes(bytes)} of ${names} twice`;
}

/** The bytes of regular files at and under context paths, leaving out what the ignore file excludes; undefined past 100,000 entries. */
function contextBytes(ctx: RuleContext, paths: readonly string[]): number | undefined {
  const contextDir = ctx.contextDir!;
  const ignored = dockerignoreMatcher(ctx.dockerignore ?? []);
  let total = 0;
  let entries = 0;
  const walk = (rel: string): boolean => {
    if (++entries > 100_000) return false;
    if (rel !== "" && ignored.isIgnored(rel)) return true;
    const abs = rel === "" ? contextDir : join(contextDir, rel);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      return true;
    }
    if (st.isFile()) total += st.size;
    else if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (!walk(rel === "" ? name : `${rel}/${name}`)) return false;
    }
    return true;
  };
  for (const p of paths) {
    if (p !== "" && contextPath(contextDir, p) === undefined) return undefined;
    if (!walk(p)) return undefined;
  }
  return total;
}

function adviceFor(model: DockerfileModel, changes: readonly MetadataChange[], hits: readonly Hit[], fixed: boolean, otherWork: boolean): string {
  const flags = changes.map((c) => copyFlag(c)).filter(unique).join(" ");
  if (fixed) return `set it on the COPY with ${flags} and drop this RUN`;
  const parts = [`set it on the COPY with ${flags} instead${otherWork ? ", and take it out of this RUN" : ""}`];
  const dirs = hits.filter((h) => h.relation === "whole" && h.copy.kind === "dir" && existedBefore(model, h.copy)).map((h) => h.copy.dest).filter(unique);
  const chown = changes.find((c) => c.tool === "chown" && c.spec !== undefined);
  if (dirs.length > 0 && chown) parts.push(`COPY --chown leaves ${dirs.join(", ")} itself as it was under BuildKit, so if the program writes there, keep a chown ${chown.spec} ${dirs.join(" ")} without -R, which copies no file`);
  return parts.join("; ");
}

/** The COPY flag that does what a change does: --chown=app:app, --chmod=755, or a placeholder for a mode or owner written otherwise. */
function copyFlag(change: MetadataChange): string {
  const spec = change.spec;
  if (change.tool === "chmod") return spec !== undefined && /^[0-7]{3,4}$/.test(spec) ? `--chmod=${spec}` : "--chmod=<octal mode> (+x is usually 755)";
  if (change.tool === "chgrp") return `--chown=<user>:${spec ?? "<group>"}`;
  if (spec === undefined) return "--chown=<user>:<group>";
  return spec.includes(":") ? `--chown=${spec}` : `--chown=${spec}:<group> (chown ${spec} keeps the group; --chown=${spec} alone also sets it)`;
}

/**
 * The fix, when moving the change onto the COPY gives the same files: the RUN is that one chown
 * (user:group) or chmod (octal) and nothing else; each path is what one COPY wrote, a file, or a
 * directory the COPY created and -R; the COPY creates no directory above it (--chown would give
 * those the owner too); no instruction between them writes files; and for a directory, chmod 755
 * only (BuildKit releases differ on the mode a directory gets from --chmod; 755 is what they all give).
 */
function fixFor(ctx: RuleContext, stage: StageModel, run: InstructionModel, change: MetadataChange, hits: readonly Hit[]) {
  const { model } = ctx;
  if (run.json !== null || run.heredocs.length > 0 || run.flags.length > 0) return undefined;
  const command = run.commands[0]!;
  const unwrapped = unwrapCommand(command);
  if (command.script !== undefined || unwrapped.wrappers.length > 0 || command.assignments.length > 0) return undefined;
  if (change.otherOptions || change.spec === undefined || change.tool === "chgrp") return undefined;
  const spec = change.spec;
  const flag = change.tool === "chown" ? "chown" : "chmod";
  if (change.tool === "chown") {
    const [user, group, extra] = spec.split(":");
    if (extra !== undefined || group === undefined || !OWNER.test(user ?? "") || !OWNER.test(group)) return undefined;
  } else if (!/^[0-7]{3,4}$/.test(spec)) return undefined;
  if (hits.some((h) => h.relation !== "whole") || hits.length !== change.paths.length) return undefined;
  const fixedCopies = hits.map((h) => h.copy);
  if (fixedCopies.filter(unique).length !== fixedCopies.length) return undefined;
  const known = knownDirectories(stage);
  for (const copy of fixedCopies) {
    const ins = copy.ins;
    if (ins.keyword !== "COPY" || ins.heredocs.length > 0) return undefined;
    if (ins.flags.some((f) => f.name === flag || !["from", "link", "chown", "chmod"].includes(f.name))) return undefined;
    if (copy.kind === "unknown" || (copy.kind === "dir" && !change.recursive)) return undefined;
    if (copy.kind === "dir" && flag === "chmod" && !/^0?755$/.test(spec)) return undefined;
    if (known.has(copy.dest) || existedBefore(model, copy)) return undefined;
    const parentKnown = known.has(posix.dirname(copy.dest));
    if (!parentKnown && !(flag === "chmod" && /^0?755$/.test(spec))) return undefined;
  }
  const paths = hits.map((h) => h.path);
  const between = stage.instructions.filter((i) => i.index > Math.min(...fixedCopies.map((c) => c.ins.index)) && i.index < run.index);
  for (const i of between) {
    if (METADATA_ONLY.has(i.keyword) || fixedCopies.some((c) => c.ins === i)) continue;
    if (i.keyword !== "COPY" && i.keyword !== "ADD") return undefined;
    const written = writtenBy(ctx, stage, i);
    if (!written) return undefined;
    // A name is looked up in the image's /etc/passwd and /etc/group when the COPY runs, before a copy between them may write those.
    if (flag === "chown" && !/^\d+:\d+$/.test(spec) && (overlaps(written.dest, "/etc/passwd") || overlaps(written.dest, "/etc/group"))) return undefined;
    if (paths.some((p) => overlaps(p, written.dest))) return undefined;
  }
  const edits: TextEdit[] = fixedCopies.map((c) => ({ start: c.ins.start + c.ins.keyword.length, end: c.ins.start + c.ins.keyword.length, text: ` --${flag}=${spec}` }));
  const start = lineStartOf(model, run.start);
  let end = run.end;
  if (model.text.startsWith("\r\n", end)) end += 2;
  else if (model.text[end] === "\n") end += 1;
  edits.push({ start, end, text: "" });
  return { description: `move ${change.tool} ${spec} onto the COPY as --${flag}=${spec} and drop the RUN`, edits };
}

/**
 * Whether an instruction before the COPY, in its stage or the stages it starts FROM, made or wrote
 * its destination (a WORKDIR, COPY, ADD or RUN naming it or a path below it), or may have (a
 * variable hides where).
 */
function existedBefore(model: DockerfileModel, copy: Written): boolean {
  const d = copy.dest;
  const below = (p: string | undefined) => p === undefined || p === d || p.startsWith(d === "/" ? "/" : `${d}/`);
  for (const s of stageChain(copy.stage).reverse()) {
    for (const ins of s.instructions) {
      if (s === copy.stage && ins.index >= copy.ins.index) break;
      const workdir = workdirAt(s, ins);
      const resolved = (written: string) => {
        const e = expand(written, lookupAt(model, ins), model.escape);
        return e.unknown ? undefined : absoluteIn(workdir, e.value);
      };
      if (ins.keyword === "WORKDIR" && below(resolved(ins.args.join(" ").trim()))) return true;
      if ((ins.keyword === "COPY" || ins.keyword === "ADD") && below(resolved(copyPaths(ins).dest || "."))) return true;
      if (ins.keyword === "RUN" && ins.commands.some((c) => c.words.some((w) => (w.value.startsWith("/") ? below(posix.normalize(w.value).replace(/(.)\/+$/, "$1")) : false)))) return true;
    }
  }
  return false;
}

function knownDirectories(stage: StageModel): Set<string> {
  const root = rootImage(stage);
  const dirs = new Set(ALWAYS_THERE);
  if (isOfficialImage(root) && ["alpine", "debian", "ubuntu", "golang"].includes(root.repository)) for (const d of OFFICIAL_DISTRO_DIRS) dirs.add(d);
  if (isOfficialImage(root) && root.repository === "golang") for (const d of GOLANG_DIRS) dirs.add(d);
  return dirs;
}

/** Absolute directories `mkdir` makes in the RUN, and in the RUNs between the first COPY and it. */
function madeDirectories(ctx: RuleContext, stage: StageModel, run: InstructionModel, copies: readonly Written[]): string[] {
  const { model } = ctx;
  const out: string[] = [];
  const firstCopy = copies[0]?.ins.index ?? run.index;
  for (const ins of stage.instructions) {
    if (ins.keyword !== "RUN" || ins.index < firstCopy || ins.index > run.index) continue;
    const lookup = lookupAt(model, ins);
    const workdir = workdirAt(stage, ins);
    for (const c of ins.commands) {
      const words = unwrapCommand(c).words;
      if (posix.basename(words[0]?.value ?? "") !== "mkdir") continue;
      for (const w of words.slice(1)) {
        if (w.value.startsWith("-")) continue;
        const e = expand(w.value, lookup, model.escape);
        const path = e.unknown ? undefined : absoluteIn(workdir, e.value);
        if (path !== undefined) out.push(path === "/" ? "/" : path.replace(/\/+$/, ""));
      }
    }
  }
  return out;
}

/** Whether `made` is below `dest` and is `path` or above it. */
function overlapsDown(dest: string, made: string, path: string): boolean {
  return made.startsWith(dest === "/" ? "/" : `${dest}/`) && (path === made || path.startsWith(`${made}/`));
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(b === "/" ? "/" : `${b}/`) || b.startsWith(a === "/" ? "/" : `${a}/`);
}

function unique<T>(value: T, index: number, all: readonly T[]): boolean {
  return all.indexOf(value) === index;
}
