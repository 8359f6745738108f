/**
 * Splits shell text (a Dockerfile's RUN/CMD/ENTRYPOINT/HEALTHCHECK, or a script) into simple commands
 * and words, keeping each word's offsets in the text so rules can point at it and fixes can edit it.
 * Hand-written: shell parsers on npm (e.g. shell-quote) drop positions and continuations; this
 * needs neither a full grammar nor execution, only words, quotes and command separators.
 */
import type { ShellCommand, ShellWord } from "./types.js";

/** Characters with their source offsets, after Dockerfile line continuations are removed. */
export interface MappedText {
  chars: string;
  offsets: number[];
}

/**
 * Removes `ESC<newline>` continuations and the comment or blank lines Docker drops inside a
 * continued instruction. `base` is the offset of `text` in the Dockerfile.
 */
export function joinContinuations(text: string, base: number, escape: string): MappedText {
  let chars = "";
  const offsets: number[] = [];
  const lines = text.split("\n");
  let pos = base;
  let continued = false;
  for (let i = 0; i < lines.length; i++) {
    const rawLine = lines[i] ?? "";
    const lineStart = pos;
    pos += rawLine.length + 1;
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (continued) {
      const trimmed = line.trimStart();
      if (trimmed === "" || trimmed.startsWith("#")) continue;
    }
    let body = line;
    continued = false;
    const m = /[ \t]*$/.exec(line);
    const trailingStart = m ? m.index : line.length;
    if (trailingStart > 0 && line[trailingStart - 1] === escape && !isEscaped(line, trailingStart - 1, escape)) {
      body = line.slice(0, trailingStart - 1);
      continued = true;
    }
    for (let j = 0; j < body.length; j++) {
      chars += body[j];
      offsets.push(lineStart + j);
    }
    if (!continued && i < lines.length - 1) {
      chars += "\n";
      offsets.push(lineStart + line.length);
    }
  }
  offsets.push(pos - 1);
  return { chars, offsets };
}

function isEscaped(line: string, index: number, escape: string): boolean {
  let n = 0;
  for (let k = index - 1; k >= 0 && line[k] === escape; k--) n++;
  return n % 2 === 1;
}

type Token = { kind: "word"; word: ShellWord } | { kind: "op"; op: string };

const operatorStarts = new Set([";", "&", "|", "(", ")", "\n"]);

/** Tokenizes mapped shell text into words and control operators. Never throws. */
export function tokenize(text: MappedText): Token[] {
  const { chars, offsets } = text;
  const tokens: Token[] = [];
  let value = "";
  let start = -1;
  let end = -1;
  let quoted = false;
  const endAt = (i: number): number => offsets[i] ?? offsets[offsets.length - 1] ?? 0;
  const flush = (): void => {
    if (start >= 0) tokens.push({ kind: "word", word: { value, start, end, quoted } });
    value = "";
    start = -1;
    quoted = false;
  };
  const take = (i: number, s: string): void => {
    if (start < 0) start = endAt(i);
    value += s;
    end = endAt(i) + 1;
  };
  let i = 0;
  const n = chars.length;
  while (i < n) {
    const c = chars[i] as string;
    if (c === " " || c === "\t" || c === "\r") {
      flush();
      i++;
      continue;
    }
    if (c === "#" && start < 0) {
      while (i < n && chars[i] !== "\n") i++;
      continue;
    }
    if (operatorStarts.has(c) && !(c === "&" && (value.endsWith(">") || value.endsWith("<")))) {
      flush();
      const two = chars.slice(i, i + 2);
      if (two === "&&" || two === "||" || two === ";;") {
        tokens.push({ kind: "op", op: two });
        i += 2;
      } else {
        tokens.push({ kind: "op", op: c });
        i++;
      }
      continue;
    }
    if (c === "'") {
      quoted = true;
      if (start < 0) start = endAt(i);
      i++;
      while (i < n && chars[i] !== "'") take(i, chars[i++] as string);
      end = endAt(Math.min(i, n - 1)) + 1;
      i++;
      continue;
    }
    if (c === '"') {
      quoted = true;
      if (start < 0) start = endAt(i);
      i++;
      while (i < n && chars[i] !== '"') {
        if (chars[i] === "\\" && i + 1 < n && '"\\$`'.includes(chars[i + 1] as string)) i++;
        take(i, chars[i] as string);
        i++;
      }
      end = endAt(Math.min(i, n - 1)) + 1;
      i++;
      continue;
    }
    if (c === "\\") {
      if (chars[i + 1] === "\n") {
        i += 2;
        continue;
      }
      if (i + 1 < n) {
        take(i + 1, chars[i + 1] as string);
        i += 2;
      } else i++;
      continue;
    }
    if (c === "$" && (chars[i + 1] === "(" || chars[i + 1] === "{")) {
      const open = chars[i + 1] as string;
      const close = open === "(" ? ")" : "}";
      let depth = 0;
      let j = i + 1;
      for (; j < n; j++) {
        if (chars[j] === open) depth++;
        else if (chars[j] === close && --depth === 0) break;
      }
      for (let k = i; k <= Math.min(j, n - 1); k++) take(k, chars[k] as string);
      i = j + 1;
      continue;
    }
    if (c === "`") {
      let j = i + 1;
      while (j < n && chars[j] !== "`") j++;
      for (let k = i; k <= Math.min(j, n - 1); k++) take(k, chars[k] as string);
      i = j + 1;
      continue;
    }
    take(i, c);
    i++;
  }
  flush();
  return tokens;
}

// Wrappers such as time, exec, env and sudo stay in the words: unwrapCommand (command-wrappers.ts) reads them.
const leadingKeywords = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "fi", "done"]);
export const assignmentPattern = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Groups tokens into simple commands, stripping shell keywords. */
export function commandsOf(tokens: Token[]): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  const close = (next: string): void => {
    if (words.length > 0) commands.push(toCommand(words, next));
    words = [];
  };
  for (const t of tokens) {
    if (t.kind === "op") close(t.op);
    else words.push(t.word);
  }
  close("");
  return commands;
}

function toCommand(all: ShellWord[], next: string): ShellCommand {
  const assignments: ShellCommand["assignments"] = [];
  let k = 0;
  for (;;) {
    const w = all[k];
    if (w === undefined) break;
    if (leadingKeywords.has(w.value) && !w.quoted) {
      k++;
      continue;
    }
    if (assignmentPattern.test(w.value)) {
      const eq = w.value.indexOf("=");
      assignments.push({ name: w.value.slice(0, eq), value: w.value.slice(eq + 1), word: w });
      k++;
      continue;
    }
    break;
  }
  const words = all.slice(k);
  return { assignments, words, name: words[0]?.value ?? "", next };
}

/** Commands of a piece of Dockerfile shell text starting at `base`. */
export function parseShell(text: string, base: number, escape: string): ShellCommand[] {
  return commandsOf(tokenize(joinContinuations(text, base, escape)));
}

/** Commands of a heredoc body: newlines are command separators, no Dockerfile continuations. */
export function parseScript(text: string, base: number): ShellCommand[] {
  const offsets: number[] = [];
  for (let i = 0; i <= text.length; i++) offsets.push(base + i);
  return commandsOf(tokenize({ chars: text, offsets }));
}
