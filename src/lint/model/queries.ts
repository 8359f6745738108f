/** Questions rules ask of the model: Go invocations, stage ancestry, copies, ranges. */
import type { SourceRange } from "../types.js";
import { lookupAt } from "./build.js";
import { hasNoShell, type ImageRef } from "./images.js";
import { assignmentPattern } from "./shell.js";
import type { DockerfileModel, InstructionModel, ShellCommand, ShellWord, StageModel } from "./types.js";

export interface GoInvocation {
  instruction: InstructionModel;
  stage: StageModel;
  command: ShellCommand;
  /**
   * VAR=value words on the command line that reach go: before the command, or after `sudo` and its
   * options (sudo resets the environment, so the ones before it count only under -E/--preserve-env).
   */
  assignments: ShellCommand["assignments"];
  /**
   * Where a fix inserts a VAR=value for go: after `sudo` and its options, else before the command.
   * Undefined when sudo has an option not in sudoFlags or sudoOptionsWithValue, so the place is not known.
   */
  envInsertAt: number | undefined;
  /** "build", "install", "mod", "test", ... */
  subcommand: string;
  /** Words after the subcommand. */
  args: ShellWord[];
  /** The `go` word. */
  goWord: ShellWord;
  subWord: ShellWord;
}

/** Every `go <subcommand>` in RUN instructions, in order. */
export function goInvocations(model: DockerfileModel): GoInvocation[] {
  const out: GoInvocation[] = [];
  for (const stage of model.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== "RUN") continue;
      for (const command of ins.commands) {
        const words = command.words;
        let assignments = [...command.assignments];
        let envInsertAt = (command.assignments[0]?.word ?? words[0])?.start;
        let k = 0;
        for (;;) {
          const w = words[k]?.value;
          if (w === "exec" || w === "time" || w === "nice") k++;
          else if (w === "sudo") {
            const options = sudoOptions(words, k + 1);
            k = options.end;
            const kept = options.preserveEnv;
            if (kept !== "all") assignments = assignments.filter((a) => kept.has(a.name));
            envInsertAt = options.known ? words[k]?.start : undefined;
            for (let a = words[k]; a && assignmentPattern.test(a.value); a = words[++k]) {
              const eq = a.value.indexOf("=");
              assignments.push({ name: a.value.slice(0, eq), value: a.value.slice(eq + 1), word: a });
            }
          } else break;
        }
        const goWord = words[k];
        const subWord = words[k + 1];
        if (!goWord || !subWord) continue;
        if (goWord.value !== "go" && !goWord.value.endsWith("/go")) continue;
        out.push({ instruction: ins, stage, command, assignments, envInsertAt, subcommand: subWord.value, args: words.slice(k + 2), goWord, subWord });
      }
    }
  }
  return out;
}

/** sudo options that leave it running the command with VAR=value words as given (-E/--preserve-env are read apart); others (-i, -s, -e, ...) are not known. */
const sudoFlags = new Set(["A", "B", "H", "k", "N", "n", "P", "S", "askpass", "bell", "set-home", "reset-timestamp", "no-update", "non-interactive", "preserve-groups", "stdin"]);
const sudoOptionsWithValue = new Set(["C", "D", "g", "p", "R", "r", "T", "t", "u", "close-from", "chdir", "group", "prompt", "chroot", "role", "command-timeout", "type", "user"]);

/**
 * sudo's options from `from`: the index of the first word after them, whether every option was a
 * known one, and which of the caller's variables -E/--preserve-env[=list] keeps.
 */
