import { joinContinuations, tokenize } from "../../shell/tokenize.js";
import type { DockerfileModel, InstructionModel } from "../model/types.js";
import type { Fix } from "../types.js";

/**
 * The exec form a shell-form CMD/ENTRYPOINT/HEALTHCHECK CMD means, when the command has no shell
 * syntax (variables, globs, operators, redirections, quotes that change meaning): its words, a
 * leading `exec` dropped (the shell would have replaced itself with what follows; exec form starts
 * that directly, and there is no program called exec). Undefined for anything else, and for
 * `exec` with an option (`exec -a name /app`) or nothing after it.
 */
export function execFormOf(model: DockerfileModel, ins: InstructionModel): { array: string; start: number; end: number; singleQuoted?: true } | undefined {
  let start = ins.argsStart;
  if (ins.keyword === "HEALTHCHECK") {
    const m = /^(\s*)(CMD)(\s+)/i.exec(model.text.slice(ins.argsStart, ins.end));
    if (!m) return undefined;
    start = ins.argsStart + m[0].length;
  }
  const end = ins.end;
  if (end <= start || ins.heredocs.length > 0) return undefined;
  const quoted = singleQuotedArray(model.text.slice(start, end), model.escape);
  if (quoted) return { array: execFormArray(quoted), start, end, singleQuoted: true };
  const words = withoutExec(plainCommandWords(model.text.slice(start, end), model.escape));
  if (!words) return undefined;
  return { array: execFormArray(words), start, end };
}

/**
 * Rewrites a shell-form CMD/ENTRYPOINT/HEALTHCHECK CMD into exec form (see execFormOf). Not for an
 * ENTRYPOINT while a CMD is in effect (`cmdInEffect`): `sh -c` ignores the CMD, while an exec-form
 * ENTRYPOINT gets its words as arguments, so the rewrite would change what the container runs.
 */
export function execFormFix(model: DockerfileModel, ins: InstructionModel, cmdInEffect: boolean): Fix | undefined {
  if (ins.keyword === "ENTRYPOINT" && cmdInEffect) return undefined;
  const form = execFormOf(model, ins);
  if (!form) return undefined;
  return { description: `write ${ins.keyword} in exec form: ${form.array}`, edits: [replaceToEnd(model, form.start, form.end, form.array)] };
}

/**
 * A shell-form CMD read as the arguments an exec-form ENTRYPOINT should get: its words as a JSON
 * array when they are plain (see execFormOf). A leading `exec` is kept out of it: as arguments it
 * means nothing the program would want, so what was meant is for the author to say.
 */
export function argumentsFormOf(model: DockerfileModel, ins: InstructionModel): { array: string; start: number; end: number } | undefined {
  if (ins.keyword !== "CMD" || ins.json !== null || ins.heredocs.length > 0 || ins.end <= ins.argsStart) return undefined;
  const text = model.text.slice(ins.argsStart, ins.end);
  const words = singleQuotedArray(text, model.escape) ?? plainCommandWords(text, model.escape);
  if (!words || words[0] === "exec") return undefined;
  return { array: execFormArray(words), start: ins.argsStart, end: ins.end };
}

/** Rewrites a shell-form CMD into the JSON array of arguments an exec-form ENTRYPOINT gets (see argumentsFormOf). */
export function argumentsFix(model: DockerfileModel, ins: InstructionModel): Fix | undefined {
  const form = argumentsFormOf(model, ins);
  if (!form) return undefined;
  return { description: `write the CMD as the ENTRYPOINT's arguments: ${form.array}`, edits: [replaceToEnd(model, form.start, form.end, form.array)] };
}

/**
 * A shell-form CMD under an exec-form ENTRYPOINT that takes it as its arguments (`ENTRYPOINT ["/app"]`):
 * no shell runs it, the program gets `/bin/sh`, `-c` and the whole string as its arguments (Docker's
 * reference says so; podman 4.3 does the same), so the shell form is itself the bug, whatever the
 * shell and whether the image has one. The finding's message and fix, for SG108 and SG203.
 */
