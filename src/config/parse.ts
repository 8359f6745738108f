import { displayPath } from "../fsutil/display-path.js";
import { LineCounter, parseDocument, isNode, type Node } from "yaml";
import type { z } from "zod";
import { inputError } from "../errors.js";
import { configSchema, type SlimgoConfig } from "./schema.js";

/** Parses and validates slimgo.yaml text; errors name the file, line and key. */
export function parseConfig(text: string, file: string): SlimgoConfig {
  const shown = displayPath(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw inputError(`${shown}:${line}: invalid YAML: ${firstLine(yamlError.message)}`, { file, line });
  }
  const data: unknown = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (parsed.success) return parsed.data;

  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const path = issuePath(issue);
  const line = lineOf(doc.getIn(path, true), lineCounter) ?? lineOf(doc.getIn(path.slice(0, -1), true), lineCounter) ?? 1;
  const key = path.length > 0 ? path.join(".") : "(top level)";
  throw inputError(`${shown}:${line}: ${key}: ${describeIssue(issue)}`, { file, line });
}

function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  const base = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) return [...base, issue.keys[0]];
  return base;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown key (remove it or check the spelling; see docs/config.md)`;
  return issue.message;
}

function lineOf(node: unknown, lineCounter: LineCounter): number | undefined {
  if (!isNode(node)) return undefined;
  const range = (node as Node).range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
