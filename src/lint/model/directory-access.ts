/**
 * Whether the user an image runs as may write to a directory, from what the Dockerfile does to it.
 * A directory made by RUN mkdir, by a WORKDIR before USER, by a COPY without --chown, or by a VOLUME
 * where the image has none (podman and Docker then make the volume root's) belongs to root, mode
 * 755. What lets another user write: a chown (or COPY/ADD --chown, install -o) to that user, a mode
 * that lets others write (777, 1777, o+w), one that lets the group write when the directory's group
 * is the user's, the home directory adduser or useradd -m makes for that user, and a WORKDIR after
 * USER (BuildKit and buildah make it as that user). `COPY --from` keeps the owner a build stage gave.
 */
import { posix } from "node:path";
import { lookupAt } from "./build.js";
import { unwrapCommand } from "./command-wrappers.js";
import { absoluteIn, imageCopy, workdirAt } from "./image-files.js";
import { stageChain } from "./queries.js";
import type { DockerfileModel, InstructionModel, StageModel } from "./types.js";
import { expand } from "./variables.js";

export interface DirectoryAccess {
  writable: boolean;
  /** The first instruction that makes the directory (or copies it in) without letting the user write; undefined when nothing makes it. */
  madeBy?: InstructionModel;
}

/** What an instruction does to the paths it names: the owner and group it gives, the mode it sets. */
interface Grant {
  targets: string[];
  recursive: boolean;
  owner?: string;
  group?: string;
  mode?: string;
  /** The words of the instruction's stage, to tell what a recursive chown of a staging directory covers. */
  stageWords: readonly string[];
}

