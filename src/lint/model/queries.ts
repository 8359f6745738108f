/** Questions rules ask of the model: Go invocations, stage ancestry, copies, ranges. */
import { posix } from "node:path";
import type { SourceRange } from "../types.js";
import { scriptEnvironment, unwrapCommand, type EnvInsert } from "./command-wrappers.js";
import { envDeclarations, lookupAt } from "./build.js";
import { hasNoShell, isAlpineImage, isOfficialImage, type ImageRef } from "./images.js";
import type { DockerfileModel, InstructionModel, NestedScript, ShellCommand, ShellWord, StageModel } from "./types.js";
import { expand, type Expansion } from "./variables.js";

/** `go` or a path to it (`/usr/local/go/bin/go`). */
function isGoCommand(word: ShellWord | undefined): boolean {
  return word !== undefined && (word.value === "go" || word.value.endsWith("/go"));
}

/**
 * tonistiigi/xx's `xx-go`, which runs go with GOOS, GOARCH (GOARM, GOAMD64) and CC set for
 * $TARGETPLATFORM: `xx-go build` is a go build. Its own `--wrap` and `--unwrap` run no go command.
 */
function isXxGoCommand(word: ShellWord | undefined): boolean {
  return word !== undefined && (word.value === "xx-go" || word.value.endsWith("/xx-go"));
}

export interface GoInvocation {
  instruction: InstructionModel;
  stage: StageModel;
  command: ShellCommand;
  /** VAR=value words on the command line that reach go (see UnwrappedCommand). */
  assignments: ShellCommand["assignments"];
  /** Whether a variable of the RUN's environment (ENV, ARG, export), or with `from` of that nested script, reaches go (see UnwrappedCommand). */
  inherits: (name: string, from?: NestedScript) => boolean;
  /** The wrapper that keeps such a variable from go (see UnwrappedCommand). */
  droppedBy: (name: string, from?: NestedScript) => string | undefined;
  /** Where a fix inserts VAR=value words for go; undefined when the place is not known. Use envAssignmentEdit. */
  envInsert: EnvInsert | undefined;
  /** "build", "install", "mod", "test", ... */
  subcommand: string;
  /** Words after the subcommand. */
  args: ShellWord[];
  /** The command as messages name it: `go`, or `xx-go` (which sets GOOS and GOARCH itself, see isXxGoCommand). */
  program: "go" | "xx-go";
  /** The `go` (or `xx-go`) word. */
  goWord: ShellWord;
  subWord: ShellWord;
}

/** Every `go <subcommand>` in RUN instructions (and the `sh -c` scripts in them), in order, wrappers (sudo, env, nice, ...) taken off. */
export function goInvocations(model: DockerfileModel): GoInvocation[] {
  const out: GoInvocation[] = [];
  for (const stage of model.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== "RUN") continue;
      for (const command of ins.commands) {
        const { words, assignments, inherits, droppedBy, envInsert } = unwrapCommand(command);
        const [goWord, subWord] = words;
        if (!goWord || !subWord) continue;
        const program = isGoCommand(goWord) ? "go" : isXxGoCommand(goWord) && !subWord.value.startsWith("-") ? "xx-go" : undefined;
        if (program === undefined) continue;
        out.push({ instruction: ins, stage, command, assignments, inherits, droppedBy, envInsert, subcommand: subWord.value, args: words.slice(2), program, goWord, subWord });
      }
    }
  }
  return out;
}

export function goBuilds(model: DockerfileModel): GoInvocation[] {
  return goInvocations(model).filter((g) => g.subcommand === "build" || g.subcommand === "install");
}

/** Each `-name=value` or `-name value` flag among go arguments (one or two dashes), in order, with the word holding its value. */
export function goFlags(args: readonly ShellWord[], name: string): { value: string; word: ShellWord }[] {
  const found: { value: string; word: ShellWord }[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    for (const prefix of [`-${name}`, `--${name}`]) {
      if (w.value === prefix) found.push({ value: args[i + 1]?.value ?? "", word: args[i + 1] ?? w });
      else if (w.value.startsWith(prefix + "=")) found.push({ value: w.value.slice(prefix.length + 1), word: w });
    }
  }
  return found;
}

/** The value go uses for a flag among go arguments: the last one given. */
export function goFlagValue(args: readonly ShellWord[], name: string): string | undefined {
  return goFlags(args, name).at(-1)?.value;
}

/**
 * The -mod mode a go command uses when it is written: its own -mod flag, else one in GOFLAGS as the
 * command sees it. null when GOFLAGS is set to a value not known statically; undefined when neither says.
 */
