import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG215",
    name: "from-platform",
    severity: "warning",
    description: "FROM --platform with a constant value (breaks multi-platform builds) or with $TARGETPLATFORM (redundant).",
    docs: "docs/rules/SG215.md",
    peers: { hadolint: ["DL3029"], buildkit: ["FromPlatformFlagConstDisallowed", "RedundantTargetPlatform"] },
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      const flag = stage.from.flags.find((f) => f.name === "platform");
      if (!flag || flag.value === null) continue;
      const value = flag.value;
      if (/^\$\{?TARGETPLATFORM\}?$/.test(value)) {
        const start = model.offsetAt(flag.range.line - 1, flag.range.column - 1);
        const end = model.offsetAt(flag.range.endLine - 1, flag.range.endColumn - 1);
        const after = model.text.slice(end).match(/^[ \t]*/)?.[0].length ?? 0;
        ctx.report({
          at: stage.from,
          message: "--platform=$TARGETPLATFORM is the default: remove it",
          fix: { description: "remove --platform=$TARGETPLATFORM", edits: [{ start, end: end + after, text: "" }] },
        });
      } else if (!value.includes("$")) {
        ctx.report({ at: stage.from, message: `--platform=${value} is a constant, so this stage is ${value} on every target: use $BUILDPLATFORM for builders or drop the flag` });
      }
    }
  },
};