function sudoOptions(words: readonly ShellWord[], from: number): { end: number; known: boolean; preserveEnv: "all" | Set<string> } {
  let known = true;
  let preserveEnv: "all" | Set<string> = new Set();
  let i = from;
  while (i < words.length) {
    const w = (words[i] as ShellWord).value;
    if (w === "--") {
      i++;
      break;
    }
    if (!w.startsWith("-") || w === "-") break;
    i++;
    if (w.startsWith("--")) {
      const eq = w.indexOf("=");
      const name = w.slice(2, eq < 0 ? undefined : eq);
      if (sudoOptionsWithValue.has(name)) {
        if (eq < 0) i++;
      } else if (name === "preserve-env") {
        if (eq < 0) preserveEnv = "all";
        else if (preserveEnv !== "all") for (const v of w.slice(eq + 1).split(",")) preserveEnv.add(v);
      } else if (!sudoFlags.has(name) || eq >= 0) known = false;
      continue;
    }
    for (let c = 1; c < w.length; c++) {
      const letter = w[c] as string;
      if (sudoOptionsWithValue.has(letter)) {
        if (c === w.length - 1) i++;
        break;
      }
      if (letter === "E") preserveEnv = "all";
      else if (!sudoFlags.has(letter)) known = false;
    }
  }
  return { end: i, known, preserveEnv };
}

export function goBuilds(model: DockerfileModel): GoInvocation[] {
  return goInvocations(model).filter((g) => g.subcommand === "build" || g.subcommand === "install");
}

/** Value of a `-name=value` or `-name value` flag among go arguments (one or two dashes). */
export function goFlagValue(args: readonly ShellWord[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const v = args[i]?.value ?? "";
    for (const prefix of [`-${name}`, `--${name}`]) {
      if (v === prefix) return args[i + 1]?.value ?? "";
      if (v.startsWith(prefix + "=")) return v.slice(prefix.length + 1);
    }
  }
  return undefined;
}

export function hasGoFlag(args: readonly ShellWord[], name: string): boolean {
  return args.some((w) => w.value === `-${name}` || w.value === `--${name}` || w.value.startsWith(`-${name}=`) || w.value.startsWith(`--${name}=`));
}

/** Package arguments of go build (words that are not flags or flag values). */
export function goPackageArgs(args: readonly ShellWord[]): ShellWord[] {
  const withValue = new Set(["o", "ldflags", "gcflags", "asmflags", "tags", "mod", "modfile", "p", "pkgdir", "buildmode", "compiler", "gccgoflags", "installsuffix", "overlay", "pgo", "toolexec", "C", "coverpkg", "covermode", "buildvcs", "race"]);
  const out: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as ShellWord;
    if (w.value.startsWith("-")) {
      const name = w.value.replace(/^--?/, "");
      if (!name.includes("=") && withValue.has(name) && name !== "race" && name !== "buildvcs") i++;
      continue;
    }
    if (/^[<>|&;]|^\d*>/.test(w.value)) break;
    out.push(w);
  }
  return out;
}

/**
 * The value a variable has for a RUN command: an inline assignment, an earlier `export` in the same
 * RUN, or ARG/ENV of the stage and its parents. null when declared but not statically known.
 */
export function envForCommand(model: DockerfileModel, inv: Pick<GoInvocation, "instruction" | "command" | "assignments">, name: string): string | null | undefined {
  const inline = inv.assignments.filter((a) => a.name === name).pop();
  if (inline) return inline.value;
  let exported: string | undefined;
  for (const c of inv.instruction.commands) {
    if (c === inv.command) break;
    if (c.name === "export") for (const w of c.words.slice(1)) if (w.value.startsWith(name + "=")) exported = w.value.slice(name.length + 1);
  }
  if (exported !== undefined) return exported;
  const fromGoEnv = goEnvWritten(inv.instruction.stage, model, name, inv.instruction.index);
  if (fromGoEnv !== undefined) return fromGoEnv;
  return lookupAt(model, inv.instruction)(name);
}

function goEnvWritten(stageIndex: number, model: DockerfileModel, name: string, beforeIndex: number): string | undefined {
  const stage = model.stages[stageIndex];
  let found: string | undefined;
  for (const s of stage ? stageChain(stage).reverse() : []) {
    for (const ins of s.instructions) {
      if (ins.keyword !== "RUN" || (s === stage && ins.index > beforeIndex)) continue;
      for (const c of ins.commands) {
        const v = c.words.map((w) => w.value);
        if (v[0] === "go" && v[1] === "env" && v[2] === "-w") for (const a of v.slice(3)) if (a.startsWith(name + "=")) found = a.slice(name.length + 1);
      }
    }
  }
  return found;
}

