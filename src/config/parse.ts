import { displayPath } from "../fsutil/display-path.js";
import { LineCounter, parseDocument, isNode, type Node } from "yaml";
import type { BaseIssue } from "valibot";
import { inputError } from "../errors.js";
import { issueKeys, valibot } from "../lazy-valibot.js";
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
  const parsed = valibot().safeParse(configSchema, data);
  if (parsed.success) return parsed.output;

  const issue = parsed.issues[0];
  const path = issueKeys(issue);
  const line = lineOf(doc.getIn(path, true), lineCounter) ?? lineOf(doc.getIn(path.slice(0, -1), true), lineCounter) ?? 1;
  const key = path.length > 0 ? path.join(".") : "(top level)";
  throw inputError(`${shown}:${line}: ${key}: ${describeIssue(issue)}`, { file, line });
}

function describeIssue(issue: BaseIssue<unknown>): string {
  if (issue.type === "strict_object" && issue.expected === "never") return `unknown key (remove it or check the spelling; see docs/config.md)`;
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
