import { Env, Label } from "dockerfile-ast";
import type { DockerfileModel, InstructionModel } from "../model/types.js";
import type { Fix, Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG224",
    name: "legacy-key-value",
    severity: "warning",
    description: "ENV or LABEL in the legacy `KEY value` form (no `=`), which is deprecated and sets one key to the whole rest of the line: write KEY=value.",
    docs: "docs/rules/SG224.md",
    peers: { buildkit: ["LegacyKeyValueFormat"] },
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    for (const ins of model.instructions) {
      if (ins.keyword !== "ENV" && ins.keyword !== "LABEL") continue;
      const node = ins.node;
      if (!(node instanceof Env) && !(node instanceof Label)) continue;
      // The legacy form is one property with a value and no `=`; `ENV` alone or `ENV NAME` has no value
      // (a syntax error the builders stop at), and `ENV A=1 B` is the `=` form written wrong.
      const properties = node.getProperties();
      const property = properties[0];
      if (properties.length !== 1 || property === undefined || property.getAssignmentOperator() !== null) continue;
      const valueRange = property.getValueRange();
      if (property.getValue() === null || valueRange === null) continue;
      const key = property.getName();
      const nameEnd = offsetOf(model, property.getNameRange().end);
      const valueStart = offsetOf(model, valueRange.start);
      const valueEnd = offsetOf(model, valueRange.end);
      const raw = model.text.slice(valueStart, valueEnd);
      const multiline = model.text.slice(ins.start, ins.end).includes("\n");
      const shape = multiline ? undefined : wordShape(raw, model.escape);
      // Keys with quotes, escapes or variables were not tried with podman: only plain names are rewritten.
      const written = shape === undefined || !/^[\w.\-/]+$/.test(key) ? undefined : rewrite(raw, shape, model.escape);
      const several = shape === "several" || (shape === undefined && /\s/.test(property.getValue() ?? ""));
      const trap = several ? ` (the legacy form sets ${key} alone to the whole rest of the line, spaces and all; it cannot set several ${ins.keyword === "ENV" ? "variables" : "labels"})` : "";
      const advice = written !== undefined ? `write ${ins.keyword} ${key}=${written}` : `write ${ins.keyword} ${key}="..." with the whole value in one quoted word${multiline ? " (the legacy form also keeps the spaces that indent the continuation lines)" : ""}`;
      ctx.report({
        at: ins,
        message: `${ins.keyword} ${key} ${multiline ? "..." : raw} uses the deprecated legacy "${ins.keyword} key value" form, which BuildKit warns about and a later Dockerfile syntax may drop${trap}: ${advice}`,
        ...(written !== undefined ? { fix: fixFor(ins, key, nameEnd, valueEnd, written) } : {}),
      });
    }
  },
};

function offsetOf(model: DockerfileModel, position: { line: number; character: number }): number {
  return model.offsetAt(position.line, position.character);
}

function fixFor(ins: InstructionModel, key: string, nameEnd: number, valueEnd: number, value: string): Fix {
  return { description: `write ${ins.keyword} ${key}=${value}`, edits: [{ start: nameEnd, end: valueEnd, text: `=${value}` }] };
}

/**
 * How the legacy value reads as the one word a `KEY=value` would hold: "one" when it is a single word
 * (quotes and escapes balanced, no whitespace outside them), "several" when unquoted whitespace splits
 * it, undefined when a quote is left open or the text ends in an escape.
 */
function wordShape(raw: string, escape: string): "one" | "several" | undefined {
  let quote: string | undefined;
  let several = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === escape) {
      if (i + 1 >= raw.length) return undefined;
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (/\s/.test(c)) {
      several = true;
    }
  }
  if (quote !== undefined) return undefined;
  return several ? "several" : "one";
}

/**
 * The `=` form's value that gives the key the same value, where podman build (buildah 1.28) showed it
 * does (docs/rules/SG224.md lists the cases): a single word as written, with its quotes and escapes
 * (the builder reads the legacy value as one word: quotes taken off, escapes and variables applied);
 * several words put in double quotes, only when none of them has a quote or an escape or backslash
 * (whitespace between them is kept either way, and `$` expands inside double quotes as outside).
 */
function rewrite(raw: string, shape: "one" | "several", escape: string): string | undefined {
  if (shape === "one") return escape === "\\" || !/[\\`]/.test(raw) ? raw : undefined;
  if (/["'\\`]/.test(raw) || raw.includes(escape)) return undefined;
  return `"${raw}"`;
}
