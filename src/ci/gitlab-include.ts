/**
 * GitLab reads one pipeline file, the root's .gitlab-ci.yml: a module below the root has its own
 * file, which that one includes. init adds the include to the root file as it adds lines to
 * .gitignore: it creates the file, or inserts lines into the one there, and never changes a line
 * that is there. What it cannot add that way is a problem for the user to fix.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLSeq } from "yaml";

export interface RootPipeline {
  text: string;
  /** What the user has to change in the root file for the module's jobs to run, when init could not. */
  problems: string[];
}

/** The root pipeline `existing` (undefined: none yet) with `file` included; `stages` are the included jobs'. */
export function includeInRootPipeline(existing: string | undefined, file: string, stages: readonly string[]): RootPipeline {
  const entry = `- local: /${file}`;
  if (existing === undefined) {
    return { text: `# Written by slimgo init: each module's pipeline is its own file, included here.\ninclude:\n  ${entry}\n`, problems: [] };
  }
  const yourself = `add \`${entry}\` to its include: yourself, or GitLab never runs ${file}`;
  const doc = parseDocument(existing);
  if (doc.errors.length > 0) return { text: existing, problems: [`cannot be read as YAML (${doc.errors[0]!.message.split("\n")[0]}): ${yourself}`] };
  if (doc.contents !== null && !isMap(doc.contents)) return { text: existing, problems: [`is not a mapping of jobs and settings: ${yourself}`] };
  const problems: string[] = [];
  const theirs = doc.contents?.get("stages");
  // The root file's stages take the place of the included file's.
  if (isSeq(theirs)) {
    const missing = stages.filter((s) => !theirs.items.some((i) => isScalar(i) && i.value === s));
    if (missing.length > 0) problems.push(`its stages: lack ${missing.join(", ")}, which replace the included file's: add them, or GitLab refuses ${file}'s jobs`);
  }
  const include = doc.contents?.get("include", true) as Node | undefined;
  if (include === undefined) {
    const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
    return { text: `${existing}${separator}include:\n  ${entry}\n`, problems };
  }
  if (includes(include, file)) return { text: existing, problems };
  if (!isSeq(include) || include.flow || include.items.length === 0) return { text: existing, problems: [...problems, `its include: is not a block list that a line can be added to: ${yourself}`] };
  return { text: withItemAfterLast(existing, include, entry), problems };
}

/** Whether an include: value names `file` (as a string, or a local: entry; with or without a leading "/"). */
function includes(include: Node, file: string): boolean {
  const named = (v: unknown) => typeof v === "string" && v.replace(/^\.?\//, "") === file;
  const item = (i: unknown) => (isScalar(i) ? named(i.value) : isMap(i) ? named(i.get("local")) : false);
  return isSeq(include) ? include.items.some(item) : item(include);
}

/** `text` with a line `entry` added after the block sequence's last item, indented as its first one is. */
function withItemAfterLast(text: string, seq: YAMLSeq, entry: string): string {
  const first = seq.items[0] as Node;
  const lineStart = text.lastIndexOf("\n", first.range![0]) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const last = seq.items[seq.items.length - 1] as Node;
  // A mapping's range runs past its line break: step back to the last character of the item.
  let end = last.range![1];
  while (end > last.range![0] && /\s/.test(text[end - 1]!)) end--;
  const lineEnd = text.indexOf("\n", end);
  const at = lineEnd === -1 ? text.length : lineEnd + 1;
  return `${text.slice(0, at)}${lineEnd === -1 ? "\n" : ""}${indent}${entry}\n${text.slice(at)}`;
}
