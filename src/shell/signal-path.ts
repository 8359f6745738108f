/**
 * Whether SIGTERM sent to a container's PID 1 reaches the program it is there for: which process
 * a command line starts (following inits and shells), and whether a shell script hands PID 1 to
 * its service with exec. Read by lint (SG219, from a Dockerfile and its build context) and verify
 * (SV016, from an image); each finds the files its own way.
 */
import { posix } from "node:path";
import type { ShellWord } from "./types.js";
import { outlineShellScript, type ScriptCommand, type ScriptOutline } from "./script-outline.js";
import { shellOptions } from "./shell-options.js";

/** Shells that fork the last command of a script file and wait for it (checked for sh, bash, dash and busybox ash). */
export const forkingShells = new Set(["sh", "bash", "ash", "dash"]);

/**
 * Inits that run as PID 1 and pass signals on to the program they start: to it alone (tini and
 * catatonit by default), so a shell in between gets SIGTERM, exits, and its child is killed with the
 * container (checked with catatonit); or to its whole process group (with -g; dumb-init by default).
 */
const inits: { name: RegExp; signalsGroup: (options: string[], env: (name: string) => string | undefined) => boolean; takesValue: RegExp }[] = [
  // tini (docker run --init's docker-init): -g, or TINI_KILL_PROCESS_GROUP set.
  { name: /^(tini(-static)?(-[a-z0-9]+)?|docker-init)$/, signalsGroup: (o, env) => shortFlag(o, "g") || Boolean(env("TINI_KILL_PROCESS_GROUP")), takesValue: /^-[a-zA-Z]*[pe]$/ },
  { name: /^catatonit$/, signalsGroup: (o) => shortFlag(o, "g"), takesValue: /^$/ },
  // dumb-init signals the group unless told to signal only its child.
  { name: /^dumb-init$/, signalsGroup: (o) => !(o.includes("--single-child") || shortFlag(o, "c")), takesValue: /^(-[a-zA-Z]*r|--rewrite)$/ },
];

/** Supervisors that run services their own way: not followed. */
const supervisors = /^(s6-svscan|s6-linux-init|init|runsvdir|runit|supervisord|pid1)$/;

function shortFlag(options: string[], letter: string): boolean {
  return options.some((o) => /^-[a-zA-Z]+$/.test(o) && o.includes(letter));
}

/** Shell builtins, and keep-alive commands, that end a script without being the service. */
const notTheService = new Set([
  "exec", "echo", "printf", "true", "false", ":", "exit", "return", "wait", "set", "unset", "export", "readonly", "local", "declare", "typeset",
  "cd", "shift", "trap", "read", "eval", ".", "source", "test", "[", "[[", "command", "builtin", "alias", "unalias", "umask", "ulimit", "times",
  "type", "hash", "getopts", "let", "pwd", "break", "continue", "jobs", "fg", "bg", "kill", "sleep", "tail",
]);

/** What a command line starts, as far as it can be followed from its words alone. */
export type ProcessStart =
  /** A program run directly: a binary, or a script its `#!` line names the interpreter of. */
  | { kind: "program"; argv: string[]; init?: string }
  /** A POSIX shell given a script file (`sh -e /entrypoint.sh`). */
  | { kind: "script"; shell: string; path: string; args: string[]; init?: string }
  /** A POSIX shell (`program`, by name `shell`) given a string (`sh -c 'exec /app'`), with the words after it ($0, $1, ...). */
  | { kind: "string"; program: string; shell: string; script: string; args: string[]; init?: string }
  /** An init that passes signals to the whole process group of what it starts. */
  | { kind: "group-init"; init: string; argv: string[] }
  | { kind: "supervisor"; name: string }
  /** Nothing to follow: a shell reading standard input, an init behind an init, no program. */
  | { kind: "unfollowed"; reason: string };

/**
 * What `argv` starts: the program itself, a shell's script file or string, also behind an init
 * that signals only its child (`tini -- /entrypoint.sh`), named in `init`; behind one that signals the
 * whole group, "group-init" with what it starts. `env` gives the
 * environment the init sees (tini reads TINI_KILL_PROCESS_GROUP).
 */
