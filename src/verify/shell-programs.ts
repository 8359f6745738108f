/**
 * The programs a `sh -c` string starts that can be named without running it: the first word of each
 * simple command, when that word is a literal absolute path or a bare name the shell looks up in PATH.
 * Builtins, keywords, words built from variables or globs, and relative paths (a `cd` may come first)
 * are left out. When the string has constructs whose commands are not plain to read (case, for,
 * functions, here-documents), only its first command is taken.
 */
import { parseScript } from "../shell/tokenize.js";

const BUILTINS = new Set([
  ":", ".", "[", "[[", "alias", "bg", "break", "builtin", "case", "cd", "command", "continue", "echo", "esac", "eval",
  "exit", "export", "false", "fg", "for", "function", "getopts", "hash", "in", "jobs", "kill", "let", "local",
  "printf", "pwd", "read", "readonly", "return", "select", "set", "shift", "source", "test", "time", "times", "trap",
  "true", "type", "typeset", "ulimit", "umask", "unalias", "unset", "until", "wait", "while",
]);

const UNREAD = /(^|[\s;&|])(case|for|function|select)\s|\(\s*\)|<</;

export interface ShellPrograms {
  /** Literal program words, in order, without repeats. */
  programs: string[];
  /** False when only the first command was read (see UNREAD), or the script sets PATH. */
  everyCommand: boolean;
}

export function shellPrograms(script: string): ShellPrograms {
  const commands = parseScript(script, 0);
  const setsPath = commands.some((c) => c.assignments.some((a) => a.name === "PATH") || (c.name === "export" && c.words.some((w) => w.value.startsWith("PATH="))));
  const everyCommand = !UNREAD.test(script);
  const programs: string[] = [];
  for (const command of everyCommand ? commands : commands.slice(0, 1)) {
    const words = command.words[0]?.value === "exec" ? command.words.slice(1) : command.words;
    const name = words[0];
    if (name === undefined || BUILTINS.has(name.value) || /[$`*?[\]=<>]/.test(name.value) || /^\d*[<>]/.test(name.value)) continue;
    if (name.value.includes("/") && !name.value.startsWith("/")) continue;
    if (!name.value.includes("/") && setsPath) continue;
    if (!programs.includes(name.value)) programs.push(name.value);
  }
  return { programs, everyCommand: everyCommand && !setsPath };
}
