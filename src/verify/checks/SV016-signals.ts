import { posix } from "node:path";
import type { ShellWord } from "../../shell/types.js";
import { outlineShellScript } from "../../shell/script-outline.js";
import { followProcess, forkingShells, lastExec, lastServiceCommand, quoteCommand, serviceRun, shebangShell, stringRun, whyNoSignal } from "../../shell/signal-path.js";
import { checkProgram } from "../command.js";
import type { ImageView } from "../image-view.js";
import { findCommand, imageEnv, normalizeImagePath, readImageFile } from "../image-paths.js";
import { fail, pass, skip, type CheckResult, type VerifyCheck } from "../types.js";

/** Scripts read up to this size; entrypoint scripts are far smaller. */
const MAX_SCRIPT_BYTES = 1 << 20;
/** Programs that exec others (a shell's exec, a script's exec "$@") followed this deep. */
const MAX_HOPS = 4;
/** Interpreters: whether SIGTERM reaches the program is up to the script they run. */
const interpreters = /^(python[\d.]*|node(js)?|ruby[\d.]*|perl[\d.]*|php[\d.]*|java|deno|bun|lua[\d.]*|Rscript|pwsh|zsh|ksh|mksh|fish|tclsh[\d.]*)$/;

export const check: VerifyCheck = {
  id: "SV016",
  name: "signals",
  title: "SIGTERM reaches the program the image starts (podman/docker stop shuts it down gracefully)",
  async run(view) {
    const argv = [...(view.config.Entrypoint ?? []), ...(view.config.Cmd ?? [])];
    if (argv.length === 0) return skip("the image starts nothing (see SV001)");
    const env = imageEnv(view);
    return follow({ view, env, evidence: [] }, argv, undefined, 0);
  },
};

/** The init in front of the process, and whether it signals its whole process group (-g) or its child alone. */
interface Init {
  name: string;
  group: boolean;
}

interface Walk {
  view: ImageView;
  env: ReadonlyMap<string, string>;
  /** What was followed so far, in order. */
  evidence: string[];
}

