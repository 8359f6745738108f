import { joinContinuations, tokenize } from "../../shell/tokenize.js";
import type { DockerfileModel, InstructionModel } from "../model/types.js";
import type { Fix } from "../types.js";

/**
 * Rewrites a shell-form CMD/ENTRYPOINT/HEALTHCHECK CMD into exec form, but only when the command
 * has no shell syntax (variables, globs, operators, redirections, quotes that change meaning).
 */
export function execFormFix(model: DockerfileModel, ins: InstructionModel): Fix | undefined {
  let start = ins.argsStart;
  if (ins.keyword === "HEALTHCHECK") {
    const m = /^(\s*)(CMD)(\s+)/i.exec(model.text.slice(ins.argsStart, ins.end));
    if (!m) return undefined;
    start = ins.argsStart + m[0].length;
  }
  const end = ins.end;
  if (end <= start || ins.heredocs.length > 0) return undefined;
  const words = plainCommandWords(model.text.slice(start, end), model.escape);
  if (!words) return undefined;
  const json = execFormArray(words);
  return { description: `write ${ins.keyword} in exec form: ${json}`, edits: [replaceToEnd(model, start, end, json)] };
}

/**
 * An exec-form `["/bin/sh", "-c", "/app serve"]` CMD or ENTRYPOINT rewritten to run the program
 * itself (`["/app", "serve"]`), when the script is one plain command (a leading `exec` dropped).
 * Not for an ENTRYPOINT while a CMD is in effect: sh -c ignores CMD, the program would get it as arguments.
 */
export function shellWrapperFix(model: DockerfileModel, ins: InstructionModel, cmdInEffect: boolean): Fix | undefined {
  const json = ins.json;
  if (!json || json.length !== 3 || json[1] !== "-c" || (ins.keyword === "ENTRYPOINT" && cmdInEffect)) return undefined;
  const words = plainCommandWords(json[2]!, model.escape);
  const command = words?.[0] === "exec" ? words.slice(1) : words;
  if (!command || command.length === 0) return undefined;
  const array = execFormArray(command);
  return { description: `run the program directly: ${array}`, edits: [replaceToEnd(model, ins.argsStart, ins.end, array)] };
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

function execFormArray(words: string[]): string {
  return "[" + words.map((w) => JSON.stringify(w)).join(", ") + "]";
}

/** Replaces [start, end) but keeps trailing whitespace and the newline outside the edit. */
function replaceToEnd(model: DockerfileModel, start: number, end: number, text: string) {
  return { start, end: start + model.text.slice(start, end).replace(/\s+$/, "").length, text };
}