/** The stage and its ancestors (FROM earlier-stage), nearest first. */
export function stageChain(stage: StageModel): StageModel[] {
  const chain: StageModel[] = [];
  for (let s: StageModel | undefined = stage; s && chain.length < 64 && !chain.includes(s); s = s.parent) chain.push(s);
  return chain;
}

/** The external image at the root of a stage's ancestry. */
export function rootImage(stage: StageModel): ImageRef {
  const chain = stageChain(stage);
  return (chain[chain.length - 1] ?? stage).imageRef;
}

/** True when the stage's root image has no shell and no shell was copied in. */
export function stageHasNoShell(stage: StageModel): boolean {
  if (!hasNoShell(rootImage(stage))) return false;
  return !stageChain(stage).some((s) => s.instructions.some((i) => (i.keyword === "COPY" || i.keyword === "ADD") && i.args.some((a) => /busybox|(^|\/)bin\/(ba|a|da)?sh$/.test(a))));
}

/** Sources and destination of a COPY/ADD (heredoc markers removed). */
export function copyPaths(ins: InstructionModel): { sources: string[]; dest: string } {
  let args = ins.args;
  if (ins.json === null && args[0]?.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(args.join(" "));
      if (Array.isArray(parsed)) args = parsed.map(String);
    } catch {
      // not JSON: keep the shell-form words
    }
  }
  const clean = args.filter((a) => !a.startsWith("<<"));
  return { sources: clean.slice(0, -1), dest: clean[clean.length - 1] ?? "" };
}

/** A COPY/ADD from the build context that brings in Go source, not just go.mod/go.sum. */
export function isSourceCopy(ins: InstructionModel): boolean {
  if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || ins.flags.some((f) => f.name === "from")) return false;
  return copyPaths(ins).sources.some((s) => {
    const p = s.replace(/^\.\//, "").replace(/\/$/, "");
    return p === "" || p === "." || p === "*" || p.endsWith(".go") || /^(cmd|internal|pkg|api|app|src|server|vendor)(\/|$)/.test(p);
  });
}

export function isModDownload(command: ShellCommand): boolean {
  const v = command.words.map((w) => w.value);
  return v[0] === "go" && v[1] === "mod" && (v[2] === "download" || v[2] === "vendor");
}

export function wordRange(model: DockerfileModel, word: { start: number; end: number }): SourceRange {
  const a = model.positionAt(word.start);
  const b = model.positionAt(Math.max(word.start, word.end));
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

/**
 * Whether a path (file or directory) looks copied into the stage: a COPY/ADD source or destination,
 * or a path a builder RUN created under a directory that is copied in as a tree
 * (`RUN mkdir -p /out/rootfs/tmp` + `COPY --from=build /out/rootfs/ /` provides /tmp).
 */
export function stageCopies(stage: StageModel, test: (path: string) => boolean): boolean {
  for (const s of stageChain(stage)) {
    for (const i of s.instructions) {
      if (i.keyword !== "COPY" && i.keyword !== "ADD") continue;
      const { sources, dest } = copyPaths(i);
      if (sources.concat(dest).some(test)) return true;
      const from = s.copyFrom.find((e) => e.instruction === i)?.stage;
      if (!from || !dest.endsWith("/")) continue;
      for (const src of sources) {
        if (!src.endsWith("/")) continue;
        for (const b of stageChain(from)) {
          for (const run of b.instructions) {
            if (run.keyword !== "RUN") continue;
            for (const c of run.commands) for (const w of c.words) if (w.value.startsWith(src) && test(dest + w.value.slice(src.length))) return true;
          }
        }
      }
    }
  }
  return false;
}

/** The start offset of the line holding `offset`. */
export function lineStartOf(model: DockerfileModel, offset: number): number {
  const i = model.text.lastIndexOf("\n", offset - 1);
  return i + 1;
}
