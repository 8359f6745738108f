import { xFlagSymbols, xSymbolProblem } from "../../analysis/link-symbols.js";
import { editableWords, goBuilds, programsBuilt } from "../model/queries.js";
import type { ShellWord } from "../model/types.js";
import type { Rule, TextEdit } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG117",
    name: "ldflags-x-sets-nothing",
    severity: "warning",
    description: "-ldflags -X names no string variable of the program (a misspelt name, a constant, a package the program does not import): the linker ignores it without a word.",
    docs: "docs/rules/SG117.md",
    peers: {},
    fixable: true,
    needsModule: true,
  },
  check(ctx) {
    const { module } = ctx;
    if (!module) return;
    for (const build of goBuilds(ctx.model)) {
      const ldflags = lastLdflags(build.args);
      if (!ldflags) continue;
      const programs = programsBuilt(build, module);
      if (programs.length === 0) continue;
      for (const symbol of xFlagSymbols(ldflags.value)) {
        const problem = xSymbolProblem(symbol, programs, module.goMod.path);
        if (!problem) continue;
        const { message, replacement } = problem;
        const edit = replacement && editableWords(build.instruction, build.command) ? symbolEdit(ctx.model.text, ldflags.word, symbol, replacement) : undefined;
        ctx.report({
          at: build.instruction,
          message: `-X ${symbol} sets nothing: ${message}; the linker ignores it without a word, so the binary keeps the value in the source`,
          ...(edit ? { fix: { description: `-X ${replacement}`, edits: [edit] } } : {}),
        });
      }
    }
  },
};

/** The -ldflags go uses: the last one given. */
function lastLdflags(args: readonly ShellWord[]): { value: string; word: ShellWord } | undefined {
  let found: { value: string; word: ShellWord } | undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const m = /^--?ldflags(=|$)/.exec(w.value);
    if (!m) continue;
    if (m[1] === "=") found = { value: w.value.slice(m[0].length), word: w };
    else if (args[i + 1]) found = { value: args[i + 1]!.value, word: args[i + 1]! };
  }
  return found;
}

/** Replaces the symbol where it stands in the -ldflags word, when it stands there once. */
function symbolEdit(text: string, word: ShellWord, symbol: string, replacement: string): TextEdit | undefined {
  const raw = text.slice(word.start, word.end);
  const first = raw.indexOf(`${symbol}=`);
  if (first < 0 || raw.indexOf(`${symbol}=`, first + 1) >= 0) return undefined;
  return { start: word.start + first, end: word.start + first + symbol.length, text: replacement };
}
