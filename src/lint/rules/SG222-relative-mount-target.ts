import { mountKey } from "../model/build.js";
import { absoluteIn, workdirAt } from "../model/image-files.js";
import type { FlagModel } from "../model/types.js";
import type { Fix, Rule } from "../types.js";

/** Where the target value sits in `--mount=...` as written: [start, end) offsets into the Dockerfile. */
function targetValueAt(text: string, flagStart: number, flag: FlagModel): { start: number; end: number } | undefined {
  const written = `--mount=${flag.value ?? ""}`;
  if (text.slice(flagStart, flagStart + written.length) !== written) return undefined;
  let offset = flagStart + "--mount=".length;
  for (const part of (flag.value ?? "").split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0 && mountKey(part.slice(0, eq)) === "target" && part.slice(eq + 1) === part.slice(eq + 1).trim()) {
      return { start: offset + eq + 1, end: offset + part.length };
    }
    offset += part.length + 1;
  }
  return undefined;
}

export const rule: Rule = {
  meta: {
    id: "SG222",
    name: "relative-mount-target",
    severity: "warning",
    description: "A RUN --mount target that is a relative path: BuildKit resolves it against the WORKDIR, but podman and buildah before 4.4 reject it, and before 5.3 when the stage sets no WORKDIR.",
    docs: "docs/rules/SG222.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      for (const ins of stage.instructions) {
        if (ins.keyword !== "RUN") continue;
        const mountFlags = ins.flags.filter((f) => f.name === "mount");
        ins.mounts.forEach((mount, i) => {
          const target = mount.target;
          if (target === undefined || target === "" || target.startsWith("/") || target.includes("$")) return;
          // Unknown when a variable or a base image slimgo does not know sets the WORKDIR: reported, not fixed.
          const absolute = absoluteIn(workdirAt(stage, ins), target);
          const flag = mountFlags[i];
          const at = flag ? targetValueAt(model.text, model.offsetAt(flag.range.line - 1, flag.range.column - 1), flag) : undefined;
          const fix: Fix | undefined = absolute !== undefined && at ? { description: `write the target as ${absolute}`, edits: [{ ...at, text: absolute }] } : undefined;
          ctx.report({
            at: ins,
            message: `--mount target=${target} is relative: BuildKit resolves it against the WORKDIR, but podman and buildah before 4.4 (Debian 12, Ubuntu 22.04) stop the build (invalid container path "${target}", must be an absolute path): write ${absolute === undefined ? "the absolute path" : `target=${absolute}`}`,
            ...(fix ? { fix } : {}),
          });
        });
      }
    }
  },
};