/** Whether `user` (USER's value, variables expanded: `65532:65532`, `app`) may write to `path` in the final stage's image. */
export function directoryAccess(model: DockerfileModel, final: StageModel, path: string, user: string): DirectoryAccess {
  const [runAs = "", runGroup] = user.split(":");
  const chain = stageChain(final).reverse();
  const grants: Grant[] = [];
  let madeBy: InstructionModel | undefined;
  const made = (ins: InstructionModel) => (madeBy ??= ins);
  let userNow: string | undefined;
  for (const stage of chain) {
    const words = stageWords(model, [stage]);
    for (const ins of stage.instructions) {
      if (ins.keyword === "USER") userNow = resolved(model, ins, ins.args[0] ?? "").split(":")[0];
      else if (ins.keyword === "RUN") {
        grants.push(...runGrants(model, ins, words));
        if (ins.commands.some((c) => c.words.some((w) => refersTo(w.value, path)))) made(ins);
      } else if (ins.keyword === "WORKDIR") {
        const dir = absoluteIn(workdirAt(stage, ins), ins.args.join(" ").trim());
        if (dir === undefined || !(dir === path || dir.startsWith(`${path}/`))) continue;
        // BuildKit and buildah make a missing WORKDIR as the current USER; an existing one keeps its owner.
        if (madeBy === undefined && userNow !== undefined && sameId(userNow, runAs)) grants.push({ targets: [path], recursive: false, owner: userNow, stageWords: [] });
        made(ins);
      } else if (ins.keyword === "VOLUME") {
        const volumes = ins.args.join(" ").replace(/[[\]",]/g, " ").split(/\s+/).filter(Boolean);
        if (volumes.some((v) => covers(path, absoluteIn(workdirAt(stage, ins), v) ?? v) || isBelow(absoluteIn(workdirAt(stage, ins), v) ?? v, path))) made(ins);
      } else if (ins.keyword === "COPY" || ins.keyword === "ADD") {
        const { sources, target } = imageCopy(stage, ins);
        if (target === undefined) return { writable: true };
        const from = ins.flags.find((f) => f.name === "from");
        const chown = ins.flags.find((f) => f.name === "chown")?.value ?? undefined;
        const chmod = ins.flags.find((f) => f.name === "chmod")?.value ?? undefined;
        if (covers(path, target)) {
          if (chown !== undefined || chmod !== undefined) grants.push({ targets: [path], recursive: false, ...ownerOf(resolved(model, ins, chown ?? "")), ...(chmod !== undefined ? { mode: chmod } : {}), stageWords: [] });
          if (from !== undefined) {
            const source = stage.copyFrom.find((e) => e.instruction === ins)?.stage;
            // An image's own files are not known: the user may well own them. Files copied into / say nothing of this path, a whole image does.
            if (source === undefined) {
              if (target !== "/" || sources.some((s) => posix.normalize(s) === "/")) return { writable: true };
              continue;
            }
            const sourceStages = stageChain(source);
            const sourceWords = stageWords(model, sourceStages);
            for (const s of sourceStages) for (const run of s.instructions) if (run.keyword === "RUN") grants.push(...runGrants(model, run, sourceWords));
            const maker = sourceStages.flatMap((s) => s.instructions).find((i) => i.keyword === "RUN" && i.commands.some((c) => c.words.some((w) => refersTo(w.value, path))));
            if (maker) made(ins);
          } else if (target === path) made(ins);
        } else if (isBelow(target, path)) made(ins);
      }
    }
  }
  let owner: string | undefined;
  let group: string | undefined;
  let mode: string | undefined;
  for (const g of grants) {
    if (!g.targets.some((t) => applies(t, g, path))) continue;
    if (g.owner !== undefined && g.owner !== "") owner = g.owner;
    if (g.group !== undefined && g.group !== "") group = g.group;
    if (g.mode !== undefined) mode = applyMode(mode, g.mode);
  }
  const writable =
    (owner !== undefined && sameId(owner, runAs)) ||
    (mode !== undefined && modeLets(mode, "o")) ||
    (mode !== undefined && modeLets(mode, "g") && (runGroup === undefined || sameId(group ?? "0", runGroup)));
  return writable ? { writable } : { writable, ...(madeBy ? { madeBy } : {}) };
}

/** Every word of the stages' RUN commands, for what a recursive chown of a directory above them covers. */
function stageWords(model: DockerfileModel, stages: readonly StageModel[]): string[] {
  const out: string[] = [];
  for (const s of stages) for (const ins of s.instructions) if (ins.keyword === "RUN") for (const c of ins.commands) for (const w of c.words) out.push(normal(resolved(model, ins, w.value)));
  return out;
}

/** A word with the Dockerfile's variables expanded; as written when some are not known (a shell variable, an ARG without a value), so it matches anything. */
function resolved(model: DockerfileModel, ins: InstructionModel, text: string): string {
  const e = expand(text, lookupAt(model, ins), model.escape);
  return e.unknown || e.undefinedNames.length > 0 ? text : e.value;
}

/** The owner, group and mode changes of a RUN's chown, chgrp, chmod, install -d, mkdir -m, adduser and useradd -m. */
function runGrants(model: DockerfileModel, ins: InstructionModel, stageWordsOf: readonly string[]): Grant[] {
  const grants: Grant[] = [];
  for (const c of ins.commands) {
    const words = unwrapCommand(c).words.map((w) => resolved(model, ins, w.value));
    const tool = posix.basename(words[0] ?? "");
    const { options, operands } = splitOptions(words.slice(1), valueOptions[tool] ?? new Set());
    const recursive = options.has("-R") || options.has("--recursive");
    const base = { recursive, stageWords: stageWordsOf };
    if (tool === "chown" && operands.length > 1) grants.push({ ...base, targets: operands.slice(1), ...ownerOf(operands[0]!) });
    else if (tool === "chgrp" && operands.length > 1) grants.push({ ...base, targets: operands.slice(1), group: operands[0]! });
    else if (tool === "chmod" && operands.length > 1) grants.push({ ...base, targets: operands.slice(1), mode: operands[0]! });
    else if (tool === "install" && (options.has("-d") || options.has("--directory"))) {
      const owner = options.get("-o") ?? options.get("--owner");
      const group = options.get("-g") ?? options.get("--group");
      const mode = options.get("-m") ?? options.get("--mode");
      grants.push({ ...base, targets: operands, ...(owner ? { owner } : {}), ...(group ? { group } : {}), ...(mode ? { mode } : {}) });
    } else if (tool === "mkdir") {
      const mode = options.get("-m") ?? options.get("--mode");
      if (mode) grants.push({ ...base, recursive: false, targets: operands, mode });
    } else if (tool === "adduser" || tool === "useradd") {
      const home = tool === "adduser" ? (options.get("-h") ?? options.get("--home")) : (options.get("-d") ?? options.get("--home-dir"));
      const creates = tool === "adduser" ? !options.has("-H") && !options.has("--no-create-home") : options.has("-m") || options.has("--create-home");
      const name = tool === "adduser" ? operands[0] : operands.at(-1);
      if (home && creates && name) grants.push({ ...base, recursive: false, targets: [home], owner: name });
    }
  }
  return grants;
}

/** Options that take a value, per command. */
const valueOptions: Record<string, ReadonlySet<string>> = {
  chown: new Set(["--from", "--reference"]),
  chgrp: new Set(["--reference"]),
  chmod: new Set(["--reference"]),
  install: new Set(["-o", "--owner", "-g", "--group", "-m", "--mode", "-t", "--target-directory", "-S", "--suffix", "-Z", "--context"]),
  mkdir: new Set(["-m", "--mode", "--context"]),
  adduser: new Set(["-h", "-g", "-s", "-G", "-u", "-k", "--home", "--shell", "--gecos", "--comment", "--ingroup", "--uid", "--gid", "--firstuid", "--lastuid", "--conf", "--add-extra-groups"]),
  useradd: new Set(["-u", "-g", "-G", "-d", "-s", "-c", "-k", "-e", "-f", "-K", "-p", "-R", "-P", "-b", "--uid", "--gid", "--groups", "--home-dir", "--shell", "--comment", "--skel", "--expiredate", "--inactive", "--key", "--password", "--root", "--prefix", "--base-dir", "--selinux-user"]),
};

/** Options (with their values) and operands; `-Rf` counts as -R and -f, `--mode=755` and `-m755` as values. A mode such as `-w` or `=rwx` is an operand of chmod only after its options, which no one writes. */
function splitOptions(words: readonly string[], takesValue: ReadonlySet<string>): { options: Map<string, string>; operands: string[] } {
  const options = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "--") {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (w.startsWith("--")) {
      const eq = w.indexOf("=");
      if (eq > 0) options.set(w.slice(0, eq), w.slice(eq + 1));
      else options.set(w, takesValue.has(w) ? (words[++i] ?? "") : "");
    } else if (w.startsWith("-") && w.length > 1 && !/^-[rwxXst]+$/.test(w)) {
      for (let k = 1; k < w.length; k++) {
        const flag = `-${w[k]}`;
        if (takesValue.has(flag)) {
          options.set(flag, k + 1 < w.length ? w.slice(k + 1) : (words[++i] ?? ""));
          break;
        }
        options.set(flag, "");
      }
    } else operands.push(w);
  }
  return { options, operands };
}

/** `user:group`, `user.group` (old chown syntax), `:group`. */
function ownerOf(spec: string): { owner?: string; group?: string } {
  const [owner = "", group] = spec.includes(":") ? spec.split(":") : spec.split(".");
  return { ...(owner !== "" ? { owner } : {}), ...(group !== undefined && group !== "" ? { group } : {}) };
}

/** Whether a user (or group) written one way may be the one written another: the same name or uid; a name and a uid may be one user (adduser -u 10001 app). */
function sameId(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.includes("$") || b.includes("$")) return true;
  const numeric = (s: string) => /^\d+$/.test(s);
  if (a === "root" || b === "root") return (a === "root" ? b : a) === "0";
  return numeric(a) !== numeric(b);
}

