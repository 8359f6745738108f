/**
 * Scripts given to a shell as one string (`sh -c 'CGO_ENABLED=0 go build'`, `su - builder -c
 * '...'`), read as commands of the RUN. Only a string whose characters are, one for one, those in
 * the Dockerfile is read: single-quoted, or double-quoted without `$`, `` ` `` or `\` (which the
 * RUN's shell would expand first). So the commands' words point into the Dockerfile, and a fix can
 * edit inside the quotes when its text needs no escaping there.
 */
import type { TextEdit } from "../types.js";
import { readSwitchUser, switchUserEffect, unwrapCommand } from "./command-wrappers.js";
import { commandsOf, joinContinuations, tokenize, type MappedText } from "./shell.js";
import type { DockerfileModel, NestedScript, ShellCommand, ShellWord } from "./types.js";

/** Shells whose `-c` runs the first operand as a script. */
export const posixShells = new Set(["sh", "bash", "dash", "ash", "zsh"]);

/** Scripts inside scripts read this deep; deeper strings stay words. */
const maxDepth = 4;

/** The commands with the commands of the scripts they run (`sh -c '...'`) right after each. */
export function withNestedScripts(commands: readonly ShellCommand[], source: string, escape: string, depth = 0): ShellCommand[] {
  const out: ShellCommand[] = [];
  for (const command of commands) {
    out.push(command);
    const found = depth < maxDepth ? nestedScript(command, source, escape) : undefined;
    if (!found) continue;
    const inner = commandsOf(tokenize(found.text)).map((c) => ({ ...c, script: found.script }));
    out.push(...withNestedScripts(inner, source, escape, depth + 1));
  }
  return out;
}

/** The script a command runs, when it is one literal string, with the text to parse. */
function nestedScript(host: ShellCommand, source: string, escape: string): { script: NestedScript; text: MappedText } | undefined {
  const words = unwrapCommand(host).words;
  const name = words[0]?.value.split("/").pop() ?? "";
  const call = posixShells.has(name) ? shellCall(words, name) : name === "su" || name === "runuser" ? switchUserCall(words, name) : undefined;
  if (!call) return undefined;
  const literal = literalString(call.word, call.word.value.length - call.value.length, source, escape);
  if (!literal) return undefined;
  return { script: { host, shell: call.shell, keeps: call.keeps, quote: literal.quote, start: literal.start, end: literal.end }, text: literal.text };
}

interface ScriptCall {
  /** The word holding the script, and the script (the word's value after `--command=` or `-c`). */
  word: ShellWord;
  value: string;
  shell: string;
  keeps: (name: string) => boolean;
}

/** `sh -c 'script'`, `bash -euxc '...'`, `bash -o pipefail -c '...'`: the first operand, when an option has a `c`. */
function shellCall(words: readonly ShellWord[], shell: string): ScriptCall | undefined {
  let runsString = false;
  let i = 1;
  for (; i < words.length; i++) {
    const w = (words[i] as ShellWord).value;
    if (w === "--" || w === "-") {
      i++;
      break;
    }
    if (!/^[-+]./.test(w)) break;
    if (w.startsWith("--")) {
      if (w === "--rcfile" || w === "--init-file") i++;
      continue;
    }
    if (w.startsWith("-") && w.includes("c")) runsString = true;
    // -o, +o, -O and +O take the next word, also at the end of a cluster (-euo pipefail).
    for (const letter of w.slice(1)) if (letter === "o" || letter === "O") i++;
  }
  const word = words[i];
  return runsString && word ? { word, value: word.value, shell, keeps: () => true } : undefined;
}

/** `su [-] [USER] -c 'script'` and `runuser`'s su-like form; the shell -s names must be a POSIX one. */
function switchUserCall(words: readonly ShellWord[], command: "su" | "runuser"): ScriptCall | undefined {
  const { options, operands } = readSwitchUser(words, 1);
  const script = options.filter((o) => o.name === "c" || o.name === "command" || o.name === "session-command").pop();
  const shell = options.filter((o) => o.name === "s" || o.name === "shell").pop();
  const asUser = options.some((o) => o.name === "u" || o.name === "user");
  if (!script?.valueWord || script.value === undefined || asUser || (shell && !posixShells.has(shell.value?.split("/").pop() ?? ""))) return undefined;
  const { keeps, label } = switchUserEffect(command, options, operands[0]?.value === "-");
  return { word: script.valueWord, value: script.value, shell: label, keeps };
}

/**
 * The quoted string that ends `word` after `prefix` characters, when its characters are the
 * word's value one for one in the Dockerfile (Dockerfile line continuations aside): with their
 * offsets, and the offsets between the quotes.
 */
function literalString(word: ShellWord, prefix: number, source: string, escape: string): { quote: "'" | '"'; text: MappedText; start: number; end: number } | undefined {
  const raw = source.slice(word.start, word.end);
  const quote = raw[prefix];
  if ((quote !== "'" && quote !== '"') || raw.length < prefix + 2 || !raw.endsWith(quote)) return undefined;
  const start = word.start + prefix + 1;
  const text = joinContinuations(raw.slice(prefix + 1, -1), start, escape);
  if (text.chars.includes(quote) || (quote === '"' && /[$`\\]/.test(text.chars))) return undefined;
  if (raw.slice(0, prefix) + text.chars !== word.value) return undefined;
  return { quote, text, start, end: word.end - 1 };
}

/** Text that cannot go inside a quoted script as it is: it would end the quotes, or be expanded by the RUN's shell. */
const needsEscaping: Record<NestedScript["quote"], RegExp> = { "'": /'/, '"': /["$`\\]/ };

/** Whether every edit that lands inside a nested script needs no escaping in its quotes (and in those around them). */
export function editsFitQuotes(model: DockerfileModel, edits: readonly TextEdit[]): boolean {
  const scripts = new Set<NestedScript>();
  for (const ins of model.instructions) for (const c of ins.commands) if (c.script) scripts.add(c.script);
  return edits.every((e) => [...scripts].every((s) => e.start < s.start || e.end > s.end || !needsEscaping[s.quote].test(e.text)));
}