export function goModMode(model: DockerfileModel, inv: GoInvocation): string | null | undefined {
  const goflags = envForCommand(model, inv, "GOFLAGS");
  const fromGoflags = typeof goflags === "string" ? /(?:^|\s)--?mod=(\S*)/.exec(goflags)?.[1] : undefined;
  return goFlagValue(inv.args, "mod") ?? fromGoflags ?? (goflags === null ? null : undefined);
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
 * RUN, `go env -w`, or ARG/ENV of the stage and its parents. Exports, ARG and ENV count only when
 * they reach the command (sudo without -E drops them). null when declared but not statically known.
 */
export function envForCommand(model: DockerfileModel, inv: Pick<GoInvocation, "instruction" | "command" | "assignments" | "inherits"> & { program?: GoInvocation["program"] }, name: string): string | null | undefined {
  // xx-go sets them from $TARGETPLATFORM whatever they were: known only when the build runs.
  if (inv.program === "xx-go" && XX_GO_SETS.has(name)) return null;
  const inline = inv.assignments.filter((a) => a.name === name).pop();
  if (inline) return inline.value;
  const exported = exportedBefore(inv, name);
  if (exported !== undefined) return exported;
  const fromGoEnv = goEnvWritten(inv.instruction.stage, model, name, inv.instruction.index);
  if (fromGoEnv !== undefined) return fromGoEnv;
  return inv.inherits(name) ? lookupAt(model, inv.instruction)(name) : undefined;
}

/** The variables xx-go sets for go, over any value they had. */
const XX_GO_SETS = new Set(["GOOS", "GOARCH"]);

/**
 * The value an earlier `export NAME=value` in the RUN gives the command, when it reaches it (sudo
 * without -E, su - drop it): the last one before it in its own script; else, for a command in a
 * nested script, NAME=value on the command that runs the script (`NAME=value sh -c '...'`), then
 * an export before that command, and so on out to the RUN's own level.
 */
export function exportedBefore(inv: Pick<GoInvocation, "instruction" | "command" | "inherits">, name: string): string | undefined {
  for (let at = inv.command; ; ) {
    const script = at.script;
    const value = lastExport(inv.instruction, at, name) ?? (script && scriptEnvironment(script).assignments.filter((a) => a.name === name).pop()?.value);
    if (value !== undefined) return inv.inherits(name, script) ? value : undefined;
    if (!script) return undefined;
    at = script.host;
  }
}

/**
 * A go argument as go receives it, its $VAR references expanded from an earlier export in the RUN
 * or the ARG and ENV in scope (`-ldflags="$LDFLAGS"`). Unknown when a value is not known
 * statically or the name is declared nowhere (the base image may set it); single-quoted text is
 * not expanded by the shell, so such a word is taken as written.
 */
export function expandGoArgument(model: DockerfileModel, inv: Pick<GoInvocation, "instruction" | "command" | "inherits">, word: ShellWord, value = word.value): Expansion {
  if (!value.includes("$") || model.text.slice(word.start, word.end).includes("'")) return { value, undefinedNames: [], unknown: false };
  const lookup = lookupAt(model, inv.instruction);
  const e = expand(value, (name) => exportedBefore(inv, name) ?? lookup(name), model.escape);
  return e.undefinedNames.length > 0 ? { ...e, unknown: true } : e;
}

/** The value of the last `export NAME=value` before `command` in the script it is in. */
function lastExport(instruction: InstructionModel, command: ShellCommand, name: string): string | undefined {
  let exported: string | undefined;
  for (const c of instruction.commands) {
    if (c === command) break;
    if (c.name === "export" && c.script === command.script) for (const w of c.words.slice(1)) if (w.value.startsWith(name + "=")) exported = w.value.slice(name.length + 1);
  }
  return exported;
}

function goEnvWritten(stageIndex: number, model: DockerfileModel, name: string, beforeIndex: number): string | undefined {
  const stage = model.stages[stageIndex];
  let found: string | undefined;
  for (const s of stage ? stageChain(stage).reverse() : []) {
    for (const ins of s.instructions) {
      if (ins.keyword !== "RUN" || (s === stage && ins.index > beforeIndex)) continue;
      for (const c of ins.commands) {
        const words = unwrapCommand(c).words;
        const v = words.map((w) => w.value);
        if (isGoCommand(words[0]) && v[1] === "env" && v[2] === "-w") for (const a of v.slice(3)) if (a.startsWith(name + "=")) found = a.slice(name.length + 1);
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

/**
 * Whether the stage's layers are in the image the Dockerfile builds: the final stage and those it
 * starts FROM. A build stage that only COPY --from takes files of is not shipped.
 */
export function isShipped(model: DockerfileModel, stage: StageModel): boolean {
  return model.finalStage === undefined || stageChain(model.finalStage).includes(stage);
}

/** The external image at the root of a stage's ancestry. */
export function rootImage(stage: StageModel): ImageRef {
  const chain = stageChain(stage);
  return (chain[chain.length - 1] ?? stage).imageRef;
}

/**
 * The CMD an image may run with besides `ins` (an ENTRYPOINT, say), or undefined: one in the stage,
 * before or after it, or in a stage it starts FROM, or in a later stage that starts FROM this one
 * (whose image keeps this ENTRYPOINT). An ENTRYPOINT resets the CMD an external base image sets
 * (podman 4.3 leaves Cmd empty for `FROM alpine` + `ENTRYPOINT ...`, as Docker's reference says),
 * so that one never counts; those of earlier stages count, to be safe.
 */
export function cmdInEffect(model: DockerfileModel, stage: StageModel, ins: InstructionModel): InstructionModel | undefined {
  const descendants = model.stages.filter((s) => s !== stage && stageChain(s).includes(stage));
  for (const s of [...stageChain(stage), ...descendants]) {
    const cmd = s.instructions.find((i) => i !== ins && i.keyword === "CMD");
    if (cmd) return cmd;
  }
  return undefined;
}

/**
 * The exec-form ENTRYPOINT a stage's image runs its CMD with: the stage's last ENTRYPOINT, else that
 * of the stage it starts FROM, and so on. Undefined when that one is in shell form or `[]`, or none
 * is set (an external base image's is not known).
 */
export function execEntrypointOf(stage: StageModel): InstructionModel | undefined {
  for (const s of stageChain(stage)) {
    const last = s.instructions.filter((i) => i.keyword === "ENTRYPOINT").at(-1);
    if (last) return last.json !== null && last.json.length > 0 ? last : undefined;
  }
  return undefined;
}

/** The shell a `["sh", "-c", ...]` names, by implementation: sh is busybox ash on Alpine and busybox, dash on Debian-based images. */
export function shellImplementation(stage: StageModel, program: string): string | undefined {
  const name = posix.basename(program);
  if (name === "bash" || name === "ash" || name === "dash") return name;
  if (name !== "sh") return undefined;
  const root = rootImage(stage);
  if (isAlpineImage(root) || root.repository === "busybox") return "ash";
  return isOfficialImage(root) && (root.repository === "debian" || root.repository === "ubuntu" || root.repository === "golang") ? "dash" : undefined;
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

/** go.mod and go.sum at the build context's root that an instruction takes from it: copied (COPY, ADD) or bind-mounted on a RUN. */
export function moduleFilesTaken(ins: InstructionModel): Map<"go.mod" | "go.sum", "copied" | "mounted"> {
  const taken = new Map<"go.mod" | "go.sum", "copied" | "mounted">();
  const note = (path: string | undefined, how: "copied" | "mounted") => {
    const p = path?.replace(/^\.?\//, "");
    if ((p === "go.mod" || p === "go.sum") && !taken.has(p)) taken.set(p, how);
  };
  if ((ins.keyword === "COPY" || ins.keyword === "ADD") && !ins.flags.some((f) => f.name === "from")) for (const src of copyPaths(ins).sources) note(src, "copied");
  for (const m of ins.mounts) if (m.type === "bind" && m.from === undefined) note(m.source, "mounted");
  return taken;
}

/** The USER in effect at the end of `stage`: its last, else that of the stage it starts FROM, and so on; undefined when none sets one. */
export function lastUser(stage: StageModel): InstructionModel | undefined {
  for (const s of stageChain(stage)) {
    const last = [...s.instructions].reverse().find((i) => i.keyword === "USER");
    if (last) return last;
  }
  return undefined;
}

/** The user[:group] a USER sets or a COPY/ADD --chown gives, as written, with its offset in the Dockerfile when known. */
export function userSpec(model: DockerfileModel, ins: InstructionModel): { spec: string; start?: number } | undefined {
  if (ins.keyword === "USER") return ins.args[0] === undefined ? undefined : { spec: ins.args[0], start: ins.argsStart };
  if (ins.keyword !== "COPY" && ins.keyword !== "ADD") return undefined;
  const flag = ins.flags.find((f) => f.name === "chown");
  if (!flag || flag.value === null) return undefined;
  return { spec: flag.value, start: model.offsetAt(flag.range.line - 1, flag.range.column - 1) + "--chown=".length };
}

/** A COPY/ADD from the build context that brings in Go source, not just go.mod/go.sum. */
export function isSourceCopy(ins: InstructionModel): boolean {
  if ((ins.keyword !== "COPY" && ins.keyword !== "ADD") || ins.flags.some((f) => f.name === "from")) return false;
  return copyPaths(ins).sources.some((s) => {
    const p = s.replace(/^\.\//, "").replace(/\/$/, "");
    return p === "" || p === "." || p === "*" || p.endsWith(".go") || /^(cmd|internal|pkg|api|app|src|server|vendor)(\/|$)/.test(p);
  });
}

/**
 * Whether a fix may edit a command's words where they point: in shell form, or in the script an
 * exec-form RUN gives a shell (the engine still drops an edit its quotes cannot hold). The words of
 * the exec-form command itself all point at the whole JSON array.
 */
export function editableWords(instruction: InstructionModel, command: ShellCommand): boolean {
  return instruction.json === null || command.script !== undefined;
}

export function isModDownload(command: ShellCommand): boolean {
  const words = unwrapCommand(command).words;
  const v = words.map((w) => w.value);
  return isGoCommand(words[0]) && v[1] === "mod" && (v[2] === "download" || v[2] === "vendor");
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

/** Whether an ENV of `stage` or of a stage it starts FROM declares `name`, whatever the value. */
export function stageSetsEnv(model: DockerfileModel, stage: StageModel, name: string): boolean {
  return stageChain(stage).some((s) => s.instructions.some((i) => i.keyword === "ENV" && envDeclarations(i, model).some((d) => d.name === name)));
}
