import { unwrapCommand } from "../model/command-wrappers.js";
import { editableWords } from "../model/queries.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG212",
    name: "apt-get-install",
    severity: "warning",
    description: "apt-get install without -y (the build hangs or fails) or without --no-install-recommends (bigger image).",
    docs: "docs/rules/SG212.md",
    peers: { hadolint: ["DL3014", "DL3015"], trivy: ["DS021", "DS029"] },
    fixable: true,
  },
  check(ctx) {
    for (const ins of ctx.model.instructions) {
      if (ins.keyword !== "RUN") continue;
      for (const c of ins.commands) {
        const { words, assignments } = unwrapCommand(c);
        if (words[0]?.value !== "apt-get" && words[0]?.value !== "apt") continue;
        const install = words.findIndex((w) => w.value === "install");
        if (install < 0) continue;
        const values = words.map((w) => w.value);
        const yes = values.some((v) => v === "-y" || v === "--yes" || v === "--assume-yes" || v === "-qq" || /^-[a-z]*y[a-z]*$/.test(v)) || assignments.some((a) => a.name === "DEBIAN_FRONTEND") && values.includes("-y");
        const noRecommends = values.includes("--no-install-recommends") || values.some((v) => /APT::Install-Recommends=(false|0)/i.test(v));
        if (yes && noRecommends) continue;
        const missing = [!yes ? "-y" : "", !noRecommends ? "--no-install-recommends" : ""].filter(Boolean);
        const at = words[install];
        ctx.report({
          at: ins,
          message: `${words[0]?.value} install without ${missing.join(" and ")}: ${!yes ? "without -y the build stops at the prompt" : ""}${missing.length === 2 ? "; " : ""}${!noRecommends ? "recommended packages bloat the image" : ""}`,
          ...(at && editableWords(ins, c) ? { fix: { description: `add ${missing.join(" ")}`, edits: [{ start: at.end, end: at.end, text: " " + missing.join(" ") }] } } : {}),
        });
      }
    }
  },
};
