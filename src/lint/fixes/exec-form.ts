import { joinContinuations, tokenize } from "../model/shell.js";
import type { DockerfileModel, InstructionModel } from "../model/types.js";
import type { Fix } from "../types.js";

/**
 * Rewrites a shell-form CMD/ENTRYPOINT/HEALTHCHECK CMD into exec form, but only when the command
 * has no shell syntax (variables, globs, operators, redirections, quotes that change meaning).
 */
export function execFormFix(model: DockerfileModel, ins: InstructionModel): Fix | undefined {
  let start = ins.argsStart;
  if (ins.keyword === "HEALTHCHECK") {
    const m = /^(\s*)(CMD)(\s+)/i.exec(model.text.slice(ins.argsStart, ins.end));
    if (!m) return undefined;
    start = ins.argsStart + m[0].length;
  }
  const end = ins.end;
  if (end <= start || ins.heredocs.length > 0) return undefined;
  const mapped = joinContinuations(model.text.slice(start, end), start, model.escape);
  if (/[$`*?~<>;&|(){}\[\]#\\!]/.test(mapped.chars) || mapped.chars.includes("\n")) return undefined;
  const tokens = tokenize(mapped);
  if (tokens.length === 0 || tokens.some((t) => t.kind !== "word")) return undefined;
  const words = tokens.map((t) => (t.kind === "word" ? t.word.value : ""));
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? "")) return undefined;
  const json = "[" + words.map((w) => JSON.stringify(w)).join(", ") + "]";
  // Keep trailing whitespace/newline outside the replaced span.
  const trimmedEnd = start + model.text.slice(start, end).replace(/\s+$/, "").length;
  return { description: `write ${ins.keyword} in exec form: ${json}`, edits: [{ start, end: trimmedEnd, text: json }] };
}