export function followProcess(argv: readonly string[], env: (name: string) => string | undefined): ProcessStart {
  const program = argv[0];
  if (program === undefined || program === "") return { kind: "unfollowed", reason: "no program" };
  const name = posix.basename(program);
  if (supervisors.test(name)) return { kind: "supervisor", name };
  const init = inits.find((i) => i.name.test(name));
  if (init) {
    const options: string[] = [];
    let i = 1;
    for (; i < argv.length && argv[i]!.startsWith("-"); i++) {
      if (argv[i] === "--") {
        i++;
        break;
      }
      options.push(argv[i]!);
      if (init.takesValue.test(argv[i]!)) i++;
    }
    if (init.signalsGroup(options, env)) return { kind: "group-init", init: name, argv: argv.slice(i) };
    const inner = followProcess(argv.slice(i), env);
    if (inner.kind === "group-init" || inner.kind === "supervisor" || inner.kind === "unfollowed") return inner;
    return inner.init ? { kind: "unfollowed", reason: `${inner.init} runs behind ${name}` } : { ...inner, init: name };
  }
  let from: number;
  if (name === "busybox" && (argv[1] === "sh" || argv[1] === "ash")) from = 2;
  else if (forkingShells.has(name)) from = 1;
  else return { kind: "program", argv: [...argv] };
  const { operand, runsString, readsStdin } = shellOptions(argv, from);
  const shell = name === "busybox" ? "ash" : name;
  if (runsString) {
    const script = argv[operand];
    return script === undefined ? { kind: "unfollowed", reason: `${name} -c without a string` } : { kind: "string", program, shell, script, args: argv.slice(operand + 1) };
  }
  const path = readsStdin ? undefined : argv[operand];
  return path === undefined ? { kind: "unfollowed", reason: `${name} reads its commands from standard input` } : { kind: "script", shell, path, args: argv.slice(operand + 1) };
}

/** The shell a `#!` line names (`/bin/sh`, `/usr/bin/env bash`, `/bin/busybox sh`), by base name; undefined without one. */
export function shebangShell(text: string): string | undefined {
  const m = /^#!\s*(\S+)[ \t]*([^\r\n]*)/.exec(text);
  if (!m) return undefined;
  const interpreter = posix.basename(m[1] as string);
  const args = (m[2] as string).split(/\s+/).filter((a) => a !== "");
  if (interpreter === "env") return args.find((a) => !a.startsWith("-") && !a.includes("="));
  if (interpreter === "busybox") return args[0] === "sh" || args[0] === "ash" ? "ash" : undefined;
  return interpreter;
}

/**
 * The script's last command when it is plainly the service run in the foreground: a simple command
 * at the top level (not in a pipeline, not in the background, not negated) of a program, in a script
 * that starts no background jobs and traps no termination signal (it forwards them itself).
 */
export function lastServiceCommand(text: string): ScriptCommand | undefined {
  const outline = outlineShellScript(text);
  const last = outline?.last;
  if (!outline || last === undefined || last === "compound") return undefined;
  if (outline.commands.some((c) => c.after === "&" || trapsTermination(c))) return undefined;
  if (!inForeground(last)) return undefined;
  const first = last.words[0];
  if (!first) return undefined;
  if (!first.quoted && /^\d*[<>]/.test(first.value)) return undefined;
  if (notTheService.has(first.value) || outline.functions.has(first.value)) return undefined;
  return last;
}

/** The words a script's (or a `-c` string's) last command hands PID 1 to with `exec`, when it ends in one; undefined otherwise. */
export function lastExec(outline: ScriptOutline): ShellWord[] | undefined {
  const last = outline.last;
  if (last === undefined || last === "compound" || !inForeground(last) || last.words[0]?.value !== "exec" || last.words[0].quoted) return undefined;
  return last.words.slice(1);
}

function inForeground(command: ScriptCommand): boolean {
  return command.before !== "|" && command.after !== "|" && command.after !== "&" && !command.negated;
}

function trapsTermination(command: ScriptCommand): boolean {
  return command.words[0]?.value === "trap" && command.words.slice(1).some((w) => /^(SIG)?(TERM|INT|QUIT|HUP)$|^(15|2|3|1)$/i.test(w.value));
}

