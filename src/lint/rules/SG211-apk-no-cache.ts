import { unwrapCommand } from "../model/command-wrappers.js";
import { editableWords, isShipped } from "../model/queries.js";
import type { ShellWord } from "../model/types.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG211",
    name: "apk-no-cache",
    severity: "info",
    description: "apk add without --no-cache leaves the package index in the layer.",
    docs: "docs/rules/SG211.md",
    peers: { hadolint: ["DL3019"], trivy: ["DS025"] },
    fixable: true,
  },
  check(ctx) {
    for (const ins of ctx.model.instructions) {
      if (ins.keyword !== "RUN" || ins.mounts.some((m) => m.type === "cache" && /\/var\/cache\/apk/.test(m.target ?? ""))) continue;
      const addWords: ShellWord[] = [];
      let editable = true;
      for (const c of ins.commands) {
        const { words } = unwrapCommand(c);
        if (words[0]?.value !== "apk") continue;
        const add = words.findIndex((w) => w.value === "add");
        const addWord = words[add];
        if (!addWord || words.some((w) => w.value === "--no-cache")) continue;
        addWords.push(addWord);
        editable &&= editableWords(ins, c);
      }
      if (addWords.length === 0) continue;
      ctx.report({
        at: ins,
        message: `apk add without --no-cache keeps the package index in ${isShipped(ctx.model, ctx.model.stages[ins.stage]!) ? "the image" : "this build stage's layer (not shipped, but stored and cached by the builder)"}: use apk add --no-cache`,
        ...(editable ? { fix: { description: "add --no-cache", edits: addWords.map((w) => ({ start: w.end, end: w.end, text: " --no-cache" })) } } : {}),
      });
    }
  },
};
