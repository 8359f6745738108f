/**
 * A scanner of Go source files: tokens with line numbers, comments, the package clause,
 * imports, header build constraints, `//go:embed` directives and top-level function bodies.
 * Hand-written: no maintained Go lexer exists for Node, and the analysis must work without Go.
 * It lexes comments, interpreted/raw strings and runes properly, so text inside them never
 * reads as code (an `import "C"` in a comment does not count).
 */

export type TokenKind = "ident" | "string" | "number" | "char" | "op";

export interface Token {
  kind: TokenKind;
  /** Identifier or operator text; for strings, the decoded value. */
  value: string;
  line: number;
}

export interface GoComment {
  /** The full comment, including `//` or `/* *\/`. */
  text: string;
  line: number;
}

export interface GoImport {
  path: string;
  /** Explicit name: an alias, "." or "_". */
  name?: string;
  line: number;
}

export interface GoSourceFile {
  /** Path relative to the module root, forward slashes. */
  file: string;
  lines: string[];
  tokens: Token[];
  comments: GoComment[];
  packageName?: string;
  packageLine?: number;
  imports: GoImport[];
  /** Local package name -> import path, for resolving `http.Get` and friends. */
  localNames: Map<string, string>;
  goBuild?: { expr: string; line: number };
  plusBuild: { expr: string; line: number }[];
  embeds: { patterns: string[]; line: number }[];
  /** Line of a top-level `func main()`. */
  mainFuncLine?: number;
  /** Token index ranges [start, end) of top-level function declarations. */
  functions: { start: number; end: number }[];
}

const OPERATORS = [
  "<<=", ">>=", "&^=", "...",
  "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^",
];

const NO_OPERATORS: string[] = [];
const OPERATORS_BY_FIRST = new Map<string, string[]>();
for (const op of OPERATORS) OPERATORS_BY_FIRST.set(op[0]!, [...(OPERATORS_BY_FIRST.get(op[0]!) ?? []), op]);

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_]/u;

function isIdentStart(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
  return IDENT_START.test(text[i]!);
}

function isIdentPart(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
  return IDENT_PART.test(text[i]!);
}

/** Keywords that start a top-level declaration: the file's header (package clause and imports) ends before the first. */
const DECLARATION_KEYWORDS = new Set(["func", "var", "const", "type"]);

const NEWLINE = 10;
const SPACE = 32;
const TAB = 9;
const CR = 13;
const BOM = 0xfeff;
const SLASH = 47;
const STAR = 42;
const DOUBLE_QUOTE = 34;
const BACKQUOTE = 96;
const QUOTE = 39;
const BACKSLASH = 92;
const DOT = 46;
const PLUS = 43;
const MINUS = 45;

/**
 * Tokens and comments of Go source. `headerOnly` stops at the first declaration keyword, which no
 * package clause or import declaration holds: enough for a file's package, imports and build constraints.
 * Dispatches on char codes: every analysis lexes each of its files once, so this loop is its hot path.
 */
