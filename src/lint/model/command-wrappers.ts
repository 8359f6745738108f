/**
 * The wrappers people put in front of a command in a RUN (`sudo -E env CGO_ENABLED=0 go build`,
 * `nice -n 10 apk add ...`, `timeout 300 go test`, `gosu builder go build`): what runs under them,
 * which VAR=value words and which variables of the environment reach it, and where a fix can put more.
 */
import type { TextEdit } from "../types.js";
import { assignmentPattern } from "../../shell/tokenize.js";
import type { NestedScript, ShellCommand, ShellWord } from "./types.js";

/** Where a fix inserts VAR=value words so that they reach a command. */
export interface EnvInsert {
  /** Offset of the insertion: right before the command, or before the VAR=value words already in front of it. */
  at: number;
  /** The word before is a wrapper that takes a command, not VAR=value words (nice, nohup, time, exec): the words go through `env`. */
  throughEnv: boolean;
}

/** A command with the wrappers in front of it (sudo, env, nice, timeout, gosu, ...) taken off. */
export interface UnwrappedCommand {
  /** The command that runs, its name first; empty when there are only wrappers, or a wrapper that runs nothing (taskset -p). */
  words: ShellWord[];
  /** VAR=value words that reach the command: the shell's leading ones (unless a wrapper dropped them) and those given to sudo or env. */
  assignments: ShellCommand["assignments"];
  /**
   * Whether a variable of the RUN's environment (ENV, ARG, export) still reaches the command: sudo
   * without -E, doas, env -i and su - drop them. With `from`, a variable set in that nested script
   * instead (an export there, for a command in it or in a script inside it).
   */
  inherits: (name: string, from?: NestedScript) => boolean;
  /** The wrapper that drops such a variable, as messages name it (`sudo`, `env`, `su -`, ...); undefined when it reaches the command. */
  droppedBy: (name: string, from?: NestedScript) => string | undefined;
  /** The wrappers taken off, outermost first, by their base name ("sudo", "env", ...). */
  wrappers: string[];
  /** Undefined when a wrapper has an option not known here, or after doas: then the place is not known. */
  envInsert: EnvInsert | undefined;
}

/** How a wrapper's options are written: letters and long names, with or without a value. */
interface OptionSyntax {
  flags: ReadonlySet<string>;
  withValue: ReadonlySet<string>;
  /** Long options that may have an `=value` or not (sudo's --preserve-env). */
  optionalValue?: ReadonlySet<string>;
  /** `-N` is an option (nice's old form of -n N). */
  numeric?: boolean;
  /** An operand may come before the options: setarch ARCH [options] COMMAND. */
  leadingOperand?: boolean;
}

export interface WrapperOption {
  name: string;
  value: string | undefined;
  /** The word the value is read from: the next one, or the option's own (`--name=value`, `-nVALUE`). */
  valueWord?: ShellWord;
}

/** What a wrapper does to the command after it, read from its options. */
interface WrapperEffect {
  /** Variables it keeps from the caller's environment. */
  keeps: (name: string) => boolean;
  /** VAR=value words after its options are the command's assignments (sudo, env; time as bash's keyword). */
  takesAssignments: boolean;
  /** A fix can put VAR=value words after it: directly, or through `env`. */
  insert: "direct" | "through-env" | "none";
  /** Operands between its options and the command: timeout's DURATION, chroot's NEWROOT, gosu's USER, taskset's MASK. */
  operands?: number;
  /** With these options it runs no command (taskset -p, ionice -p): the words after are its own. */
  runsNothing?: boolean;
  /** How messages name it when it drops a variable ("runuser -l"); its name by default. */
  label?: string;
}

interface Wrapper {
  syntax: OptionSyntax;
  /** undefined when, written this way, it does not run the words after it as a command (runuser without -u). */
  effect: (options: WrapperOption[]) => WrapperEffect | undefined;
}

const keepsAll = (): boolean => true;
const keepsNone = (): boolean => false;
const passesThrough: WrapperEffect = { keeps: keepsAll, takesAssignments: false, insert: "through-env" };
const noOptions: OptionSyntax = { flags: new Set(), withValue: new Set() };

