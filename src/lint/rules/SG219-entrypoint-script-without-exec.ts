import { posix } from "node:path";
import type { ScriptCommand } from "../../shell/script-outline.js";
import { followProcess, forkingShells, lastServiceCommand, serviceRun, shebangShell, stringRun, whyNoSignal, quoteCommand, type ProcessStart } from "../../shell/signal-path.js";
import { DEFAULT_EXEC_PATH, execSearchPath, startedProcess } from "../model/entrypoint.js";
import { absoluteIn, contextSourcesOf, imageCopies, workdirAt } from "../model/image-files.js";
import { lookupAt } from "../model/build.js";
import { unwrapCommand } from "../model/command-wrappers.js";
import { goBuilds, goFlagValue, shellImplementation, stageChain } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, StageModel } from "../model/types.js";
import type { Fix, Rule, RuleContext } from "../types.js";

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
    const run = scriptRun(started.argv, (name) => envValue(ctx, started.instruction, name), (program) => shellImplementation(stage, program));
    if (!run) return;
    const script = readScript(ctx, stage, started.instruction, run.path, run.interpreter === undefined);
    if (!script) return;
    if (run.interpreter === undefined && !forkingShells.has(shebangShell(script.text) ?? "")) return;
    const last = lastServiceCommand(script.text);
    if (!last || !runsTheService(ctx, stage, started.argv, script.path, last)) return;
    const { shown, withExec, line, execAt } = serviceRun(script.text, last);
    const fix: Fix = {
      description: `start the service with exec in ${script.path}: ${withExec}`,
      edits: [],
      fileEdits: [{ path: script.path, edits: [{ start: execAt, end: execAt, text: "exec " }] }],
    };
    const why = whyNoSignal(run.init, withExec, "docker stop", run.group);
    ctx.report({ at: started.instruction, message: `${script.path}:${line} runs ${quoteCommand(shown)} as a child of the shell, ${why}`, fix });
  },
};

/**
 * The script a process runs: the program itself, or the file operand of a POSIX shell (`sh -e
 * /entrypoint.sh`), or what a `sh -c` string ends in when the stage's shell (`shellOf`) runs it in
 * its own place (`["sh", "-c", "/entrypoint.sh"]` on Alpine); also behind an init (`tini --
 * /entrypoint.sh`), named in `init`; `group` when that init signals the whole process group (which
 * does not save a service that takes time to stop).
 */
function scriptRun(argv: readonly string[], env: (name: string) => string | undefined, shellOf: (program: string) => string | undefined): { path: string; interpreter?: string; init?: string; group?: boolean } | undefined {
  let started = execedByString(followProcess(argv, env), env, shellOf);
  let groupInit: string | undefined;
  if (started.kind === "group-init") {
    groupInit = started.init;
    started = execedByString(followProcess(started.argv, env), env, shellOf);
  }
  const init = groupInit ?? (started.kind === "program" || started.kind === "script" ? started.init : undefined);
  if ((started.kind === "program" || started.kind === "script") && groupInit !== undefined && started.init !== undefined) return undefined;
  const found = started.kind === "program" ? { path: started.argv[0] as string } : started.kind === "script" ? { path: started.path, interpreter: started.shell } : undefined;
  if (!found) return undefined;
  return init === undefined ? found : { ...found, init, ...(groupInit !== undefined ? { group: true } : {}) };
}

/** The script's context path and text, when a COPY/ADD from the build context put it where the process finds it. */
function readScript(ctx: RuleContext, stage: StageModel, at: InstructionModel, program: string, searchesPath: boolean): { path: string; text: string } | undefined {
  const workdir = workdirAt(stage);
  const candidates = !program.includes("/") && searchesPath ? (execSearchPath(ctx.model, at) ?? DEFAULT_EXEC_PATH).map((dir) => `${dir}/${program}`) : [absoluteIn(workdir, program)];
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

/** The value of an ENV or ARG the instruction sees; undefined when unset or not known. */
function envValue(ctx: RuleContext, at: InstructionModel, name: string): string | undefined {
  const value = lookupAt(ctx.model, at)(name);
  return typeof value === "string" ? value : undefined;
}

/** For a `-c` string whose last command the shell runs in its own place, what that command starts (keeping the init in front); otherwise `started` itself. */
function execedByString(started: ProcessStart, env: (name: string) => string | undefined, shellOf: (program: string) => string | undefined): ProcessStart {
  if (started.kind !== "string") return started;
  const shell = shellOf(started.program);
  const run = shell === undefined ? undefined : stringRun(shell, started.script);
  if (!run || !("execs" in run) || run.execs.some((w) => /[$`*?[]/.test(w.value))) return started;
  const inner = followProcess(run.execs.map((w) => w.value), env);
  if (inner.kind !== "program" && inner.kind !== "script") return inner;
  return started.init === undefined || inner.init !== undefined ? inner : { ...inner, init: started.init };
}

/**
 * Whether the script's last command runs the service, and not some clean-up after it (`rm -f
 * /tmp/app.lock`), which exec would hand PID 1 to instead: its program, wrappers that exec what
 * follows them taken off (`su-exec app /app serve`), is the arguments the script gets (`"$@"`, the
 * CMD), the program those name, a file the final stage copies in (from a build stage or the
 * context) other than the script itself, the output of a go build there, or a binary of the module.
 */
function runsTheService(ctx: RuleContext, stage: StageModel, argv: readonly string[], scriptPath: string, last: ScriptCommand): boolean {
  const words = unwrapCommand({ assignments: [], words: last.words, name: last.words[0]?.value ?? "", next: "" }).words;
  const program = words[0]?.value;
  if (program === undefined || program === "") return false;
  if (/^\$\{?[@*1]\}?$/.test(program)) return true;
  const workdir = workdirAt(stage);
  const installed = imageFiles(ctx.model, stage);
  const scriptName = posix.basename(scriptPath);
  if (program.includes("/")) {
    const path = absoluteIn(workdir, program);
    if (path === undefined) return false;
    if (installed.has(path)) return true;
    return contextSourcesOf(stage, path).some((source) => source !== scriptPath && ctx.fileExists(source) === true);
  }
  if (program === scriptName) return false;
  const names = new Set([...installed].map((p) => posix.basename(p)));
  const cmdProgram = argv[1];
  if (cmdProgram !== undefined) names.add(posix.basename(cmdProgram));
  for (const m of ctx.module?.mainPackages ?? []) names.add(m.binary);
  names.delete(scriptName);
  return names.has(program);
}

/** Image paths of the files the stage's COPY and ADD put there by name (not what a directory holds), and go build -o outputs in it. */
function imageFiles(model: DockerfileModel, stage: StageModel): Set<string> {
  const files = new Set<string>();
  for (const copy of imageCopies(stage)) {
    if (copy.target === undefined) continue;
    for (const source of copy.sources) {
      if (/[*?[$]/.test(source)) continue;
      files.add(copy.intoDirectory ? posix.join(copy.target, posix.basename(source)) : copy.target);
    }
  }
  const chain = stageChain(stage);
  for (const b of goBuilds(model)) {
    const output = chain.includes(b.stage) ? goFlagValue(b.args, "o") : undefined;
    const path = output === undefined ? undefined : absoluteIn(workdirAt(b.stage, b.instruction), output);
    if (path !== undefined) files.add(path);
  }
  return files;
}
