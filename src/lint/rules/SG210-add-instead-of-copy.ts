import { copyPaths } from "../model/queries.js";
import type { Rule } from "../types.js";

const remoteOrArchive = /^(https?:|git@|git:|ssh:)|\.(tar|tgz|tar\.gz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|gz|bz2|xz|zst)$/i;
const copyFlags = new Set(["chown", "chmod", "from", "link"]);

export const rule: Rule = {
  meta: {
    id: "SG210",
    name: "add-instead-of-copy",
    severity: "warning",
    description: "ADD used for local files, where COPY does the same without ADD's URL and archive magic.",
    docs: "docs/rules/SG210.md",
    peers: { hadolint: ["DL3020"], trivy: ["DS005"] },
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const ins of model.instructions) {
      if (ins.keyword !== "ADD") continue;
      const { sources } = copyPaths(ins);
      if (sources.length === 0 || sources.some((s) => remoteOrArchive.test(s) || s.includes("$"))) continue;
      const fixable = ins.flags.every((f) => copyFlags.has(f.name));
      ctx.report({
        at: ins,
        message: "ADD of local files: use COPY, which does not fetch URLs or unpack archives behind your back",
        ...(fixable ? { fix: { description: "replace ADD with COPY", edits: [{ start: ins.start, end: ins.start + 3, text: "COPY" }] } } : {}),
      });
    }
  },
};
