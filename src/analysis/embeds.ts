/** `//go:embed` directives, the files they embed, and relative paths read from disk at run time that no embed covers. */
import { readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { callArguments, isQualified, type GoSourceFile } from "./go-source.js";
import { evidenceAt } from "./evidence.js";
import type { DataDirectory, EmbedDirective } from "./types.js";

export function embedDirectives(files: GoSourceFile[]): EmbedDirective[] {
  return files.flatMap((src) => src.embeds.map((e) => ({ patterns: e.patterns, evidence: evidenceAt(src, e.line) })));
}

/**
 * Module-relative paths of the files one pattern of a directive embeds, read from the module at
 * `root` (empty when nothing matches, which fails go build). Go's rules: path.Match per element; a
 * matched directory brings its whole tree except names starting with "." or "_", unless `all:`.
 */
export function embeddedFiles(root: string, directive: EmbedDirective, pattern: string): string[] {
  const all = pattern.startsWith("all:");
  const elements = pattern.replace(/^all:/, "").split("/");
  const out: string[] = [];
  const list = (rel: string) => {
    try {
      return readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return [];
    }
  };
  const addTree = (rel: string) => {
    for (const e of list(rel)) {
      if (!all && (e.name.startsWith(".") || e.name.startsWith("_"))) continue;
      if (e.isFile()) out.push(posix.join(rel, e.name));
      else if (e.isDirectory()) addTree(posix.join(rel, e.name));
    }
  };
  const match = (rel: string, k: number) => {
    const element = new RegExp(`^${globElement(elements[k] ?? "")}$`);
    for (const e of list(rel)) {
      if (!element.test(e.name)) continue;
      const path = posix.join(rel, e.name);
      if (k < elements.length - 1) {
        if (e.isDirectory()) match(path, k + 1);
      } else if (e.isFile()) out.push(path);
      else if (e.isDirectory()) addTree(path);
    }
  };
  match(posix.dirname(directive.evidence.file), 0);
  return out.sort();
}

/** A RegExp source for one path element in path.Match syntax: `*`, `?`, `[a-z]`, `[^a]`, `\x`. */
function globElement(element: string): string {
  let re = "";
  for (let i = 0; i < element.length; i++) {
    const c = element[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\" && i + 1 < element.length) re += element[++i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "[") {
      const close = element.indexOf("]", i + 2);
      if (close < 0) return "(?!)";
      re += `[${element.slice(i + 1, close).replace(/\\/g, "\\\\")}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\]\\]/g, "\\$&");
  }
  return re;
}

/** Calls that read a path from the file system, with the index of the path argument. */
const DISK_READS: { pkg: string; names: RegExp }[] = [
  { pkg: "os", names: /^(Open|OpenFile|ReadFile|ReadDir|DirFS|Stat)$/ },
  { pkg: "io/ioutil", names: /^(ReadFile|ReadDir)$/ },
  { pkg: "net/http", names: /^Dir$/ },
  { pkg: "html/template", names: /^(ParseGlob|ParseFiles)$/ },
  { pkg: "text/template", names: /^(ParseGlob|ParseFiles)$/ },
];

/** The first path literal of a read: `"dir/file"` or `filepath.Join("dir", …)`. */
function pathArgument(src: GoSourceFile, start: number): string | undefined {
  const t = src.tokens;
  if (t[start]?.kind === "string") return t[start]!.value;
  const isJoin = isQualified(src, start, "path/filepath", "Join") || isQualified(src, start, "path", "Join");
  if (isJoin && t[start + 3]?.value === "(" && t[start + 4]?.kind === "string") return t[start + 4]!.value;
  return undefined;
}

function covered(p: string, embeds: EmbedDirective[]): boolean {
  const clean = p.replace(/^\.\//, "").replace(/\/+$/, "");
  return embeds.some((e) =>
    e.patterns.some((raw) => {
      const pattern = raw.replace(/^all:/, "").replace(/\/+$/, "");
      return new RegExp(`^${pattern.split("/").map(globElement).join("/")}(/|$)`).test(clean);
    }),
  );
}

export function dataDirectories(files: GoSourceFile[], embeds: EmbedDirective[]): DataDirectory[] {
  const out: DataDirectory[] = [];
  const seen = new Set<string>();
  for (const src of files) {
    src.tokens.forEach((tok, i) => {
      if (!DISK_READS.some((r) => isQualified(src, i, r.pkg, r.names)) || src.tokens[i + 3]?.value !== "(") return;
      const arg = callArguments(src.tokens, i + 3)[0];
      const p = arg ? pathArgument(src, arg.start) : undefined;
      if (!p || p.startsWith("/") || p === "." || p === "" || /^[a-z]+:/.test(p)) return;
      if (covered(p, embeds) || seen.has(p)) return;
      seen.add(p);
      out.push({ path: p, evidence: evidenceAt(src, tok.line) });
    });
  }
  return out;
}
