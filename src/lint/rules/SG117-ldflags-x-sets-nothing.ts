import { xFlagSymbols, xSymbolProblem } from "../../analysis/link-symbols.js";
import { programsBuilt } from "../model/go-build-context.js";
import { editableWords, expandGoArgument, goBuilds, goFlags } from "../model/queries.js";
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
      const given = goFlags(build.args, "ldflags");
      const ldflags = given.at(-1);
      if (!ldflags) continue;
      for (const replaced of given.slice(0, -1)) {
        for (const symbol of xFlagSymbols(replaced.value)) {
          ctx.report({ at: build.instruction, message: `-X ${symbol} sets nothing: it is in an -ldflags that a later -ldflags replaces, as ${build.program} ${build.subcommand} uses only the last; merge them into one -ldflags` });
        }
      }
      const programs = programsBuilt(build, module);
      if (programs.length === 0) continue;
      // -ldflags="$LDFLAGS": the -X flags are in the ARG or ENV; one with an unknown part is read as written.
      const expanded = expandGoArgument(ctx.model, build, ldflags.word, ldflags.value);
      for (const symbol of xFlagSymbols(expanded.unknown ? ldflags.value : expanded.value)) {
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

/** Replaces the symbol where it stands in the -ldflags word, when it stands there once. */
function symbolEdit(text: string, word: ShellWord, symbol: string, replacement: string): TextEdit | undefined {
  const raw = text.slice(word.start, word.end);
  const first = raw.indexOf(`${symbol}=`);
  if (first < 0 || raw.indexOf(`${symbol}=`, first + 1) >= 0) return undefined;
  return { start: word.start + first, end: word.start + first + symbol.length, text: replacement };
}
