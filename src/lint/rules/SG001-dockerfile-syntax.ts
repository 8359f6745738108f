import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG001",
    name: "dockerfile-syntax",
    severity: "error",
    description: "The Dockerfile cannot be parsed as written (unknown instruction, unclosed heredoc, no FROM, no instructions at all, an instruction without the arguments it needs).",
    docs: "docs/rules/SG001.md",
    peers: { hadolint: ["DL1000", "DL3061"] },
  },
  check(ctx) {
    for (const p of ctx.model.problems) {
      ctx.report({ at: { line: p.line, column: 1, endLine: p.line, endColumn: 1 }, message: p.message });
    }
  },
};