/** su's and runuser's options (util-linux; busybox su has -c, -l, -m, -p and -s of them). */
const switchUserSyntax: OptionSyntax = {
  flags: new Set(["f", "l", "m", "p", "P", "fast", "login", "preserve-environment", "pty"]),
  withValue: new Set(["c", "g", "G", "s", "u", "w", "command", "session-command", "group", "supp-group", "shell", "user", "whitelist-environment"]),
};

const wrappers: Record<string, Wrapper> = {
  sudo: {
    syntax: {
      flags: new Set(["A", "B", "E", "H", "k", "N", "n", "P", "S", "askpass", "bell", "set-home", "reset-timestamp", "no-update", "non-interactive", "preserve-groups", "stdin"]),
      withValue: new Set(["C", "D", "g", "p", "R", "r", "T", "t", "u", "close-from", "chdir", "group", "prompt", "chroot", "role", "command-timeout", "type", "user"]),
      optionalValue: new Set(["preserve-env"]),
    },
    effect: (options) => ({ keeps: sudoKeeps(options), takesAssignments: true, insert: "direct" }),
  },
  env: {
    // -S splits a string into the command: what runs is not known here, so it is left out of the syntax.
    syntax: { flags: new Set(["-", "i", "0", "v", "ignore-environment", "null", "debug"]), withValue: new Set(["u", "C", "unset", "chdir"]) },
    effect: (options) => ({ keeps: envKeeps(options), takesAssignments: true, insert: "direct" }),
  },
  nice: { syntax: { flags: new Set(), withValue: new Set(["n", "adjustment"]), numeric: true }, effect: () => passesThrough },
  nohup: { syntax: { flags: new Set(), withValue: new Set() }, effect: () => passesThrough },
  // bash's `time` keyword reads VAR=value words after it; /usr/bin/time (dash, ash) does not, so a fix goes through env.
  time: {
    syntax: { flags: new Set(["p", "v", "a", "q", "portability", "verbose", "append", "quiet"]), withValue: new Set(["f", "o", "format", "output"]) },
    effect: () => ({ ...passesThrough, takesAssignments: true }),
  },
  // doas clears the environment (unless doas.conf says keepenv) and has no VAR=value words; `doas env ...` may not be permitted.
  doas: { syntax: { flags: new Set(["n"]), withValue: new Set(["u", "a"]) }, effect: () => ({ keeps: keepsNone, takesAssignments: false, insert: "none" }) },
  exec: {
    syntax: { flags: new Set(["c", "l"]), withValue: new Set(["a"]) },
    effect: (options) => ({ ...passesThrough, keeps: options.some((o) => o.name === "c") ? keepsNone : keepsAll }),
  },
  timeout: {
    syntax: { flags: new Set(["v", "foreground", "preserve-status", "verbose"]), withValue: new Set(["k", "s", "kill-after", "signal"]) },
    effect: () => ({ ...passesThrough, operands: 1 }),
  },
  chroot: { syntax: { flags: new Set(["skip-chdir"]), withValue: new Set(["groups", "userspec"]) }, effect: () => ({ ...passesThrough, operands: 1 }) },
  // gosu and su-exec read no options, and set HOME for the user they switch to.
  gosu: { syntax: noOptions, effect: () => ({ ...passesThrough, keeps: (name) => name !== "HOME", operands: 1 }) },
  "su-exec": { syntax: noOptions, effect: () => ({ ...passesThrough, keeps: (name) => name !== "HOME", operands: 1 }) },
  // Without -u, runuser runs the user's shell, as su does: a `-c` string is a nested script (nested-scripts.ts).
  runuser: {
    syntax: switchUserSyntax,
    effect: (options) => (options.some((o) => o.name === "u" || o.name === "user") ? { ...passesThrough, ...switchUserEffect("runuser", options, false) } : undefined),
  },
  ionice: {
    syntax: { flags: new Set(["t", "ignore"]), withValue: new Set(["c", "n", "p", "P", "u", "class", "classdata", "pid", "pgid", "uid"]) },
    effect: (options) => ({ ...passesThrough, runsNothing: options.some((o) => ["p", "P", "u", "pid", "pgid", "uid"].includes(o.name)) }),
  },
  stdbuf: { syntax: { flags: new Set(), withValue: new Set(["i", "o", "e", "input", "output", "error"]) }, effect: () => passesThrough },
  taskset: {
    syntax: { flags: new Set(["a", "c", "p", "all-tasks", "cpu-list", "pid"]), withValue: new Set() },
    effect: (options) => (options.some((o) => o.name === "p" || o.name === "pid") ? { ...passesThrough, runsNothing: true } : { ...passesThrough, operands: 1 }),
  },
  setarch: {
    syntax: {
      leadingOperand: true,
      flags: new Set(["3", "B", "F", "I", "L", "R", "S", "T", "X", "Z", "v", "3gb", "4gb", "32bit", "addr-compat-layout", "addr-no-randomize", "fdpic-funcptrs", "list", "mmap-page-zero", "read-implies-exec", "short-inode", "sticky-timeouts", "uname-2.6", "verbose", "whole-seconds"]),
      withValue: new Set(),
    },
    effect: (options) => ({ ...passesThrough, runsNothing: options.some((o) => o.name === "list") }),
  },
};

