/**
 * The outline of a shell script file (an entrypoint script): its simple commands, which of them are
 * at the top level, which compound command (if, while, case, { }, ( ), a function body) closes it,
 * and the functions it defines. Reads words and control structure only, as shell.ts does for
 * Dockerfile commands; a script it cannot follow with confidence (an unterminated heredoc,
 * unbalanced blocks) gives no outline.
 */
import { assignmentPattern, tokenize } from "./tokenize.js";
import type { ShellWord } from "./types.js";

/** A simple command of the script. Offsets are into the script text. */
export interface ScriptCommand {
  /** Leading VAR=value words. */
  assignments: ShellWord[];
  /** The command name and its arguments (redirections included). */
  words: ShellWord[];
  /** 0 at the top level; 1 and more inside compound commands. */
  depth: number;
  /** The operators around it: "&&", "||", "|", ";", "&", "\n", or "" at the start or end of the script. */
  before: string;
  after: string;
  /** Written after `!`. */
  negated: boolean;
}

export interface ScriptOutline {
  /** Every simple command, at any depth, in order. */
  commands: ScriptCommand[];
  /** What ends the top level: its last simple command, or "compound" when a compound command comes last; undefined for an empty script. */
  last: ScriptCommand | "compound" | undefined;
  /** Names of the functions the script defines (`name() { ... }`, `function name { ... }`). */
  functions: Set<string>;
}

type Block = "if" | "loop" | "case" | "brace" | "paren";

const closers: Record<string, Block> = { fi: "if", done: "loop", esac: "case", "}": "brace" };
const openers: Record<string, Block> = { if: "if", while: "loop", until: "loop", for: "loop", select: "loop", case: "case", "{": "brace" };
/** Reserved words after which a command still begins. */
const continuing = new Set(["then", "do", "else", "elif", "!"]);

/** The outline of `text`, or undefined when its structure cannot be read with confidence. */
export function outlineShellScript(text: string): ScriptOutline | undefined {
  const blanked = blankHeredocBodies(text);
  if (blanked === undefined) return undefined;
  const offsets = Array.from({ length: blanked.length + 1 }, (_, i) => i);
  const tokens = tokenize({ chars: blanked, offsets });

  const commands: ScriptCommand[] = [];
  const functions = new Set<string>();
  const stack: Block[] = [];
  let last: ScriptOutline["last"];
  let words: ShellWord[] = [];
  let negated = false;
  let before = "";
  // After `name (`: the `)` that follows closes a function's parameter list, not a subshell.
  let functionParens = false;
  // After `function`: the next word names a function.
  let namesFunction = false;
  // After `fi`, `done`, `}`, `)`, `esac`: words up to the next operator redirect that compound command (`done < list`).
  let redirectsCompound = false;

  const finish = (after: string): void => {
    if (words.length > 0) {
      let k = 0;
      while (k < words.length && !(words[k] as ShellWord).quoted && assignmentPattern.test((words[k] as ShellWord).value)) k++;
      const command: ScriptCommand = { assignments: words.slice(0, k), words: words.slice(k), depth: stack.length, before, after, negated };
      commands.push(command);
      if (stack.length === 0) last = command;
    }
    words = [];
    negated = false;
    before = after;
  };
  const close = (block: Block): boolean => {
    if (stack.at(-1) !== block) return false;
    stack.pop();
    if (stack.length === 0) last = "compound";
    redirectsCompound = true;
    return true;
  };

  for (const token of tokens) {
    const inCase = stack.at(-1) === "case";
    if (token.kind === "op") {
      const op = token.op;
      redirectsCompound = false;
      if (inCase && (op === "(" || op === ")" || op === ";;")) {
        words = [];
        continue;
      }
      if (op === "(") {
        if (words.length === 1 && !(words[0] as ShellWord).quoted) {
          functions.add((words[0] as ShellWord).value);
          functionParens = true;
          words = [];
          continue;
        }
        if (words.length > 0) return undefined;
        stack.push("paren");
        continue;
      }
      if (op === ")") {
        if (functionParens) {
          functionParens = false;
          continue;
        }
        finish(op);
        if (!close("paren")) return undefined;
        continue;
      }
      if (op === ";;") return undefined;
      finish(op);
      continue;
    }
    const word = token.word;
    if (redirectsCompound) continue;
    if (namesFunction) {
      functions.add(word.value);
      namesFunction = false;
      continue;
    }
    if (words.length > 0 || word.quoted) {
      words.push(word);
      continue;
    }
    const value = word.value;
    if (inCase) {
      if (value === "case") stack.push("case");
      else if (value === "esac") close("case");
      else words.push(word);
      continue;
    }
    const closes = closers[value];
    const opens = openers[value];
    if (closes !== undefined) {
      if (!close(closes)) return undefined;
    } else if (opens !== undefined) {
      stack.push(opens);
    } else if (value === "function") {
      namesFunction = true;
    } else if (continuing.has(value)) {
      if (value === "!") negated = true;
    } else {
      words.push(word);
    }
  }
  finish("");
  if (stack.length > 0 || functionParens || namesFunction) return undefined;
  return { commands, last, functions };
}

/**
 * The script with the bodies of its heredocs (and their delimiter lines) blanked out, offsets kept;
 * undefined when a heredoc is not terminated (or `<<` was in a string this line-by-line reading
 * took for an operator).
 */
function blankHeredocBodies(text: string): string | undefined {
  const lines = text.split("\n");
  const pending: { delimiter: string; tabs: boolean }[] = [];
  const out: string[] = [];
  for (const line of lines) {
    const head = pending[0];
    if (head) {
      const body = line.replace(/\r$/, "");
      if ((head.tabs ? body.replace(/^\t+/, "") : body) === head.delimiter) pending.shift();
      out.push(" ".repeat(line.length));
      continue;
    }
    pending.push(...heredocsOpenedIn(line));
    out.push(line);
  }
  return pending.length > 0 ? undefined : out.join("\n");
}

/** The heredocs a line opens (`<<EOF`, `<<-'END'`), outside quotes and comments; here-strings (`<<<`) are not heredocs. */
function heredocsOpenedIn(line: string): { delimiter: string; tabs: boolean }[] {
  const found: { delimiter: string; tabs: boolean }[] = [];
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (c === "#" && (i === 0 || /\s/.test(line[i - 1] as string))) break;
    if (c !== "<" || line[i + 1] !== "<") continue;
    if (line[i + 2] === "<") {
      i += 2;
      continue;
    }
    const m = /^<<(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([^\s;&|<>()'"]+))/.exec(line.slice(i));
    if (!m) continue;
    found.push({ delimiter: m[2] ?? m[3] ?? m[4] ?? "", tabs: m[1] === "-" });
    i += m[0].length - 1;
  }
  return found;
}
