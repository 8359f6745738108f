import { unwrapCommand } from "../model/command-wrappers.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG213",
    name: "sudo",
    severity: "warning",
    description: "sudo in RUN: build steps already run as the stage's USER; sudo adds a setuid binary and a TTY dependency.",
    docs: "docs/rules/SG213.md",
    peers: { hadolint: ["DL3004"], trivy: ["DS010"] },
  },
  check(ctx) {
    for (const ins of ctx.model.instructions) {
      if (ins.keyword !== "RUN") continue;
      if (ins.commands.some((c) => unwrapCommand(c).wrappers.includes("sudo"))) ctx.report({ at: ins, message: "do not use sudo in RUN: switch USER root for the step that needs it, then back to the non-root USER" });
    }
  },
};