/** The verdict for the process `argv` starts; `init` is the init in front of it, if any. */
async function follow(walk: Walk, argv: readonly string[], init: Init | undefined, hops: number): Promise<CheckResult> {
  const { evidence } = walk;
  evidence.push(`runs ${JSON.stringify(argv)}${init ? ` as ${init.name}'s child` : ""}`);
  if (hops > MAX_HOPS) return skip(`gave up following after ${MAX_HOPS} programs that exec others`, evidence);
  const started = followProcess(argv, (name) => walk.env.get(name));
  const inFront = "init" in started && started.init !== undefined ? { name: started.init, group: false } : init;
  switch (started.kind) {
    case "supervisor":
      return skip(`${started.name} supervises its services its own way: not followed`, evidence);
    case "unfollowed":
      return skip(`not followed: ${started.reason}`, evidence);
    case "group-init":
      if (init) return skip(`not followed: ${started.init} runs behind ${init.name}`, evidence);
      evidence.push(`${started.init} passes signals to the whole process group it starts`);
      return follow(walk, started.argv, { name: started.init, group: true }, hops + 1);
    case "string":
      return runString(walk, started.program, started.shell, started.script, started.args, inFront, hops);
    case "script": {
      const path = findScriptOperand(walk, started.path);
      return runScript(walk, path, started.args, inFront, hops);
    }
    case "program":
      return runProgram(walk, started.argv, inFront, hops);
  }
}

async function runProgram(walk: Walk, argv: readonly string[], init: Init | undefined, hops: number): Promise<CheckResult> {
  const { view, evidence } = walk;
  const program = argv[0] as string;
  const found = findCommand(view, program, walk.env);
  if (found?.entry?.type !== "file") return skip(`${program} is not a file in the image (see SV001)`, evidence);
  evidence.push(...found.links);
  // A program that cannot start is never PID 1: no verdict on signals.
  const startable = await checkProgram(view, argv, walk.env);
  if (!startable.ok) return skip(`${program} cannot start: ${startable.problem} (see SV001)`, evidence);
  const head = (await readImageFile(view, found.path, 4)) ?? Buffer.alloc(0);
  const receives = init ? `${init.name} passes SIGTERM on to it` : "is PID 1, so it gets SIGTERM itself";
  if (head.subarray(0, 2).toString("latin1") === "#!") return runScript(walk, found.path, argv.slice(1), init, hops, true);
  if (!head.equals(Buffer.from("\x7fELF", "latin1"))) return skip(`${found.path} is neither a script nor an ELF program`, evidence);
  const name = posix.basename(found.path);
  if (interpreters.test(name) || interpreters.test(posix.basename(program))) {
    return skip(`${program} is an interpreter: whether SIGTERM reaches the program depends on the script it runs`, evidence);
  }
  if (view.goBinaries.some((b) => b.path === found.path)) {
    evidence.push(`${found.path}: Go binary`);
    return pass(`${found.path} is a Go binary and ${receives}`, evidence);
  }
  evidence.push(`${found.path}: ELF program`);
  return pass(`${found.path} is an ELF program and ${receives}`, evidence);
}

/** A shell's script file operand: as given from the working directory, else (a bare name) from PATH, as sh looks it up. */
function findScriptOperand(walk: Walk, operand: string): string {
  const inDir = normalizeImagePath(operand, walk.view.config.WorkingDir || "/");
  if (operand.includes("/") || walk.view.files.has(inDir)) return inDir;
  return findCommand(walk.view, operand, walk.env)?.path ?? inDir;
}

/** A script file run by a shell (`sh /entrypoint.sh`), or run directly by its `#!` line (`byShebang`). */
async function runScript(walk: Walk, path: string, args: readonly string[], init: Init | undefined, hops: number, byShebang = false): Promise<CheckResult> {
  const { evidence } = walk;
  const bytes = await readImageFile(walk.view, path, MAX_SCRIPT_BYTES);
  if (bytes === undefined) return skip(`${path} could not be read from the image`, evidence);
  const text = bytes.toString("utf8");
  if (byShebang) {
    const shell = shebangShell(text);
    evidence.push(`${path}: script, ${text.split("\n")[0]}`);
    if (!forkingShells.has(shell ?? "")) return skip(`${path} runs under ${shell ?? "an interpreter its #! line does not name"}: not followed (sh, bash, dash and busybox ash are)`, evidence);
  } else evidence.push(`${path}: script`);
  const last = lastServiceCommand(text);
  if (last) {
    const { shown, withExec, line } = serviceRun(text, last);
    return fail(`${path}:${line} runs ${quoteCommand(shown)} as a child of the shell, ${whyNoSignal(init?.name, withExec, "podman/docker stop", init?.group)}`, evidence);
  }
  const outline = outlineShellScript(text);
  const execed = outline && lastExec(outline);
  if (!execed) return skip(`${path} does not plainly end in its service: cannot tell whether SIGTERM reaches it (a compound command, a trap, a function or a builtin comes last)`, evidence);
  evidence.push(`${path} ends in exec`);
  return followExec(walk, `${path} ends in exec, so the shell replaces itself with the program`, execed, args, init, hops);
}

/** A `-c` string, by what the image's shell does with it. */
async function runString(walk: Walk, program: string, named: string, script: string, args: readonly string[], init: Init | undefined, hops: number): Promise<CheckResult> {
  const { evidence } = walk;
  const shell = shellImplementation(walk, program);
  if (shell === undefined) return skip(`${program} is not in the image (see SV001)`, evidence);
  const run = stringRun(shell, script);
  if ("forks" in run) {
    const how = init?.group
      ? `${named} runs ${quoteCommand(script)} as ${init.name}'s child (${run.forks}): ${init.name} passes SIGTERM to the whole group, but ${named} dies of it at once, ${init.name} exits with it, and the program is killed with the container before it can shut down`
      : init
      ? `${named} stays ${init.name}'s child running ${quoteCommand(script)} (${run.forks}): ${init.name} passes SIGTERM only to ${named}, and the program is killed with the container without it`
      : `${named} stays PID 1 running ${quoteCommand(script)} (${run.forks}), so the program never gets SIGTERM and podman/docker stop waits and then kills it`;
    return fail(`${how}: use exec form or start it with exec (exec at the front of the last command)`, evidence);
  }
  if ("unknown" in run) return skip(`cannot tell whether ${program} execs ${quoteCommand(script)}: ${run.unknown}; exec at the front of the last command settles it`, evidence);
  // $0 is the first word after the string; "$@" the rest.
  return followExec(walk, `${shell} replaces itself with the last command of ${quoteCommand(script)}`, run.execs, args.slice(1), init, hops);
}

/** The command a shell execs: followed when its words are literal (or "$@"); else it is PID 1's program, whatever it is. */
async function followExec(walk: Walk, how: string, words: readonly ShellWord[], args: readonly string[], init: Init | undefined, hops: number): Promise<CheckResult> {
  const argv: string[] = [];
  for (const w of words) {
    if (w.value === "$@" && w.quoted) argv.push(...args);
    else if (/[$`*?[]/.test(w.value) || (!w.quoted && /^\d*[<>]/.test(w.value))) return pass(`${how}, and it gets SIGTERM`, walk.evidence);
    else argv.push(w.value);
  }
  if (argv.length === 0) return skip(`${how}, but what it runs is not known`, walk.evidence);
  return follow(walk, argv, init, hops + 1);
}

/** Which shell the image's `program` is ("ash" for busybox), from where its links lead; undefined when it is not in the image. */
function shellImplementation(walk: Walk, program: string): string | undefined {
  const found = findCommand(walk.view, program, walk.env);
  if (found?.entry?.type !== "file") return undefined;
  walk.evidence.push(...found.links);
  const real = posix.basename(found.path);
  if (real === "busybox" || posix.basename(program) === "busybox") return "ash";
  // A regular file named sh could be any shell.
  return real;
}
