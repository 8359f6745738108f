/**
 * The process an image starts: its ENTRYPOINT (with the CMD's words after an exec-form one), else
 * its CMD, as the words the runtime executes.
 * A shell-form one (`ENTRYPOINT /docker-entrypoint.sh`) is `/bin/sh -c '...'`; with only one
 * command, its words are taken for the process: busybox ash and bash exec it in place of
 * themselves, and where dash keeps itself in front (Debian), SG203 reports the shell form anyway.
 * Wrappers that exec what follows them (exec, env, gosu, su-exec, ...) are taken off.
 */
import { lookupAt } from "./build.js";
import { unwrapCommand } from "./command-wrappers.js";
import { knownImageConfig } from "./images.js";
import { rootImage, stageChain } from "./queries.js";
import type { DockerfileModel, InstructionModel, ShellCommand, StageModel } from "./types.js";

/** The PATH a container gets when the image sets none (Docker's and podman's default). */
export const DEFAULT_EXEC_PATH: readonly string[] = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/**
 * The directories an exec-form program named without a slash is looked up in at `at`: those of
 * ENV PATH, else the default; undefined when PATH's value is not known (an ARG without a value).
 */
export function execSearchPath(model: DockerfileModel, at: InstructionModel): readonly string[] | undefined {
  const path = lookupAt(model, at)("PATH");
  if (path === undefined) return DEFAULT_EXEC_PATH;
  if (path === null || path.includes("$")) return undefined;
  return path.split(":").filter((d) => d.startsWith("/")).map((d) => d.replace(/\/+$/, "") || "/");
}

export interface StartedProcess {
  /** The ENTRYPOINT or CMD that names the program. */
  instruction: InstructionModel;
  /** The program and its arguments, wrappers that exec it taken off. */
  argv: string[];
}

/** Wrappers that replace themselves with the command after them, so it keeps their PID. */
const execingWrappers = new Set(["exec", "env", "gosu", "su-exec", "nice", "ionice", "chroot", "setarch", "taskset", "stdbuf", "nohup"]);

/**
 * Programs that run the words after them as a command: inits, the wrappers that exec what follows,
 * shells, and entrypoint scripts (which by custom end in `exec "$@"`). Any other ENTRYPOINT program
 * gets the CMD as its own arguments.
 */
const commandRunners = /^(tini(-static)?(-[a-z0-9]+)?|docker-init|catatonit|dumb-init|s6-svscan|init|env|exec|gosu|su-exec|sudo|doas|nice|ionice|nohup|timeout|chroot|setarch|taskset|stdbuf|setpriv|runuser|su|sh|bash|ash|dash|zsh|busybox)$/;

/** Whether an exec-form ENTRYPOINT runs its CMD as a command (`["tini", "--"]`, `["/docker-entrypoint.sh"]`) rather than taking it as arguments (`["/app"]`). */
export function runsCmdAsCommand(entrypoint: readonly string[]): boolean {
  const name = entrypoint[0]?.split("/").pop() ?? "";
  return commandRunners.test(name) || /\.(sh|bash)$/.test(name) || /entrypoint/i.test(name);
}

/** The process a stage's image starts; undefined when it is not known (a base image's ENTRYPOINT, variables, several commands). */
export function startedProcess(stage: StageModel): StartedProcess | undefined {
  const instructions = stageChain(stage)
    .reverse()
    .flatMap((s) => s.instructions);
  const entrypoint = instructions.filter((i) => i.keyword === "ENTRYPOINT").at(-1);
  const reset = entrypoint?.json !== undefined && entrypoint.json !== null && entrypoint.json.length === 0;
  let instruction = entrypoint && !reset ? entrypoint : undefined;
  if (instruction === undefined) {
    // Without an ENTRYPOINT of its own, the image keeps its base image's, which only known images are known not to have.
    if (!reset && knownImageConfig(rootImage(stage)) === undefined) return undefined;
    instruction = instructions.filter((i) => i.keyword === "CMD").at(-1);
  }
  if (instruction === undefined) return undefined;
  const cmd = instruction === entrypoint && entrypoint.json !== null ? instructions.filter((i) => i.keyword === "CMD").at(-1) : undefined;
  if (cmd && cmd.json === null) return undefined;
  const command = instruction.json !== null ? execFormCommand(instruction, cmd?.json ?? []) : onlyCommand(instruction);
  if (command === undefined) return undefined;
  const unwrapped = unwrapCommand(command);
  if (unwrapped.wrappers.some((w) => !execingWrappers.has(w))) return undefined;
  const argv = unwrapped.words.map((w) => w.value);
  return argv.length > 0 ? { instruction, argv } : undefined;
}

function execFormCommand(ins: InstructionModel, cmdArgs: readonly string[]): ShellCommand | undefined {
  const json = [...(ins.json ?? []), ...cmdArgs];
  if (json.length === 0) return undefined;
  return { assignments: [], words: json.map((value) => ({ value, start: ins.start, end: ins.end, quoted: true })), name: json[0] ?? "", next: "" };
}

/** The one simple command of a shell-form instruction with nothing else around it. */
function onlyCommand(ins: InstructionModel): ShellCommand | undefined {
  const [command, ...rest] = ins.commands;
  if (command === undefined || rest.length > 0 || command.assignments.length > 0 || command.next !== "" || ins.heredocs.length > 0) return undefined;
  return command;
}