export function lexGo(text: string, headerOnly = false): { tokens: Token[]; comments: GoComment[]; end: number } {
  const tokens: Token[] = [];
  const comments: GoComment[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code === NEWLINE) {
      line++;
      i++;
      continue;
    }
    if (code === SPACE || code === TAB || code === CR || code === BOM) {
      i++;
      continue;
    }
    if (code === SLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === SLASH) {
        const end = text.indexOf("\n", i);
        const stop = end === -1 ? n : end;
        comments.push({ text: text.slice(i, stop).replace(/\r$/, ""), line });
        i = stop;
        continue;
      }
      if (next === STAR) {
        const end = text.indexOf("*/", i + 2);
        const stop = end === -1 ? n : end + 2;
        const body = text.slice(i, stop);
        comments.push({ text: body, line });
        line += countNewlines(body);
        i = stop;
        continue;
      }
    }
    if (code === DOUBLE_QUOTE) {
      let j = i + 1;
      for (let d = text.charCodeAt(j); j < n && d !== DOUBLE_QUOTE && d !== NEWLINE; d = text.charCodeAt(j)) j += d === BACKSLASH ? 2 : 1;
      const body = text.slice(i + 1, Math.min(j, n));
      tokens.push({ kind: "string", value: body.includes("\\") ? decodeInterpreted(body) : body, line });
      i = j + 1;
      continue;
    }
    if (code === BACKQUOTE) {
      const end = text.indexOf("`", i + 1);
      const stop = end === -1 ? n : end;
      const body = text.slice(i + 1, stop);
      tokens.push({ kind: "string", value: body.replace(/\r/g, ""), line });
      line += countNewlines(body);
      i = stop + 1;
      continue;
    }
    if (code === QUOTE) {
      let j = i + 1;
      for (let d = text.charCodeAt(j); j < n && d !== QUOTE && d !== NEWLINE; d = text.charCodeAt(j)) j += d === BACKSLASH ? 2 : 1;
      tokens.push({ kind: "char", value: text.slice(i, j + 1), line });
      i = j + 1;
      continue;
    }
    if (isIdentStart(text, i)) {
      let j = i + 1;
      while (j < n && isIdentPart(text, j)) j++;
      const value = text.slice(i, j);
      if (headerOnly && DECLARATION_KEYWORDS.has(value)) return { tokens, comments, end: i };
      tokens.push({ kind: "ident", value, line });
      i = j;
      continue;
    }
    if (isDigitCode(code) || (code === DOT && isDigitCode(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isNumberPart(d)) j++;
        else if ((d === PLUS || d === MINUS) && endsWithExponent(text.slice(i, j))) j++;
        else break;
      }
      tokens.push({ kind: "number", value: text.slice(i, j), line });
      i = j;
      continue;
    }
    const c = text[i]!;
    let op = c;
    for (const o of OPERATORS_BY_FIRST.get(c) ?? NO_OPERATORS) {
      if (text.startsWith(o, i)) {
        op = o;
        break;
      }
    }
    tokens.push({ kind: "op", value: op, line });
    i += op.length;
  }
  return { tokens, comments, end: n };
}

/** [0-9a-zA-Z_.]: what a number literal is lexed as, before an exponent's sign. */
function isNumberPart(code: number): boolean {
  return isDigitCode(code) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === DOT;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function endsWithExponent(numberSoFar: string): boolean {
  const last = numberSoFar[numberSoFar.length - 1] ?? "";
  return /^0[xX]/.test(numberSoFar) ? last === "p" || last === "P" : last === "e" || last === "E";
}

function countNewlines(s: string): number {
  let k = 0;
  for (let at = s.indexOf("\n"); at !== -1; at = s.indexOf("\n", at + 1)) k++;
  return k;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'" };

function decodeInterpreted(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
    if (e.length === 1) return SIMPLE_ESCAPES[e] ?? e;
    if (e[0] === "x" || e[0] === "u" || e[0] === "U") return String.fromCodePoint(parseInt(e.slice(1), 16));
    return String.fromCharCode(parseInt(e, 8));
  });
}

/**
 * Scans one Go source file. `file` is its path as evidence shows it (relative to the module root).
 * `headerOnly`: only the package clause, imports and build constraints (no declarations, embeds or functions).
 */
