import { editableWords, envForCommand, goBuilds, goFlags, hasGoFlag } from "../model/queries.js";
import type { Rule, TextEdit } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG105",
    name: "build-flags",
    severity: "info",
    description: "go build without -trimpath (reproducible binaries) or without -ldflags \"-s -w\" (smaller binaries).",
    docs: "docs/rules/SG105.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    for (const b of goBuilds(ctx.model)) {
      if (b.subcommand === "install" && b.args.some((a) => a.value.includes("@"))) continue;
      // GOFLAGS as this go command sees it: inline, exported, go env -w, or ENV/ARG in scope.
      const trimpath = hasGoFlag(b.args, "trimpath") || /(^|\s)-trimpath(\s|$)/.test(envForCommand(ctx.model, b, "GOFLAGS") ?? "");
      const given = goFlags(b.args, "ldflags");
      const ldflags = given.at(-1)?.value;
      const stripped = ldflags !== undefined && hasStrip(ldflags);
      if (trimpath && stripped) continue;
      const missing: string[] = [];
      const edits: TextEdit[] = [];
      const canEdit = editableWords(b.instruction, b.command);
      let insert = "";
      if (!trimpath) {
        missing.push("-trimpath");
        if (canEdit) insert += " -trimpath";
      }
      if (!stripped) {
        missing.push('-ldflags="-s -w"');
        if (canEdit && ldflags === undefined) insert += ' -ldflags="-s -w"';
      }
      if (insert !== "") edits.push({ start: b.subWord.end, end: b.subWord.end, text: insert });
      ctx.report({
        at: b.instruction,
        message: `go ${b.subcommand} without ${missing.join(" and ")}: ${!trimpath ? "-trimpath makes the binary independent of the build directory" : ""}${!trimpath && !stripped ? "; " : ""}${!stripped ? "-s -w drops symbol and DWARF tables (about a third of the size)" : ""}${!stripped && given.slice(0, -1).some((g) => hasStrip(g.value)) ? `; an earlier -ldflags has them, but go ${b.subcommand} uses only the last: merge them into one` : ""}`,
        ...(edits.length > 0 ? { fix: { description: `add ${edits.map((e) => e.text.trim()).join(" ")}`, edits } } : {}),
      });
    }
  },
};

function hasStrip(ldflags: string): boolean {
  return /(^|\s)-s(\s|$)/.test(ldflags) && /(^|\s)-w(\s|$)/.test(ldflags);
}