/** Set by su and runuser for the user they switch to. util-linux leaves USER and LOGNAME alone when that user is root, busybox does not: counted as set. */
const setForUser = new Set(["HOME", "SHELL", "USER", "LOGNAME"]);

/**
 * What su and runuser keep of the caller's environment (util-linux's su(1); busybox su alike): a
 * login (`-`, -l, --login) clears it but for TERM and the -w names, which cannot keep the variables
 * it sets (HOME, SHELL, USER, LOGNAME, PATH); otherwise they set HOME, SHELL, USER and LOGNAME,
 * unless -m or -p keeps everything. PATH as login.defs' ALWAYS_SET_PATH may set it is not counted.
 */
export function switchUserEffect(command: "su" | "runuser", options: readonly WrapperOption[], dashOperand: boolean): { keeps: (name: string) => boolean; label: string } {
  const login = options.find((o) => o.name === "l" || o.name === "login");
  if (dashOperand || login) {
    const kept = new Set(options.filter((o) => o.name === "w" || o.name === "whitelist-environment").flatMap((o) => o.value?.split(",") ?? []));
    const label = `${command} ${dashOperand ? "-" : login?.name === "l" ? "-l" : "--login"}`;
    return { keeps: (name) => name === "TERM" || (kept.has(name) && !setForUser.has(name) && name !== "PATH"), label };
  }
  if (options.some((o) => o.name === "m" || o.name === "p" || o.name === "preserve-environment")) return { keeps: keepsAll, label: command };
  return { keeps: (name) => !setForUser.has(name), label: command };
}

