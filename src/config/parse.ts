import { displayPath } from "../fsutil/display-path.js";
import { LineCounter, parseDocument, isMap, isNode, isScalar, isSeq, type Document, type Node } from "yaml";
import type { BaseIssue } from "valibot";
import { inputError } from "../errors.js";
import { issueKeys, valibot } from "../lazy-valibot.js";
import { configSchema, TEXT_KEYS, type SlimgoConfig } from "./schema.js";

export type KeyPath = (string | number)[];

export interface ParsedConfig {
  config: SlimgoConfig;
  /** Where a key is, for messages about its value: `slimgo.yaml:7: build.platforms[1]`. */
  where(path: KeyPath): string;
}

/** Parses and validates slimgo.yaml text; errors name the file, line and key. */
export function parseConfig(text: string, file: string): SlimgoConfig {
  return parseConfigWithLines(text, file).config;
}

/** parseConfig, and where each key of the file is, so a value the build cannot use names its line. */
export function parseConfigWithLines(text: string, file: string): ParsedConfig {
  const shown = displayPath(file);
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *common`) as docker compose reads them: a map shared by env and labels.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw inputError(`${shown}:${line}: invalid YAML: ${firstLine(yamlError.message)}`, { file, line });
  }
  const lineOf = (path: KeyPath) => keyLine(doc, path, lineCounter) ?? keyLine(doc, path.slice(0, -1), lineCounter) ?? 1;
  numbersAsText(doc.contents, []);
  const data = toData(doc, shown, file, text);
  const parsed = valibot().safeParse(configSchema, data);
  if (parsed.success) return { config: parsed.output, where: (path) => `${shown}:${lineOf(path)}: ${keyName(path)}` };

  const issue = parsed.issues[0];
  const path = issueKeys(issue);
  const line = lineOf(path);
  throw inputError(`${shown}:${line}: ${keyName(path)}: ${describeIssue(issue)}`, { file, line });
}

/** The document as plain data; a merge key (`<<`) that names no map is an error of the file, found only here. */
function toData(doc: Document, shown: string, file: string, text: string): unknown {
  try {
    return doc.toJS() ?? {};
  } catch (err) {
    const line = text.split("\n").findIndex((l) => /^\s*<<\s*:/.test(l)) + 1 || 1;
    throw inputError(`${shown}:${line}: invalid YAML: ${firstLine((err as Error).message)}`, { file, line });
  }
}

/** A number or true/false where text is meant (TEXT_KEYS) becomes the text as written: `PORT: 9090` is "9090", `1.10` stays "1.10". */
function numbersAsText(node: unknown, path: string[]): void {
  if (isScalar(node)) {
    const isText = TEXT_KEYS.some((keys) => keys.length === path.length && keys.every((k, i) => k === "*" || k === path[i]));
    if (isText && (typeof node.value === "number" || typeof node.value === "boolean" || typeof node.value === "bigint")) node.value = node.source ?? String(node.value);
  } else if (isMap(node)) {
    for (const pair of node.items) if (isScalar(pair.key)) numbersAsText(pair.value, [...path, String(pair.key.value)]);
  } else if (isSeq(node)) {
    for (const item of node.items) numbersAsText(item, [...path, "*"]);
  }
}

/** `build.platforms[1]`; "(top level)" for the file itself. */
function keyName(path: KeyPath): string {
  if (path.length === 0) return "(top level)";
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");
}

function describeIssue(issue: BaseIssue<unknown>): string {
  if (issue.type === "strict_object" && issue.expected === "never") return `unknown key (remove it or check the spelling; see docs/config.md)`;
  return issue.message;
}

/** The line of the key at `path` (a block value starts on the line after its key), else of the item there. */
function keyLine(doc: Document, path: KeyPath, lineCounter: LineCounter): number | undefined {
  const last = path.at(-1);
  const parent = path.length === 0 ? undefined : path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === last) : undefined;
  const node: unknown = pair?.key ?? (path.length === 0 ? doc.contents : doc.getIn(path, true));
  if (!isNode(node)) return undefined;
  const range = (node as Node).range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