export function scanGoSource(file: string, text: string, options: { headerOnly?: boolean } = {}): GoSourceFile {
  const { tokens, comments, end } = lexGo(text, options.headerOnly);
  const src: GoSourceFile = {
    file,
    lines: (end < text.length ? text.slice(0, end) : text).split("\n"),
    tokens,
    comments,
    imports: [],
    localNames: new Map(),
    plusBuild: [],
    embeds: [],
    functions: [],
  };
  let i = 0;
  if (tokens[0]?.value === "package" && tokens[1]?.kind === "ident") {
    src.packageName = tokens[1].value;
    src.packageLine = tokens[0].line;
    i = 2;
  }
  i = readImports(tokens, i, src.imports);
  src.localNames = importLocalNames(src.imports);
  const headerEnd = src.packageLine ?? Number.MAX_SAFE_INTEGER;
  for (const c of comments) {
    // Most comments are prose: only `//go:` directives and `+build` lines are read further.
    if (!c.text.startsWith("//go:") && !c.text.includes("+build")) continue;
    const goBuild = /^\/\/go:build\s+(.*)$/.exec(c.text);
    if (goBuild && c.line < headerEnd && !src.goBuild) src.goBuild = { expr: goBuild[1]!.trim(), line: c.line };
    const plusBuild = /^\/\/\s*\+build\s+(.*)$/.exec(c.text);
    if (plusBuild && c.line < headerEnd) src.plusBuild.push({ expr: plusBuild[1]!.trim(), line: c.line });
    const embed = /^\/\/go:embed\s+(.*)$/.exec(c.text);
    if (embed) src.embeds.push({ patterns: splitEmbedPatterns(embed[1]!), line: c.line });
  }
  findFunctions(src, i);
  return src;
}

function readImports(tokens: Token[], start: number, out: GoImport[]): number {
  let i = start;
  while (tokens[i]?.value === ";") i++;
  while (tokens[i]?.kind === "ident" && tokens[i]!.value === "import") {
    i++;
    if (tokens[i]?.value === "(") {
      i++;
      while (i < tokens.length && tokens[i]!.value !== ")") {
        const next = readImportSpec(tokens, i, out);
        i = next > i ? next : i + 1;
      }
      i++;
    } else {
      i = readImportSpec(tokens, i, out);
    }
    while (tokens[i]?.value === ";") i++;
  }
  return i;
}

function readImportSpec(tokens: Token[], i: number, out: GoImport[]): number {
  const t = tokens[i];
  if (!t) return i;
  if ((t.kind === "ident" || t.value === ".") && tokens[i + 1]?.kind === "string") {
    out.push({ path: tokens[i + 1]!.value, name: t.value, line: t.line });
    return i + 2;
  }
  if (t.kind === "string") {
    out.push({ path: t.value, line: t.line });
    return i + 1;
  }
  return i;
}

/** The name a package is referred to by when imported without a name: its last path element, minus a /vN suffix. */
/** Local package name -> import path of a file's imports (blank and dot imports name none). */
export function importLocalNames(imports: GoImport[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const imp of imports) {
    if (imp.name === "_" || imp.name === ".") continue;
    names.set(imp.name ?? defaultPackageName(imp.path), imp.path);
  }
  return names;
}

export function defaultPackageName(importPath: string): string {
  const parts = importPath.split("/");
  let last = parts[parts.length - 1] ?? importPath;
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2]!;
  if (last.startsWith("go-")) last = last.slice(3);
  return last.replace(/\.v\d+$/, "").replace(/[^\p{L}\p{N}_]/gu, "_");
}

function splitEmbedPatterns(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] !== undefined ? decodeInterpreted(m[1]) : (m[2] ?? m[3]!));
  return out;
}

/** Records top-level `func` declarations (token ranges) and the line of `func main()`. */
function findFunctions(src: GoSourceFile, from: number): void {
  const t = src.tokens;
  let depth = 0;
  for (let i = from; i < t.length; i++) {
    const tok = t[i]!;
    if (tok.value === "{") depth++;
    else if (tok.value === "}") depth--;
    if (depth !== 0 || tok.kind !== "ident" || tok.value !== "func") continue;
    if (t[i + 1]?.value === "main" && t[i + 2]?.value === "(" && t[i + 3]?.value === ")") src.mainFuncLine ??= tok.line;
    const end = functionEnd(t, i);
    src.functions.push({ start: i, end });
    i = end - 1;
  }
}

