import type { DockerfileModel } from "./model/types.js";

/**
 * Inline suppressions: `# slimgo ignore=SG101,SG203` on the line(s) right before an instruction,
 * `# slimgo global ignore=...` anywhere, hadolint's `# hadolint ignore=DL3006` (and `global ignore`),
 * and BuildKit's `# check=skip=Name,Other` directive (or `skip=all`).
 * Codes are kept as written; the engine maps peer codes to slimgo rules.
 */
export interface Suppressions {
  /** Codes suppressed everywhere. */
  global: Set<string>;
  /** BuildKit check names skipped (from the check directive); "all" skips every rule with a BuildKit peer. */
  buildkitSkips: Set<string>;
  /** 1-based instruction line → codes suppressed for that instruction. */
  byLine: Map<number, Set<string>>;
}

const inlinePattern = /^(slimgo|hadolint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+)$/i;

export function readSuppressions(model: DockerfileModel): Suppressions {
  const global = new Set<string>();
  const buildkitSkips = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  const check = model.directives.get("check");
  if (check) {
    for (const part of check.value.split(";")) {
      const m = /^\s*skip\s*=\s*(.*)$/i.exec(part);
      if (m) for (const name of (m[1] ?? "").split(",")) if (name.trim()) buildkitSkips.add(name.trim().toLowerCase());
    }
  }
  const instructionLines = model.instructions.map((i) => i.range.line).sort((a, b) => a - b);
  const commentLines = new Set(model.comments.map((c) => c.line));
  for (const comment of model.comments) {
    const m = inlinePattern.exec(comment.text.trim());
    if (!m) continue;
    const codes = (m[3] ?? "").split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
    if (m[2]) {
      for (const c of codes) global.add(c);
      continue;
    }
    // Applies to the next instruction, allowing further comment lines in between.
    let next = comment.line + 1;
    while (commentLines.has(next)) next++;
    const target = instructionLines.find((l) => l >= next);
    if (target === undefined || target !== next) continue;
    const set = byLine.get(target) ?? new Set<string>();
    for (const c of codes) set.add(c);
    byLine.set(target, set);
  }
  return { global, buildkitSkips, byLine };
}