/** How a service command reads in a message: as written on one line, with exec put in front, its line, and where exec goes. */
export function serviceRun(text: string, command: ScriptCommand): { shown: string; withExec: string; line: number; execAt: number } {
  const name = command.words[0] as ShellWord;
  const start = command.assignments[0]?.start ?? name.start;
  const end = (command.words.at(-1) as ShellWord).end;
  return {
    shown: oneLine(text.slice(start, end)),
    withExec: oneLine(text.slice(start, name.start) + "exec " + text.slice(name.start, end)),
    line: text.slice(0, name.start).split("\n").length,
    execAt: name.start,
  };
}

/**
 * Why the service misses SIGTERM, and what to do, after "… runs X as a child of the shell, ". An init
 * that signals the whole group (`signalsGroup`) does not help either: the shell, not PID 1 there,
 * dies of SIGTERM at once, the init exits with its child, and the container's end kills the service
 * in the middle of its shutdown (seen with catatonit -g and a service that takes 500 ms to stop).
 */
export function whyNoSignal(init: string | undefined, withExec: string, stopper = "docker stop", signalsGroup = false): string {
  if (init && signalsGroup) {
    return `${init} passes SIGTERM to the whole group, but the shell dies of it at once, ${init} exits with it, and the service is killed with the container before it can shut down: start it with exec: ${quoteCommand(withExec)}`;
  }
  return init
    ? `${init} passes SIGTERM only to the shell, which exits, and the service is killed with the container without it: start it with exec: ${quoteCommand(withExec)}`
    : `which stays PID 1 and does not pass SIGTERM on: ${stopper} waits 10 s and then kills it; start it with exec: ${quoteCommand(withExec)}`;
}

/** Command text on one line: continuations joined. */
function oneLine(text: string): string {
  return text.replace(/[ \t]*\\\r?\n\s*/g, " ");
}

/** In double quotes, or single ones when the text has a double quote (`"$@"`). */
export function quoteCommand(text: string): string {
  return text.includes('"') ? `'${text}'` : `"${text}"`;
}

/** What a shell does with the command line a `-c` string ends in. */
export type StringRun =
  /** It replaces itself with these words (`exec` taken off): they are PID 1's program then. */
  | { execs: ShellWord[] }
  /** It runs the last command as its child and stays PID 1: why. */
  | { forks: string }
  | { unknown: string };

/**
 * How `shell` (by implementation: "ash" for busybox, "bash", "dash"; any other name is not known)
 * runs the string it got with -c. Seen here (busybox 1.35, bash 5.2, Debian 12's dash 0.5.12):
 * busybox ash execs the last command of the string, also after `;`, `&&` or `||`, unless a trap
 * is set; bash execs a sole simple command without redirections, and from 5.1 also the last one
 * of a list; Debian's dash forks even a sole command. All exec what `exec` names.
 */
export function stringRun(shell: string, script: string): StringRun {
  const outline = outlineShellScript(script);
  if (!outline) return { unknown: "the string could not be read" };
  if (outline.commands.some((c) => c.words[0]?.value === "trap")) return { unknown: "the string sets a trap, so the shell handles signals itself" };
  const execed = lastExec(outline);
  if (execed) return { execs: execed };
  const last = outline.last;
  if (last === undefined) return { unknown: "the string runs nothing" };
  if (last === "compound") return { unknown: "the string ends in a compound command" };
  if (last.before === "|" || last.after === "|") return { forks: "the string ends in a pipeline" };
  if (last.after === "&") return { forks: "the string ends in a background job" };
  const first = last.words[0];
  if (last.negated || !first || notTheService.has(first.value) || outline.functions.has(first.value)) return { forks: `the string ends with ${first?.value ?? "a redirection"}, not a program` };
  const sole = outline.commands.length === 1;
  const redirects = last.words.some((w) => !w.quoted && /^\d*[<>]/.test(w.value));
  if (shell === "ash") return { execs: last.words };
  if (shell === "bash") {
    if (redirects) return { forks: "bash forks a command that has redirections" };
    return sole ? { execs: last.words } : { unknown: "bash 5.1 and later exec the last command of a list, older ones fork it" };
  }
  if (shell === "dash") return { forks: "dash forks the command (Debian's dash even a sole one)" };
  return { unknown: `which shell ${shell} is, is not known` };
}
