import { posix } from "node:path";
import { startedProcess } from "../model/entrypoint.js";
import { absoluteIn, contextSourcesOf, workdirAt } from "../model/image-files.js";
import { lookupAt } from "../model/build.js";
import { shellOptions } from "../model/nested-scripts.js";
import { outlineShellScript, type ScriptCommand } from "../model/shell-script.js";
import type { InstructionModel, ShellWord, StageModel } from "../model/types.js";
import type { Fix, Rule, RuleContext } from "../types.js";

/** Shells that fork the last command of a script file and wait for it (checked for sh, bash, dash and busybox ash). */
const forkingShells = new Set(["sh", "bash", "ash", "dash"]);

/**
 * Inits that run as PID 1 and pass signals on to the one program they start: to it alone by
 * default, so a shell in between gets SIGTERM, exits, and its child is killed with the container
 * (checked with catatonit), unless an option makes them signal its whole process group.
 */
const childSignallingInits: { name: RegExp; signalsGroup: (options: string[], env: (name: string) => string | undefined) => boolean; takesValue: RegExp }[] = [
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

const defaultPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export const rule: Rule = {
  meta: {
    id: "SG219",
    name: "entrypoint-script-without-exec",
    severity: "warning",
    description: "The entrypoint script copied from the build context starts the service without exec, so the shell stays PID 1 and the service never gets SIGTERM.",
    docs: "docs/rules/SG219.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const stage = ctx.model.finalStage;
    if (!stage || ctx.contextDir === undefined) return;
    const started = startedProcess(stage);
    if (!started) return;
    const run = scriptRun(started.argv, (name) => envValue(ctx, started.instruction, name));
    if (!run) return;
    const script = readScript(ctx, stage, started.instruction, run.path, run.interpreter === undefined);
    if (!script) return;
    if (run.interpreter === undefined && !forkingShells.has(shebangShell(script.text) ?? "")) return;
    const last = lastServiceCommand(script.text);
    if (!last) return;
    const name = last.words[0] as ShellWord;
    const start = last.assignments[0]?.start ?? name.start;
    const end = (last.words.at(-1) as ShellWord).end;
    const shown = oneLine(script.text.slice(start, end));
    const withExec = oneLine(script.text.slice(start, name.start) + "exec " + script.text.slice(name.start, end));
    const line = script.text.slice(0, name.start).split("\n").length;
    const fix: Fix = {
      description: `start the service with exec in ${script.path}: ${withExec}`,
      edits: [],
      fileEdits: [{ path: script.path, edits: [{ start: name.start, end: name.start, text: "exec " }] }],
    };
    const why = run.init
      ? `${run.init} passes SIGTERM only to the shell, which exits, and the service is killed with the container without it: start it with exec: ${quoted(withExec)} (or run ${run.init} -g)`
      : `which stays PID 1 and does not pass SIGTERM on: docker stop waits 10 s and then kills it; start it with exec: ${quoted(withExec)}`;
    ctx.report({ at: started.instruction, message: `${script.path}:${line} runs ${quoted(shown)} as a child of the shell, ${why}`, fix });
  },
};

/**
 * The script a process runs: the program itself, or the file operand of a POSIX shell (`sh -e
 * /entrypoint.sh`), also behind an init that signals only its child (`tini -- /entrypoint.sh`), named in `init`.
 */
function scriptRun(argv: readonly string[], env: (name: string) => string | undefined): { path: string; interpreter?: string; init?: string } | undefined {
  const program = argv[0] ?? "";
  const name = posix.basename(program);
  if (supervisors.test(name)) return undefined;
  const init = childSignallingInits.find((i) => i.name.test(name));
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
    if (init.signalsGroup(options, env)) return undefined;
    const inner = scriptRun(argv.slice(i), env);
    return inner && !inner.init ? { ...inner, init: name } : undefined;
  }
  let from: number;
  if (name === "busybox" && (argv[1] === "sh" || argv[1] === "ash")) from = 2;
  else if (forkingShells.has(name)) from = 1;
  else return { path: program };
  const { operand, runsString, readsStdin } = shellOptions(argv, from);
  // -c runs a string, -s reads standard input: no script file.
  const path = runsString || readsStdin ? undefined : argv[operand];
  return path === undefined ? undefined : { path, interpreter: name };
}

/** The script's context path and text, when a COPY/ADD from the build context put it where the process finds it. */
function readScript(ctx: RuleContext, stage: StageModel, at: InstructionModel, program: string, searchesPath: boolean): { path: string; text: string } | undefined {
  const workdir = workdirAt(stage);
  const candidates = !program.includes("/") && searchesPath ? searchPath(ctx, at).map((dir) => `${dir}/${program}`) : [absoluteIn(workdir, program)];
  for (const imagePath of candidates) {
    if (imagePath === undefined) continue;
    for (const source of contextSourcesOf(stage, imagePath)) {
      if (ctx.fileExists(source) !== true) continue;
      const text = ctx.readFile(source);
      return text === undefined ? undefined : { path: source, text };
    }
  }
  return undefined;
}

/** The directories an exec-form program name is looked up in: ENV PATH when it is plain, else the default. */
function searchPath(ctx: RuleContext, at: InstructionModel): string[] {
  const path = lookupAt(ctx.model, at)("PATH");
  if (typeof path !== "string" || path.includes("$")) return defaultPath;
  return path.split(":").filter((d) => d.startsWith("/")).map((d) => d.replace(/\/+$/, "") || "/");
}

/** The shell a `#!` line names (`/bin/sh`, `/usr/bin/env bash`, `/bin/busybox sh`), by base name; undefined without one. */
function shebangShell(text: string): string | undefined {
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
function lastServiceCommand(text: string): ScriptCommand | undefined {
  const outline = outlineShellScript(text);
  const last = outline?.last;
  if (!outline || last === undefined || last === "compound") return undefined;
  if (outline.commands.some((c) => c.after === "&" || trapsTermination(c))) return undefined;
  if (last.before === "|" || last.after === "|" || last.negated) return undefined;
  const first = last.words[0];
  if (!first) return undefined;
  if (!first.quoted && /^\d*[<>]/.test(first.value)) return undefined;
  if (notTheService.has(first.value) || outline.functions.has(first.value)) return undefined;
  return last;
}

function trapsTermination(command: ScriptCommand): boolean {
  return command.words[0]?.value === "trap" && command.words.slice(1).some((w) => /^(SIG)?(TERM|INT|QUIT|HUP)$|^(15|2|3|1)$/i.test(w.value));
}

/** Command text on one line: continuations joined. */
function oneLine(text: string): string {
  return text.replace(/[ \t]*\\\r?\n\s*/g, " ");
}

/** In double quotes, or single ones when the text has a double quote (`"$@"`). */
function quoted(text: string): string {
  return text.includes('"') ? `'${text}'` : `"${text}"`;
}

/** The value of an ENV or ARG the instruction sees; undefined when unset or not known. */
function envValue(ctx: RuleContext, at: InstructionModel, name: string): string | undefined {
  const value = lookupAt(ctx.model, at)(name);
  return typeof value === "string" ? value : undefined;
}