/** su's and runuser's arguments: options anywhere before `--` (GNU getopt moves them to the front), and the operands `[-] [USER [ARG...]]`. */
export function readSwitchUser(words: readonly ShellWord[], from: number): { options: WrapperOption[]; operands: ShellWord[] } {
  const options: WrapperOption[] = [];
  const operands: ShellWord[] = [];
  for (let i = from; i < words.length; ) {
    const word = words[i] as ShellWord;
    if (word.value === "--") {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (word.value.startsWith("-") && word.value !== "-") {
      i = readOption(words, i, switchUserSyntax, options).next;
    } else {
      operands.push(word);
      i++;
    }
  }
  return { options, operands };
}

/** sudo resets the environment; -E/--preserve-env keep all of it, --preserve-env=A,B only those. */
function sudoKeeps(options: WrapperOption[]): (name: string) => boolean {
  const kept = new Set<string>();
  for (const o of options) {
    if (o.name === "E" || (o.name === "preserve-env" && o.value === undefined)) return keepsAll;
    if (o.name === "preserve-env") for (const name of o.value?.split(",") ?? []) kept.add(name);
  }
  return (name) => kept.has(name);
}

/** env -i (or `env -`) starts from an empty environment; -u NAME removes one variable. */
function envKeeps(options: WrapperOption[]): (name: string) => boolean {
  if (options.some((o) => o.name === "i" || o.name === "ignore-environment" || o.name === "-")) return keepsNone;
  const removed = new Set(options.filter((o) => o.name === "u" || o.name === "unset").map((o) => o.value));
  return (name) => !removed.has(name);
}

/**
 * The options from `from` on: each with its value, the index of the first word after them, and
 * whether every one is in the syntax (an unknown letter is read as a flag).
 */
function readOptions(words: readonly ShellWord[], from: number, syntax: OptionSyntax): { options: WrapperOption[]; end: number; known: boolean } {
  const options: WrapperOption[] = [];
  let known = true;
  let i = from;
  while (i < words.length) {
    const w = (words[i] as ShellWord).value;
    if (w === "--") return { options, end: i + 1, known };
    if (!w.startsWith("-") || (w === "-" && !syntax.flags.has("-"))) break;
    const read = readOption(words, i, syntax, options);
    known &&= read.known;
    i = read.next;
  }
  return { options, end: i, known };
}

/** Reads the option word at `i` (a cluster of letters, `--name[=value]`) into `options`; returns the index after the option and its value, and whether the syntax knows it. */
function readOption(words: readonly ShellWord[], i: number, syntax: OptionSyntax, options: WrapperOption[]): { next: number; known: boolean } {
  const word = words[i] as ShellWord;
  const w = word.value;
  let next = i + 1;
  let known = true;
  if (w === "-") options.push({ name: "-", value: undefined });
  else if (syntax.numeric && /^-\d+$/.test(w)) options.push({ name: "n", value: w.slice(1) });
  else if (w.startsWith("--")) {
    const eq = w.indexOf("=");
    const name = w.slice(2, eq < 0 ? undefined : eq);
    let option: WrapperOption = eq < 0 ? { name, value: undefined } : { name, value: w.slice(eq + 1), valueWord: word };
    if (syntax.withValue.has(name) && eq < 0) {
      const valueWord = words[next++];
      option = valueWord ? { name, value: valueWord.value, valueWord } : { name, value: undefined };
    } else if (!syntax.withValue.has(name) && !syntax.optionalValue?.has(name) && (!syntax.flags.has(name) || eq >= 0)) known = false;
    options.push(option);
  } else {
    for (let c = 1; c < w.length; c++) {
      const name = w[c] as string;
      if (syntax.withValue.has(name)) {
        const valueWord = c < w.length - 1 ? word : words[next++];
        options.push(valueWord ? { name, value: valueWord === word ? w.slice(c + 1) : valueWord.value, valueWord } : { name, value: undefined });
        break;
      }
      if (!syntax.flags.has(name)) known = false;
      options.push({ name, value: undefined });
    }
  }
  return { next, known };
}

/** `sudo`, `/usr/bin/env`, ... → the wrapper's name, or undefined for any other word. */
function wrapperName(word: ShellWord | undefined): string | undefined {
  const base = word?.value.split("/").pop() ?? "";
  return Object.hasOwn(wrappers, base) ? base : undefined;
}

/**
 * Takes the wrappers off a command, in any mix and nesting (`sudo -E env CGO_ENABLED=0 go build`),
 * and says which VAR=value words and which variables of the environment reach what runs. `sh -c`
 * and `su -c` run a string as a script: they are not wrappers but the command, and the script's
 * commands follow them in the RUN's commands (nested-scripts.ts); for those, what the shell
 * running the script got counts too.
 */
export function unwrapCommand(command: ShellCommand): UnwrappedCommand {
  const words = command.words;
  const first = command.assignments[0]?.word ?? words[0];
  const script = command.script;
  const around = script && scriptEnvironment(script);
  const out: UnwrappedCommand = {
    words,
    assignments: [...command.assignments],
    inherits: (name, from) => out.droppedBy(name, from) === undefined,
    droppedBy: (name, from) => (from === script ? undefined : around?.droppedBy(name, from)),
    wrappers: [],
    envInsert: first && { at: first.start, throughEnv: false },
  };
  let understood = true;
  let k = 0;
  for (let name = wrapperName(words[0]); name !== undefined; name = wrapperName(words[k])) {
    const wrapper = wrappers[name] as Wrapper;
    const operand = words[k + 1];
    const leading = wrapper.syntax.leadingOperand && operand && !operand.value.startsWith("-") ? 1 : 0;
    const read = readOptions(words, k + 1 + leading, wrapper.syntax);
    const effect = wrapper.effect(read.options);
    if (effect === undefined) break;
    out.wrappers.push(name);
    understood &&= read.known;
    k = effect.runsNothing ? words.length : Math.min(words.length, read.end + (effect.operands ?? 0));
    keepOnly(out, effect.label ?? name, effect.keeps);
    const next = words[k];
    out.envInsert = !understood || !next || effect.insert === "none" ? undefined : { at: next.start, throughEnv: effect.insert === "through-env" };
    if (effect.takesAssignments) k = addAssignments(out, words, k);
  }
  out.words = words.slice(k);
  return out;
}

/**
 * What the shell running a nested script gets: which variables of the scripts around it reach it
 * (see UnwrappedCommand.droppedBy), and the VAR=value words of the command that runs it
 * (`CGO_ENABLED=0 sh -c '...'`), which the script's commands inherit.
 */
export function scriptEnvironment(script: NestedScript): Pick<UnwrappedCommand, "droppedBy" | "assignments"> {
  const host = unwrapCommand(script.host);
  return {
    droppedBy: (name, from) => host.droppedBy(name, from) ?? (script.keeps(name) ? undefined : script.shell),
    assignments: host.assignments.filter((a) => script.keeps(a.name)),
  };
}

/** Why `wrapper` (from droppedBy) keeps `name` from the command, for messages. */
export function whyDropped(wrapper: string, name: string): string {
  if (wrapper === "sudo") return `sudo resets the environment; sudo -E or --preserve-env=${name} keeps it`;
  if (wrapper === "env") return `env -i or -u ${name} removes it`;
  if (wrapper === "exec") return "exec -c clears the environment";
  if (wrapper === "gosu" || wrapper === "su-exec") return `${wrapper} sets ${name} for the user it switches to`;
  const [command, login] = wrapper.split(" ");
  if (command === "su" || command === "runuser") {
    if (login === undefined) return `${wrapper} sets ${name} for the user it switches to; ${wrapper} -m keeps it`;
    const keepable = !setForUser.has(name) && name !== "PATH";
    return `${wrapper} resets the environment${keepable ? `; ${command} without ${login}, or with -w ${name}, keeps it` : ""}`;
  }
  return `${wrapper} resets the environment`;
}

/** Narrows what reaches the command to the variables a wrapper keeps. */
function keepOnly(out: UnwrappedCommand, wrapper: string, keeps: (name: string) => boolean): void {
  const outer = out.droppedBy;
  out.droppedBy = (name, from) => outer(name, from) ?? (keeps(name) ? undefined : wrapper);
  out.assignments = out.assignments.filter((a) => keeps(a.name));
}

/** Adds the VAR=value words from `from` on (a later one replaces an earlier one of the same name); returns the index after them. */
function addAssignments(out: UnwrappedCommand, words: readonly ShellWord[], from: number): number {
  let k = from;
  for (let w = words[k]; w && assignmentPattern.test(w.value); w = words[++k]) {
    const name = w.value.slice(0, w.value.indexOf("="));
    out.assignments = out.assignments.filter((a) => a.name !== name);
    out.assignments.push({ name, value: w.value.slice(name.length + 1), word: w });
  }
  return k;
}

/** The edit that gives a command these `VAR=value` words where they reach it, or undefined when no such place is known. */
export function envAssignmentEdit(target: { envInsert: EnvInsert | undefined }, assignments: string): TextEdit | undefined {
  const slot = target.envInsert;
  if (slot === undefined) return undefined;
  return { start: slot.at, end: slot.at, text: `${slot.throughEnv ? "env " : ""}${assignments} ` };
}