/** Index just past the closing brace of the function declared at `start`; interface{} and struct{} in the signature are skipped. */
function functionEnd(t: Token[], start: number): number {
  let parens = 0;
  let j = start + 1;
  for (; j < t.length; j++) {
    const v = t[j]!.value;
    if (v === "(" || v === "[") parens++;
    else if (v === ")" || v === "]") parens--;
    else if (v === "{") {
      const prev = t[j - 1]?.value;
      if (prev === "interface" || prev === "struct") {
        j = matching(t, j) - 1;
        continue;
      }
      if (parens === 0) return matching(t, j);
    } else if (parens === 0 && t[j]!.kind === "ident" && (v === "func" || v === "var" || v === "type" || v === "const") && j > start + 1) {
      // A declaration without a body (assembly-implemented function).
      return j;
    }
  }
  return j;
}

/** Index just past the bracket that closes the one opening at `open`. */
export function matching(t: Token[], open: number): number {
  const o = t[open]!.value;
  const c = o === "(" ? ")" : o === "[" ? "]" : "}";
  let depth = 0;
  for (let j = open; j < t.length; j++) {
    if (t[j]!.value === o) depth++;
    else if (t[j]!.value === c && --depth === 0) return j + 1;
  }
  return t.length;
}

/** Arguments of the call whose `(` is at `open`, each as a token index range [start, end). */
export function callArguments(t: Token[], open: number): { start: number; end: number }[] {
  const close = matching(t, open) - 1;
  const args: { start: number; end: number }[] = [];
  let depth = 0;
  let argStart = open + 1;
  for (let j = open + 1; j < close; j++) {
    const v = t[j]!.value;
    if (v === "(" || v === "[" || v === "{") depth++;
    else if (v === ")" || v === "]" || v === "}") depth--;
    else if (v === "," && depth === 0) {
      args.push({ start: argStart, end: j });
      argStart = j + 1;
    }
  }
  if (argStart < close) args.push({ start: argStart, end: close });
  return args;
}

/** True when tokens at `i` are `<pkg>.<member>` where <pkg> is the file's local name for `importPath`. */
export function isQualified(src: GoSourceFile, i: number, importPath: string, member: string | RegExp): boolean {
  const t = src.tokens;
  const pkg = t[i];
  const name = t[i + 2];
  if (!pkg || !name || pkg.kind !== "ident" || t[i + 1]?.value !== "." || name.kind !== "ident") return false;
  if (src.localNames.get(pkg.value) !== importPath) return false;
  if (i > 0 && t[i - 1]?.value === ".") return false;
  return typeof member === "string" ? name.value === member : member.test(name.value);
}

/** Indexes of the tokens at package level, in order: every function (its body included) is skipped. */
export function* packageLevelTokens(src: GoSourceFile): Generator<number> {
  let fn = 0;
  for (let i = 0; i < src.tokens.length; i++) {
    const f = src.functions[fn];
    if (f && i >= f.start) {
      i = f.end - 1;
      fn++;
      continue;
    }
    yield i;
  }
}

/** The function range holding token `i`, or undefined at package level. */
export function enclosingFunction(src: GoSourceFile, i: number): { start: number; end: number } | undefined {
  return src.functions.find((f) => f.start <= i && i < f.end);
}

/** Name and parameter names of the top-level function declared at `fn.start` (methods: the name after the receiver). */
export function functionSignature(src: GoSourceFile, fn: { start: number }): { name?: string; params: string[] } {
  const t = src.tokens;
  let j = fn.start + 1;
  if (t[j]?.value === "(") j = matching(t, j);
  const name = t[j]?.kind === "ident" ? t[j]!.value : undefined;
  if (name === undefined) return { params: [] };
  j++;
  if (t[j]?.value === "[") j = matching(t, j);
  if (t[j]?.value !== "(") return { name, params: [] };
  const params = callArguments(t, j).map((a) => (t[a.start]?.kind === "ident" ? t[a.start]!.value : "_"));
  return { name, params };
}

/** The trimmed text of a 1-based line. */
export function lineText(src: GoSourceFile, line: number): string {
  return (src.lines[line - 1] ?? "").trim();
}