/** Whether a grant on `target` reaches `path`: it names it (also under a staging prefix, `/out/state/var/lib/app`), or a recursive one names a directory above it. */
function applies(target: string, grant: Grant, path: string): boolean {
  const t = normal(target);
  if (refersTo(t, path)) return true;
  if (!grant.recursive || t === "") return false;
  if (t === "/" || ancestorsOf(path).some((a) => t.endsWith(a))) return true;
  return grant.stageWords.some((w) => w.startsWith(`${t}/`) && refersTo(w, path));
}

/** A word that names `path`, itself or at the end of a longer path (`/out/state/var/lib/app/`). */
function refersTo(word: string, path: string): boolean {
  const w = normal(word);
  return w === path || w.endsWith(path);
}

function normal(word: string): string {
  return word.length > 1 ? word.replace(/\/+$/, "") : word;
}

/** Whether a copy into `target` may hold `path`: `path` itself or a directory above it. */
function covers(path: string, target: string): boolean {
  return target === path || target === "/" || path.startsWith(`${target}/`);
}

function isBelow(target: string, path: string): boolean {
  return target.startsWith(`${path}/`);
}

function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  for (let p = posix.dirname(path); p !== "/" && p !== "."; p = posix.dirname(p)) out.push(p);
  return out;
}

/** The mode after chmod `change` on a directory of mode `before` (755, mkdir's under umask 022, when unknown), as 3 or 4 octal digits. */
function applyMode(before: string | undefined, change: string): string {
  if (/^[0-7]{1,4}$/.test(change)) return change.padStart(3, "0");
  let bits = parseInt(before ?? "755", 8);
  for (const clause of change.split(",")) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*|[ugo])$/.exec(clause);
    if (!m) continue;
    const [, who = "", op, perms = ""] = m;
    // With no u/g/o/a, chmod applies the umask (022 in a build): +w then gives only the owner write.
    const classes = who === "" ? ["u"] : who.includes("a") ? ["u", "g", "o"] : [...who];
    let set = 0;
    for (const p of perms) set |= p === "r" ? 4 : p === "w" ? 2 : p === "x" || p === "X" ? 1 : p === "u" ? (bits >> 6) & 7 : p === "g" ? (bits >> 3) & 7 : p === "o" ? bits & 7 : 0;
    for (const c of classes) {
      const shift = c === "u" ? 6 : c === "g" ? 3 : 0;
      if (op === "+") bits |= set << shift;
      else if (op === "-") bits &= ~(set << shift);
      else bits = (bits & ~(7 << shift)) | (set << shift);
    }
  }
  return bits.toString(8).padStart(3, "0");
}

/** Whether a mode lets the group ("g") or everyone else ("o") write. */
function modeLets(mode: string, who: "g" | "o"): boolean {
  const digits = mode.slice(-3);
  const digit = parseInt(who === "g" ? (digits[1] ?? "0") : (digits[2] ?? "0"), 8);
  return (digit & 2) !== 0;
}
