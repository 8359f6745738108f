import type { InstructionModel } from "../model/types.js";
import type { Fix, Rule } from "../types.js";

/** Words a fix may split apart as they are: no quotes, variables, globs or shell operators, no VAR=value in front. */
const plainWords = /^[\w./:@%+,=-]+(\s+[\w./:@%+,=-]+)*$/;

export const rule: Rule = {
  meta: {
    id: "SG217",
    name: "exec-form-one-string",
    severity: "error",
    description: "An exec-form command whose program is a whole command line in one string: no shell splits it, so the program is not found.",
    docs: "docs/rules/SG217.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const ins of model.instructions) {
      if (!["RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"].includes(ins.keyword)) continue;
      const program = ins.json?.[0];
      if (program === undefined || !/\s/.test(program.trim())) continue;
      const words = program.trim().split(/\s+/);
      const what = ins.keyword === "HEALTHCHECK" ? "HEALTHCHECK CMD" : ins.keyword;
      const split = JSON.stringify([...words, ...ins.json!.slice(1)]).replace(/","/g, '", "');
      const plain = plainWords.test(program.trim()) && !/^[A-Za-z_]\w*=/.test(words[0]!);
      ctx.report({
        at: ins,
        message:
          `${what} runs the program "${program.trim()}" with no shell to split it, so it is not found and the ${ins.keyword === "RUN" ? "step fails" : "container fails"}: ` +
          (plain ? `give each word its own string, ${split}` : `give each word its own string, with variables set by ENV, or run it through a shell (["/bin/sh", "-c", "..."]) where the image has one`),
        ...(plain ? withFix(model.text, ins, split) : {}),
      });
    }
  },
};

/** Replaces the JSON array when it sits on one line. */
function withFix(text: string, ins: InstructionModel, replacement: string): { fix: Fix } | Record<string, never> {
  const open = text.indexOf("[", ins.argsStart);
  const close = text.lastIndexOf("]", ins.end);
  if (open < 0 || close < open || text.slice(open, close).includes("\n")) return {};
  return { fix: { description: "split the command into one string per word", edits: [{ start: open, end: close + 1, text: replacement }] } };
}
