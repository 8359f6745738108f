/**
 * Scripts given to a shell as one string (`sh -c 'CGO_ENABLED=0 go build'`, `su - builder -c
 * '...'`), read as commands of the RUN. Only a string whose characters are, one for one, those in
 * the Dockerfile is read: single-quoted, or double-quoted without `$`, `` ` `` or `\` (which the
 * RUN's shell would expand first). So the commands' words point into the Dockerfile, and a fix can
 * edit inside the quotes when its text needs no escaping there. In exec form
 * (`["/bin/sh", "-c", "go build ."]`) the JSON string is the script: see execFormScript.
 */
import type { TextEdit } from "../types.js";
import { readSwitchUser, switchUserEffect, unwrapCommand } from "./command-wrappers.js";
import { commandsOf, joinContinuations, tokenize, type MappedText } from "../../shell/tokenize.js";
import { shellOptions } from "../../shell/shell-options.js";
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
  const call = scriptCall(host);
  if (!call) return undefined;
  const literal = literalString(call.word, call.word.value.length - call.value.length, source, escape);
  if (!literal) return undefined;
  return { script: { host, shell: call.shell, keeps: call.keeps, quote: literal.quote, start: literal.start, end: literal.end }, text: literal.text };
}

/**
 * The commands of the script an exec-form RUN gives a shell (`["/bin/sh", "-c", "go build ."]`), with
 * the scripts inside them. `host` is the RUN's one command, `args` its JSON array with Dockerfile line
 * continuations joined. No shell expands the JSON string first, so a string without a backslash escape
 * is the script character for character: read in place, in the quote `"`, where editsFitQuotes keeps
 * a fix from writing `"` or `\` (nor `$` or `` ` ``, as in any double-quoted script). With an escape
 * (`\"`, `\\`, `\n`, `\u00e9`) the script is still read, but its characters are not those in the file.
 */
export function execFormScript(host: ShellCommand, args: MappedText, source: string, escape: string): ShellCommand[] {
  const call = scriptCall(host);
  const string = call && jsonStrings(args.chars)[host.words.indexOf(call.word)];
  if (!call || !string) return [];
  const { open, close } = string;
  const { offsets } = args;
  const found = { host, shell: call.shell, keeps: call.keeps };
  if (!args.chars.slice(open + 1, close).includes("\\")) {
    // The script ends the string (after `--command=` for su).
    const from = close - call.value.length;
    const script: NestedScript = { ...found, quote: '"', start: offsets[from] as number, end: offsets[close] as number };
    const inner = commandsOf(tokenize({ chars: call.value, offsets: offsets.slice(from, close + 1) })).map((c) => ({ ...c, script }));
    return withNestedScripts(inner, source, escape, 1);
  }
  // The model has no mark for a word a fix cannot edit (rules check ins.json for the exec-form
  // command), so the words all point at the whole string, quotes included, and the quote "" makes
  // editsFitQuotes refuse every edit there. Scripts inside it are not read: their words cannot be found.
  const start = offsets[open] as number;
  const end = (offsets[close] as number) + 1;
  const script: NestedScript = { ...found, quote: "", start, end };
  const whole = (w: ShellWord): ShellWord => ({ ...w, start, end });
  return commandsOf(tokenize({ chars: call.value, offsets: [] })).map((c) => ({ ...c, assignments: c.assignments.map((a) => ({ ...a, word: whole(a.word) })), words: c.words.map(whole), script }));
}

/** Indexes in `chars` of the quotes around each string of a JSON array of strings, in order. */
function jsonStrings(chars: string): { open: number; close: number }[] {
  const strings: { open: number; close: number }[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== '"') continue;
    const open = i;
    for (i++; i < chars.length && chars[i] !== '"'; i++) if (chars[i] === "\\") i++;
    strings.push({ open, close: i });
  }
  return strings;
}

/** How a command runs a script given as one string: a POSIX shell's `-c`, or su's and runuser's, behind any wrappers. */
function scriptCall(host: ShellCommand): ScriptCall | undefined {
  const words = unwrapCommand(host).words;
  const name = words[0]?.value.split("/").pop() ?? "";
  return posixShells.has(name) ? shellCall(words, name) : name === "su" || name === "runuser" ? switchUserCall(words, name) : undefined;
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
  const { operand, runsString } = shellOptions(words.map((w) => w.value), 1);
  const word = words[operand];
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

/**
 * Text that cannot go inside a quoted script as it is: it would end the quotes, or be expanded by the
 * RUN's shell; any text at all in an exec-form script with escapes (quote "").
 */
const needsEscaping: Record<NestedScript["quote"], RegExp> = { "'": /'/, '"': /["$`\\]/, "": /(?:)/ };

/** Whether every edit that lands inside a nested script needs no escaping in its quotes (and in those around them). */
export function editsFitQuotes(model: DockerfileModel, edits: readonly TextEdit[]): boolean {
  const scripts = new Set<NestedScript>();
  for (const ins of model.instructions) for (const c of ins.commands) if (c.script) scripts.add(c.script);
  return edits.every((e) => [...scripts].every((s) => e.start < s.start || e.end > s.end || !needsEscaping[s.quote].test(e.text)));
}
