/** `//go:embed` directives, the files they embed, and relative paths read from disk at run time that no embed covers. */
import { readdirSync } from "node:fs";
import { join, posix } from "node:path";
import { callArguments, isQualified, type GoSourceFile } from "./go-source.js";
import { evidenceAt } from "./evidence.js";
import { envLookups, flagCall } from "./server.js";
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

/**
 * The first path literal of a read: `"dir/file"`, `filepath.Join("dir", …)`, or the default of the
 * string flag (`*configPath`) or environment variable (`configFile`) the argument holds, with the
 * line of that default.
 */
function pathArgument(src: GoSourceFile, arg: { start: number; end: number }, pkg: readonly GoSourceFile[]): { path: string; line?: number; file?: GoSourceFile } | undefined {
  const t = src.tokens;
  const start = arg.start;
  if (t[start]?.kind === "string") return { path: t[start]!.value };
  const isJoin = isQualified(src, start, "path/filepath", "Join") || isQualified(src, start, "path", "Join");
  if (isJoin && t[start + 3]?.value === "(" && t[start + 4]?.kind === "string") return { path: t[start + 4]!.value };
  const name = operand(t, t[start]!.value === "*" ? start + 1 : start, arg.end);
  if (name === undefined) return undefined;
  const plain = !name.includes(".");
  if (plain) {
    const fromEnvironment = environmentDefault(src, name);
    if (fromEnvironment) return { path: fromEnvironment.value, line: fromEnvironment.line };
  }
  // A flag is often declared in another file of the package (flags.go).
  for (const file of [src, ...pkg.filter((f) => f !== src)]) {
    const flag = stringFlagDefault(file, name, plain);
    if (flag) return { path: flag.value, line: flag.line, file };
  }
  return undefined;
}

/** `name` or `cfg.ConfigPath` as written from token `from` to `end`, when that is all the argument is. */
function operand(t: GoSourceFile["tokens"], from: number, end: number): string | undefined {
  const parts = t.slice(from, end);
  if (parts.length === 0 || parts.length % 2 === 0) return undefined;
  const ok = parts.every((p, k) => (k % 2 === 0 ? p.kind === "ident" : p.value === "."));
  return ok ? parts.map((p) => p.value).join("") : undefined;
}

/** The default of the environment variable `name` is set from: `name := getenv("CONFIG_FILE", "app.json")`, or `os.Getenv` and a later `name = "app.json"`. */
function environmentDefault(src: GoSourceFile, name: string): { value: string; line: number } | undefined {
  const t = src.tokens;
  for (let i = 1; i < t.length - 2; i++) {
    if (t[i]!.kind !== "ident" || t[i]!.value !== name || ![":=", "="].includes(t[i + 1]!.value) || [".", ","].includes(t[i - 1]!.value)) continue;
    const lookup = envLookups(src).find((e) => e.evidence.line === t[i + 2]!.line && e.defaultEvidence);
    if (lookup) return { value: lookup.default!, line: lookup.defaultEvidence!.line };
  }
  return undefined;
}

/** The default of the string flag `name` holds: `name := flag.String("config", "app.json", …)` or `flag.StringVar(&name, "config", "app.json", …)`, in this file. */
function stringFlagDefault(src: GoSourceFile, name: string, plain: boolean): { value: string; line: number } | undefined {
  const t = src.tokens;
  for (let i = 0; i < t.length; i++) {
    const isVar = flagCall(src, i, /^StringVar$/);
    if (!isVar && (!plain || !flagCall(src, i, /^String$/))) continue;
    const args = callArguments(t, i + 3);
    if (isVar) {
      const target = args[0];
      if (!target || t[target.start]?.value !== "&" || operand(t, target.start + 1, target.end) !== name) continue;
    } else {
      const assigned = [":=", "="].includes(t[i - 1]?.value ?? "") ? t[i - 2] : undefined;
      if (assigned?.kind !== "ident" || assigned.value !== name || [",", "."].includes(t[i - 3]?.value ?? "")) continue;
    }
    const dflt = args[isVar ? 2 : 1];
    if (dflt && dflt.end - dflt.start === 1 && t[dflt.start]!.kind === "string") return { value: t[dflt.start]!.value, line: t[dflt.start]!.line };
  }
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
  const samePackage = (src: GoSourceFile) => files.filter((f) => posix.dirname(f.file) === posix.dirname(src.file));
  const out: DataDirectory[] = [];
  const seen = new Set<string>();
  for (const src of files) {
    src.tokens.forEach((tok, i) => {
      if (!DISK_READS.some((r) => isQualified(src, i, r.pkg, r.names)) || src.tokens[i + 3]?.value !== "(") return;
      const arg = callArguments(src.tokens, i + 3)[0];
      const found = arg ? pathArgument(src, arg, samePackage(src)) : undefined;
      const p = found?.path;
      // "-" is standard input or output by convention, a flag's usual default for it.
      if (!p || p.startsWith("/") || p === "." || p === "-" || p === "" || /^[a-z]+:/.test(p)) return;
      if (covered(p, embeds) || seen.has(p)) return;
      seen.add(p);
      out.push({ path: p, evidence: evidenceAt(found.file ?? src, found.line ?? tok.line) });
    });
  }
  return out;
}
