import { posix } from "node:path";
import { unwrapCommand } from "../model/command-wrappers.js";
import { lineStartOf, shellImplementation, stageChain } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, NestedScript, ShellCommand, StageModel } from "../model/types.js";
import type { Fix, Rule } from "../types.js";

/** Commands whose failure a pipeline hides: downloads (the next command reads nothing) and go, whose build or tests may fail. */
const MASKED = new Set(["curl", "wget", "go"]);

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"]);

const BASH_PIPEFAIL = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]';

export const rule: Rule = {
  meta: {
    id: "SG220",
    name: "pipe-without-pipefail",
    severity: "warning",
    description: "A download or go command piped into another in a RUN without pipefail: the step takes the last command's status, so the failure goes unnoticed.",
    docs: "docs/rules/SG220.md",
    peers: { hadolint: ["DL4006"] },
    fixable: true,
  },
  check(ctx) {
    for (const stage of ctx.model.stages) {
      /** The RUN before which the fix puts SHELL bash -o pipefail in this stage, once. */
      let shellFixAt: InstructionModel | undefined;
      for (const ins of stage.instructions) {
        if (ins.keyword !== "RUN") continue;
        const shell = shellAt(stage, ins);
        const runner = heredocRunner(ins);
        // The SHELL's options hold for the RUN's own command line, not for a body another shell runs.
        // A body run by python or node is no shell script: its lines are not commands.
        const foreign = runner !== undefined && !SHELLS.has(runner.shell) ? runner.commands : [];
        const masked = maskedInPipeline(shell.pipefail ? (runner?.commands ?? []).filter((c) => !foreign.includes(c)) : ins.commands.filter((c) => !foreign.includes(c)));
        if (!masked) continue;
        const inRunner = runner !== undefined && runner.commands.includes(masked.command);
        const fix = inRunner ? runnerFix(stage, runner) : pipefailFix(ctx.model, stage, ins, masked, shell.json, shellFixAt !== undefined);
        if (fix?.kind === "shell") shellFixAt = ins;
        const what = masked.command.name === "go" ? `go ${masked.command.words[1]?.value ?? ""}`.trim() : masked.command.name;
        const consequence = masked.command.name === "go" ? `the step passes even when ${what} fails` : `a failed download goes unnoticed and ${masked.last} runs on nothing`;
        ctx.report({
          at: ins,
          message: `${what} is piped into ${masked.last}, and the RUN takes the status of ${masked.last} alone, so ${consequence}: ${fix?.fix.description ?? (inRunner ? `${runner.shell} runs this heredoc, which may have no pipefail and where the SHELL's options do not reach: give it to bash (<<EOT bash) and start it with set -o pipefail` : shellFixAt ? `the ${BASH_PIPEFAIL} that the fix adds before line ${shellFixAt.range.line} covers this RUN too` : `make the shell fail the pipeline (${BASH_PIPEFAIL} where bash is installed, or set -o pipefail && where the shell has it)`)}`,
          ...(fix ? { fix: fix.fix } : {}),
        });
      }
    }
  },
};

/** The SHELL in effect at `ins` (the stage's or an ancestor's), and whether it turns pipefail on. */
function shellAt(stage: StageModel, ins: InstructionModel): { json?: string[]; pipefail: boolean } {
  for (const s of stageChain(stage)) {
    const before = s === stage ? s.instructions.filter((i) => i.index < ins.index) : s.instructions;
    const shell = before.filter((i) => i.keyword === "SHELL" && i.json !== null).at(-1);
    if (shell?.json) return { json: shell.json, pipefail: shell.json.some((a) => a.includes("pipefail")) };
  }
  return { pipefail: false };
}

/**
 * The first pipeline member, before its last, that is a download or go, where the script it runs in
 * has not turned pipefail on before it (`set -o pipefail`, `set -euo pipefail`).
 */
function maskedInPipeline(commands: readonly ShellCommand[]): { command: ShellCommand; last: string } | undefined {
  const pipefailIn = new Set<NestedScript | undefined>();
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i]!;
    if (command.name === "set" && setsPipefail(command)) pipefailIn.add(command.script);
    if (command.next !== "|" || pipefailIn.has(command.script)) continue;
    let end = i;
    while (commands[end]?.next === "|" && commands[end + 1] !== undefined && commands[end + 1]!.script === command.script) end++;
    if (end === i) continue;
    const masked = commands.slice(i, end).find((c) => MASKED.has(posix.basename(c.name)));
    if (masked) return { command: masked, last: posix.basename(commands[end]!.name) || "the last command" };
    i = end;
  }
  return undefined;
}