export function shellFormArguments(model: DockerfileModel, ins: InstructionModel, entrypoint: InstructionModel): { message: string; fix?: Fix } {
  const script = joinContinuations(model.text.slice(ins.argsStart, ins.end), ins.argsStart, model.escape).chars.trim();
  const form = argumentsFormOf(model, ins);
  const fix = argumentsFix(model, ins);
  const advice = form
    ? `write the arguments as a JSON array: CMD ${form.array}`
    : "write the arguments as a JSON array; nothing expands variables or runs shell syntax in arguments, so have the program read the variable itself, or start it from an entrypoint script that execs it";
  return {
    message: `CMD in shell form is ["/bin/sh", "-c", ${JSON.stringify(script)}], and the exec-form ENTRYPOINT ${JSON.stringify(entrypoint.json)} (line ${entrypoint.range.line}) gets it as arguments: no shell runs it, the program is passed "/bin/sh", "-c" and ${JSON.stringify(script)}; ${advice}`,
    ...(fix ? { fix } : {}),
  };
}

/**
 * An exec-form `["/bin/sh", "-c", "/app serve"]` CMD or ENTRYPOINT rewritten to run the program
 * itself (`["/app", "serve"]`), when the script is one plain command (a leading `exec` dropped).
 * Not for an ENTRYPOINT while a CMD is in effect: sh -c ignores CMD, the program would get it as arguments.
 */
export function shellWrapperFix(model: DockerfileModel, ins: InstructionModel, cmdInEffect: boolean): Fix | undefined {
  const json = ins.json;
  if (!json || json.length !== 3 || json[1] !== "-c" || (ins.keyword === "ENTRYPOINT" && cmdInEffect)) return undefined;
  const command = withoutExec(plainCommandWords(json[2]!, model.escape));
  if (!command) return undefined;
  const array = execFormArray(command);
  return { description: `run the program directly: ${array}`, edits: [replaceToEnd(model, ins.argsStart, ins.end, array)] };
}

/** Why a shell-form command is to be read as the array it was meant to be, for messages: "" unless it is one in single quotes. */
export function notJsonNote(form: { singleQuoted?: true } | undefined): string {
  return form?.singleQuoted ? " (['...'] with single quotes is not JSON, so the builder took it for a shell command)" : "";
}

/**
 * `['/app', 'serve']` (or `["/app", 'serve']`): meant as exec form, but JSON has only double quotes, so
 * the builder takes it for shell form and sh runs a program named `[/app,`. Its strings, when each is
 * plain (no escapes inside).
 */
function singleQuotedArray(text: string, escape: string): string[] | undefined {
  const chars = joinContinuations(text, 0, escape).chars.trim();
  const element = String.raw`(?:'[^'\\\n]*'|"[^"\\\n]*")`;
  if (!chars.includes("'") || !new RegExp(String.raw`^\[\s*${element}(?:\s*,\s*${element})*\s*\]$`).test(chars)) return undefined;
  return [...chars.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? "");
}

/** The words of a command with no shell syntax (variables, globs, operators, redirections, meaningful quotes); undefined otherwise. */
function plainCommandWords(text: string, escape: string): string[] | undefined {
  const mapped = joinContinuations(text, 0, escape);
  if (/[$`*?~<>;&|(){}\[\]#\\!]/.test(mapped.chars) || mapped.chars.includes("\n")) return undefined;
  const tokens = tokenize(mapped);
  if (tokens.length === 0 || tokens.some((t) => t.kind !== "word")) return undefined;
  const words = tokens.map((t) => (t.kind === "word" ? t.word.value : ""));
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? "") ? undefined : words;
}

/** The words with a leading `exec` taken off; undefined for none, or for `exec` with an option or nothing after it. */
function withoutExec(words: string[] | undefined): string[] | undefined {
  if (words?.[0] !== "exec") return words && words.length > 0 ? words : undefined;
  const rest = words.slice(1);
  return rest.length === 0 || rest[0]!.startsWith("-") ? undefined : rest;
}

function execFormArray(words: string[]): string {
  return "[" + words.map((w) => JSON.stringify(w)).join(", ") + "]";
}

/** Replaces [start, end) but keeps trailing whitespace and the newline outside the edit. */
function replaceToEnd(model: DockerfileModel, start: number, end: number, text: string) {
  return { start, end: start + model.text.slice(start, end).replace(/\s+$/, "").length, text };
}