function setsPipefail(command: ShellCommand): boolean {
  const words = command.words.map((w) => w.value);
  return words.some((w, i) => w === "pipefail" && /^-[a-zA-Z]*o$/.test(words[i - 1] ?? ""));
}

/** A heredoc body that a program other than the RUN's shell runs, and the commands read from it. */
interface HeredocRunner {
  /** The shell's name: `bash` for `RUN <<EOT bash` or a body starting `#!/usr/bin/env bash`. */
  shell: string;
  commands: ShellCommand[];
  /** Where a line of the body's own goes first: after the #! line, if any. */
  bodyStart: number;
}

/**
 * `RUN <<EOT bash` gives the body to bash on its standard input, and a body that starts with #! (with
 * only markers on the RUN line) is run as a file by that interpreter: the SHELL's options, such as
 * -o pipefail, reach neither. undefined when the RUN's shell runs the body itself.
 */
function heredocRunner(ins: InstructionModel): HeredocRunner | undefined {
  const heredoc = ins.heredocs[0];
  if (!heredoc) return undefined;
  const inBody = (c: ShellCommand) => (c.assignments[0]?.word.start ?? c.words[0]?.start ?? -1) >= heredoc.contentStart;
  const head = ins.commands.find((c) => !inBody(c));
  const commands = ins.commands.filter(inBody);
  if (head) {
    const program = unwrapCommand({ ...head, words: head.words.filter((w) => !w.value.startsWith("<<")) }).words[0]?.value;
    return program === undefined ? undefined : { shell: posix.basename(program), commands, bodyStart: heredoc.contentStart };
  }
  const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?[^\n]*\n/.exec(heredoc.content);
  if (!shebang) return undefined;
  const interpreter = posix.basename(shebang[1]!) === "env" ? (shebang[2] ?? "") : shebang[1]!;
  return { shell: posix.basename(interpreter), commands, bodyStart: heredoc.contentStart + shebang[0].length };
}

/** `set -o pipefail` as the first line of a body a shell with pipefail runs; none for dash or an unknown sh. */
function runnerFix(stage: StageModel, runner: HeredocRunner): { kind: "set"; fix: Fix } | undefined {
  const shell = shellImplementation(stage, runner.shell) ?? runner.shell;
  if (!["bash", "ash", "zsh", "ksh", "mksh"].includes(shell)) return undefined;
  return { kind: "set", fix: { description: `start the heredoc's script with set -o pipefail (${runner.shell} runs it, where the SHELL's options do not reach)`, edits: [{ start: runner.bodyStart, end: runner.bodyStart, text: "set -o pipefail\n" }] } };
}

/**
 * `set -o pipefail && ` in front of the RUN's script where its shell has it (busybox ash on Alpine,
 * bash, a SHELL that names one), else `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN on
 * Debian-based images, whose /bin/sh (dash) has no pipefail but which ship bash; once per stage, as
 * the SHELL holds for the RUNs after it.
 */
function pipefailFix(model: DockerfileModel, stage: StageModel, ins: InstructionModel, masked: { command: ShellCommand }, shell: string[] | undefined, shellFixOffered: boolean): { kind: "set" | "shell"; fix: Fix } | undefined {
  const first = ins.commands[0];
  const shellName = shell ? posix.basename(shell[0] ?? "") : undefined;
  const sh = shellImplementation(stage, "sh");
  const hasPipefail = shellName ? ["bash", "ash", "zsh", "ksh", "mksh"].includes(shellName) : sh === "ash";
  if (hasPipefail) {
    if (ins.json !== null || ins.heredocs.length > 0 || masked.command.script !== undefined || !first || first.script !== undefined) return undefined;
    const at = first.assignments[0]?.word.start ?? first.words[0]?.start;
    if (at === undefined) return undefined;
    return { kind: "set", fix: { description: "start the RUN with set -o pipefail &&", edits: [{ start: at, end: at, text: "set -o pipefail && " }] } };
  }
  // Debian-based images have bash beside dash.
  if (shell !== undefined || shellFixOffered || sh !== "dash") return undefined;
  const lineStart = lineStartOf(model, ins.start);
  return { kind: "shell", fix: { description: `add ${BASH_PIPEFAIL} before it (/bin/sh here is dash, which has no pipefail)`, edits: [{ start: lineStart, end: lineStart, text: `${BASH_PIPEFAIL}\n` }] } };
}
