/**
 * Where a route is served when the handler it is registered on is mounted under a prefix:
 * `mux.Handle("/api/", http.StripPrefix("/api", api))` serves api's "/healthz" at "/api/healthz".
 * Followed, in the route's package: a handler given whole to `Y.Handle("P", h)`, to
 * `http.StripPrefix("S", h)` (inline, or through a variable that is then handled), to
 * `ListenAndServe(addr, h)` or `Handler: h`; through a middleware call (`logging(h)`, which keeps
 * the path); returned by a function whose calls are mounted; and a parameter of the function that
 * registers the route, through the calls of that function; a router a web framework makes under a
 * prefix (route-groups.ts: `api := r.Group("/api")`, chi's `r.Route` literal and `r.Mount("/api", sub)`)
 * is served under that prefix on its parent. A StripPrefix or group whose prefix is not a string
 * literal, or whose result is used in a way not followed, leaves the route unresolved rather than
 * given a path that may 404. A handler never mounted is served at its own paths.
 */
import path from "node:path";
import { callArguments, enclosingFunction, functionSignature, isQualified, matching, type GoSourceFile, type Token } from "./go-source.js";
import { evidenceAt } from "./evidence.js";
import { groupCallEndingAt, joinPrefix, literalGroupAt, type PrefixJoin, type RouterGroup } from "./route-groups.js";
import type { Evidence } from "./types.js";

/**
 * The served path, and either the port of the server call that serves the handler (when its address
 * is a literal) or the outermost registration (`mux.Handle` at token `index`), beside which the
 * server is looked for.
 */
export type ServedRoute =
  | { path: string; port?: number; registration?: { src: GoSourceFile; index: number } }
  | { unresolved: Evidence; why: string };

/** A handler: the tokens that name it (`api`, `s.api`) and where they mean it. */
interface Handler {
  key: string[];
  /** Files and token ranges where the name refers to this handler. */
  scope: { src: GoSourceFile; start: number; end: number }[];
  /** For a function literal's parameter, how the call given the literal reaches it (chi's `r.Route("/api", func(r chi.Router) {…})`). */
  origin?: Uses;
}

/** How requests reach a handler: `strip` is removed from their path first, `pattern` is what the parent matched. */
interface Mount {
  strip: string;
  /** A framework's router group or mount: `strip` is its prefix, joined to a route's path this way (absent: http.StripPrefix's). */
  join?: PrefixJoin;
  /** chi's Mount: only a chi router routes on the path without the prefix (anything else gets the whole path). */
  chiMount?: boolean;
  pattern?: string;
  /** The mux the handler is registered on: the token of `Handle` in `Y.Handle(...)`. Absent: a server serves it. */
  parent?: { src: GoSourceFile; index: number };
  /** For a handler a server serves directly: the port of its listen address, if a literal. */
  server?: { port?: number };
  evidence: Evidence;
}

type Uses = { mounts: Mount[]; unresolved?: { evidence: Evidence; why: string } };

const MAX_DEPTH = 6;
const CHI = /^github\.com\/go-chi\/chi(\/v\d+)?$/;
const ADDRESS_PORT = /:(\d{1,5})$/;

/**
 * The path route `routePath`, registered by the method call whose name is token `i` of `src`
 * (`api.HandleFunc(...)`), is served at, following the mounts of its receiver.
 */
export function servedRoute(files: GoSourceFile[], src: GoSourceFile, i: number, routePath: string): ServedRoute {
  const uses = receiverUses(files, src, i, 0);
  if (!uses) return { path: routePath, registration: { src, index: i } };
  return resolve(files, uses, routePath, { src, index: i }, 0);
}

/**
 * How the router whose method is token `i` (`api.HandleFunc`) is reached: the uses of the handlers its
 * receiver names, or the group a receiver call makes (`r.Group("/api").GET`). Undefined for a receiver
 * slimgo does not name.
 */
function receiverUses(files: GoSourceFile[], src: GoSourceFile, i: number, depth: number): Uses | undefined {
  if (src.tokens[i - 1]?.value === ".") {
    const group = groupCallEndingAt(src, i - 2);
    if (group) return groupUses(src, group);
  }
  const handlers = receiverAt(files, src, i);
  if (!handlers) return undefined;
  const uses: Uses = { mounts: [] };
  for (const handler of handlers) {
    const found = usesOf(files, handler, depth);
    uses.mounts.push(...found.mounts);
    uses.unresolved ??= found.unresolved;
  }
  return uses;
}

function resolve(files: GoSourceFile[], uses: Uses, routePath: string, at: { src: GoSourceFile; index: number }, depth: number): ServedRoute {
  let unresolved: { unresolved: Evidence; why: string } | undefined = uses.unresolved && { unresolved: uses.unresolved.evidence, why: uses.unresolved.why };
  for (const m of uses.mounts) {
    const served = servedUnder(files, m, routePath, at);
    if (typeof served !== "string") {
      unresolved ??= { unresolved: m.evidence, why: served.why };
      continue;
    }
    if (m.pattern !== undefined && !patternMatches(m.pattern, served)) {
      unresolved ??= { unresolved: m.evidence, why: `the handler is mounted at ${m.pattern}, which ${served} is not under` };
      continue;
    }
    if (m.server) return { path: served, ...(m.server.port !== undefined ? { port: m.server.port } : {}) };
    if (!m.parent) continue;
    const parent = depth < MAX_DEPTH ? receiverUses(files, m.parent.src, m.parent.index, depth + 1) : undefined;
    if (!parent) return { path: served, registration: m.parent };
    const outer = resolve(files, parent, served, m.parent, depth + 1);
    if ("path" in outer) return outer;
    unresolved ??= outer;
  }
  if (unresolved) return unresolved;
  return uses.mounts.length > 0 ? { unresolved: evidenceAt(at.src, at.src.tokens[at.index]!.line), why: "the handler it is on is mounted in a way slimgo does not follow" } : { path: routePath, registration: at };
}

/** The path a request for `routePath` on the mounted handler has, or why it cannot be known. */
function servedUnder(files: GoSourceFile[], m: Mount, routePath: string, at: { src: GoSourceFile; index: number }): string | { why: string } {
  if (m.chiMount && !isChiRouter(files, at)) return { why: `chi's Mount passes the whole path to a handler that is not a chi router, so it sees ${m.strip.replace(/\/+$/, "")}${routePath}, not ${routePath}` };
  if (m.join) return joinPrefix(m.join, m.strip, routePath) ?? { why: `Gin and Echo would serve ${routePath} under the group ${m.strip} at different paths, and slimgo cannot tell which this Group is` };
  if (m.strip === "") return routePath;
  return joinStripped(m.strip, routePath) ?? { why: `http.StripPrefix removes ${m.strip} with its trailing slash, so the handler never sees ${routePath}` };
}

/**
 * The router whose method is token `index` is a chi router: its file imports chi, and it is not a
 * ServeMux (`http.HandleFunc`, or a name defined as `http.NewServeMux()` or `&http.ServeMux{}`).
 */
function isChiRouter(files: GoSourceFile[], at: { src: GoSourceFile; index: number }): boolean {
  if (!at.src.imports.some((imp) => CHI.test(imp.path))) return false;
  if (isQualified(at.src, at.index - 2, "net/http", at.src.tokens[at.index]!.value)) return false;
  return !(receiverAt(files, at.src, at.index) ?? []).some((h) => h.key.length === 1 && h.scope.some((s) => definedAsServeMux(s.src, s.start, s.end, h.key[0]!)));
}

function definedAsServeMux(src: GoSourceFile, start: number, end: number, name: string): boolean {
  const t = src.tokens;
  for (let k = start; k < end; k++) {
    if (t[k]!.value !== name || t[k - 1]?.value === "." || (t[k + 1]?.value !== ":=" && t[k + 1]?.value !== "=")) continue;
    const v = t[k + 2]?.value === "&" ? k + 3 : k + 2;
    if (isQualified(src, v, "net/http", "NewServeMux") || isQualified(src, v, "net/http", "ServeMux")) return true;
  }
  return false;
}

/** The mount a router group makes: under its parent router, at its prefix. */
function groupUses(src: GoSourceFile, group: RouterGroup): Uses {
  const evidence = evidenceAt(src, src.tokens[group.index]!.line);
  if ("unresolved" in group) return { mounts: [], unresolved: { evidence, why: group.unresolved } };
  return { mounts: [{ strip: group.prefix, join: group.join, parent: { src, index: group.index }, evidence }] };
}

/** "/api" + "/healthz"; undefined when the request would carry "//" (ServeMux redirects it, never 2xx). */
function joinStripped(strip: string, routePath: string): string | undefined {
  if (strip.endsWith("/") && routePath.startsWith("/")) return undefined;
  return strip + routePath;
}

/** A ServeMux pattern ("/api/", "GET /api/", "example.com/api/") matches `served`: a subtree by prefix, else exactly. */
function patternMatches(pattern: string, served: string): boolean {
  const p = pattern.replace(/^[A-Z]+\s+/, "").replace(/^[^/]+(?=\/)/, "");
  if (p.includes("{")) return false;
  return p.endsWith("/") ? served.startsWith(p) : served === p;
}

/**
 * The handlers the receiver of the method named at `i` refers to: one, or for a parameter of the
 * function it is in, the arguments every call of that function passes. Undefined when the receiver is
 * an expression slimgo does not name (`a.b.c`, a call).
 */
function receiverAt(files: GoSourceFile[], src: GoSourceFile, i: number): Handler[] | undefined {
  const t = src.tokens;
  if (t[i - 1]?.value !== ".") return undefined;
  const last = t[i - 2];
  if (last?.kind !== "ident") return undefined;
  if (t[i - 3]?.value === ".") {
    if (t[i - 4]?.kind !== "ident" || t[i - 5]?.value === ".") return undefined;
    // Another package's mux (`routes.Mux`): not followed.
    if (src.localNames.get(t[i - 4]!.value) !== undefined) return undefined;
    return [{ key: [t[i - 4]!.value, ".", last.value], scope: packageScope(files, src) }];
  }
  if (last.value === "http" && src.localNames.get("http") === "net/http") return [{ key: ["http", ".", "DefaultServeMux"], scope: packageScope(files, src) }];
  if (src.localNames.has(last.value)) return undefined;
  return handlersNamed(files, src, i - 2, 0);
}

/** The handler(s) a plain name at token `k` refers to: a local of its function, a parameter (followed to its callers), or a package-level name. */
function handlersNamed(files: GoSourceFile[], src: GoSourceFile, k: number, depth: number): Handler[] {
  const t = src.tokens;
  const name = t[k]!.value;
  const fn = enclosingFunction(src, k);
  const literal = fn ? literalWithParam(t, fn.start, k, name) : undefined;
  if (literal) {
    const group = literalGroupAt(src, literal.func);
    return [{ key: [name], scope: [{ src, start: literal.start, end: literal.end }], ...(group ? { origin: groupUses(src, group) } : {}) }];
  }
  if (fn) {
    const signature = functionSignature(src, fn);
    const param = signature.params.indexOf(name);
    if (param >= 0 && !declaredIn(t, fn.start + 1, fn.end, name)) {
      const callers = depth < MAX_DEPTH && signature.name ? argumentsPassed(files, src, signature.name, param, depth) : [];
      return callers.length > 0 ? callers : [{ key: [name], scope: [{ src, start: fn.start, end: fn.end }] }];
    }
    if (declaredIn(t, fn.start, fn.end, name)) return [{ key: [name], scope: [{ src, start: fn.start, end: fn.end }] }];
  }
  return [{ key: [name], scope: packageScope(files, src) }];
}

/** The body of a function literal around token `k` (after `fnStart`) that has a parameter `name`, and its `func` token. */
function literalWithParam(t: Token[], fnStart: number, k: number, name: string): { start: number; end: number; func: number } | undefined {
  for (let j = k - 1; j > fnStart; j--) {
    if (t[j]!.value !== "func" || t[j + 1]?.value !== "(") continue;
    let open = matching(t, j + 1);
    while (open < k && t[open]!.value !== "{") open++;
    const end = t[open]?.value === "{" ? matching(t, open) : -1;
    if (open >= k || end <= k) continue;
    if (callArguments(t, j + 1).some((p) => t[p.start]?.value === name)) return { start: open, end, func: j };
  }
  return undefined;
}

/** `name :=`, `name, x :=` or `var name` between tokens `start` and `end`. */
function declaredIn(t: Token[], start: number, end: number, name: string): boolean {
  for (let k = start; k < end; k++) {
    if (t[k]!.value !== name || t[k]!.kind !== "ident" || t[k - 1]?.value === ".") continue;
    if (t[k + 1]?.value === ":=" || t[k - 1]?.value === "var") return true;
    if (t[k + 1]?.value === ",") {
      for (let j = k + 2; j < end && t[j]!.line === t[k]!.line; j++) {
        if (t[j]!.value === ":=") return true;
        if (t[j]!.kind !== "ident" && t[j]!.value !== ",") break;
      }
    }
  }
  return false;
}

/** The handlers passed as argument `param` in calls of the function or method `name` in the package. */
function argumentsPassed(files: GoSourceFile[], src: GoSourceFile, name: string, param: number, depth: number): Handler[] {
  const out: Handler[] = [];
  for (const f of packageFiles(files, src)) {
    const t = f.tokens;
    for (let k = 0; k < t.length; k++) {
      if (t[k]!.value !== name || t[k]!.kind !== "ident" || t[k + 1]?.value !== "(" || isDeclaration(f, k)) continue;
      const arg = callArguments(t, k + 1)[param];
      if (!arg) continue;
      if (arg.end - arg.start === 1 && t[arg.start]!.kind === "ident") out.push(...handlersNamed(files, f, arg.start, depth + 1));
      else if (arg.end - arg.start === 3 && t[arg.start + 1]!.value === "." && t[arg.start + 2]!.kind === "ident") out.push({ key: [t[arg.start]!.value, ".", t[arg.start + 2]!.value], scope: packageScope(files, f) });
    }
  }
  return out;
}

function packageFiles(files: GoSourceFile[], src: GoSourceFile): GoSourceFile[] {
  const dir = path.posix.dirname(src.file);
  return files.filter((f) => path.posix.dirname(f.file) === dir);
}

function packageScope(files: GoSourceFile[], src: GoSourceFile): Handler["scope"] {
  return packageFiles(files, src).map((f) => ({ src: f, start: 0, end: f.tokens.length }));
}

/** Every place the handler is given to a mux, a server or StripPrefix. */
function usesOf(files: GoSourceFile[], handler: Handler, depth: number): Uses {
  const out: Uses = { mounts: [...(handler.origin?.mounts ?? [])], ...(handler.origin?.unresolved ? { unresolved: handler.origin.unresolved } : {}) };
  const [first, , field] = handler.key;
  for (const { src, start, end } of handler.scope) {
    const t = src.tokens;
    for (let k = start; k < end; k++) {
      const matches =
        handler.key.length === 1
          ? t[k]!.value === first && t[k]!.kind === "ident" && t[k - 1]?.value !== "."
          : t[k]!.kind === "ident" && t[k + 1]?.value === "." && t[k + 2]?.value === field && t[k - 1]?.value !== "." && (first === "http" ? isQualified(src, k, "net/http", "DefaultServeMux") : true);
      if (!matches) continue;
      const stop = k + handler.key.length;
      if (t[stop]?.value === "." || t[stop]?.value === "(") continue;
      const uses = t[stop]?.value === ":=" || t[stop]?.value === "=" ? definitionUses(src, k, stop) : expressionUses(files, src, k, stop, depth);
      out.mounts.push(...uses.mounts);
      out.unresolved ??= uses.unresolved;
    }
  }
  return out;
}

/**
 * A handler assigned at tokens [a, b) (`api := r.Group("/api")`): the router group it is made as,
 * when the value is a group call that ends the statement.
 */
function definitionUses(src: GoSourceFile, a: number, b: number): Uses {
  const t = src.tokens;
  if (t[a - 1]?.value === ",") return { mounts: [] };
  let end = b + 1;
  for (let depth = 0; end < t.length; end++) {
    const v = t[end]!.value;
    if (depth === 0 && end > b + 1 && ends(t, end)) break;
    if (v === "(" || v === "[" || v === "{") depth++;
    else if (v === ")" || v === "]" || v === "}") depth--;
  }
  const group = groupCallEndingAt(src, end - 1);
  if (!group || !isSelectorChain(t, b + 1, end)) return { mounts: [] };
  return groupUses(src, group);
}

/** Tokens [start, end) are one chain of names, selectors and calls (`r.PathPrefix("/api").Subrouter()`), not a larger expression. */
function isSelectorChain(t: Token[], start: number, end: number): boolean {
  if (t[start]?.kind !== "ident") return false;
  for (let k = start, depth = 0; k < end; k++) {
    const v = t[k]!.value;
    if (v === "(" || v === "[" || v === "{") depth++;
    else if (v === ")" || v === "]" || v === "}") depth--;
    else if (depth === 0 && t[k]!.kind !== "ident" && v !== ".") return false;
  }
  return true;
}

/** What is done with the handler expression at tokens [a, b): the mounts it makes, or why they cannot be read. */
function expressionUses(files: GoSourceFile[], src: GoSourceFile, a: number, b: number, depth: number): Uses {
  const t = src.tokens;
  const evidence = evidenceAt(src, t[a]!.line);
  if (t[a - 1]?.value === ":" && t[a - 2]?.value === "Handler" && ends(t, b)) return { mounts: [{ strip: "", server: {}, evidence }] };
  if (t[a - 1]?.value === "return" && ends(t, b)) return returnedUses(files, src, a, depth);
  const open = enclosingParen(t, a);
  if (open === undefined) return { mounts: [] };
  const args = callArguments(t, open);
  const index = args.findIndex((x) => x.start === a && x.end === b);
  const callee = t[open - 1]?.value ?? "";
  const stripAt = open - 3;
  if (isQualified(src, stripAt, "net/http", "StripPrefix")) {
    const prefix = args[0] && args[0].end - args[0].start === 1 && t[args[0].start]!.kind === "string" ? t[args[0].start]!.value : undefined;
    if (index !== 1) return { mounts: [], unresolved: { evidence, why: "http.StripPrefix is given it inside an expression slimgo does not follow" } };
    if (prefix === undefined) return { mounts: [], unresolved: { evidence, why: "the prefix http.StripPrefix removes is not a string literal" } };
    const outer = depth < MAX_DEPTH ? resultUses(files, src, stripAt, matching(t, open), depth + 1) : { mounts: [] };
    if (outer.mounts.length === 0) return { mounts: [], unresolved: outer.unresolved ?? { evidence, why: "the handler http.StripPrefix returns is used in a way slimgo does not follow" } };
    return { mounts: outer.mounts.map((m) => ({ ...m, strip: m.strip + prefix })), ...(outer.unresolved ? { unresolved: outer.unresolved } : {}) };
  }
  if (index === 1 && callee === "Mount" && t[open - 2]?.value === ".") {
    const pattern = args[0] && args[0].end - args[0].start === 1 && t[args[0].start]!.kind === "string" ? t[args[0].start]!.value : undefined;
    if (pattern === undefined) return { mounts: [], unresolved: { evidence, why: "the pattern chi's Mount mounts it at is not a string literal" } };
    return { mounts: [{ strip: pattern, join: "trimmed", chiMount: true, parent: { src, index: open - 1 }, evidence }] };
  }
  if (index === 1 && callee === "Handle" && t[open - 2]?.value === ".") {
    const pattern = args[0] && args[0].end - args[0].start === 1 && t[args[0].start]!.kind === "string" ? t[args[0].start]!.value : undefined;
    if (pattern === undefined) return { mounts: [], unresolved: { evidence, why: "the pattern it is handled under is not a string literal" } };
    return { mounts: [{ strip: "", pattern, parent: { src, index: open - 1 }, evidence }] };
  }
  if (index === args.length - 1 && index > 0 && /^(ListenAndServe|ListenAndServeTLS|Serve|ServeTLS)$/.test(callee)) {
    const address = t[args[0]!.start];
    const port = args[0]!.end - args[0]!.start === 1 && address?.kind === "string" ? ADDRESS_PORT.exec(address.value)?.[1] : undefined;
    return { mounts: [{ strip: "", server: port ? { port: Number(port) } : {}, evidence }] };
  }
  // A middleware (`logging(api)`, `otelhttp.NewHandler(api, "api")`) keeps the path: its result is mounted where the handler would be.
  const callStart = calleeStart(t, open);
  if (index >= 0 && callStart !== undefined && depth < MAX_DEPTH) return resultUses(files, src, callStart, matching(t, open), depth + 1);
  return { mounts: [] };
}

/** The uses of a handler-valued expression (a StripPrefix call): given whole to a mux or server, or assigned to a variable whose uses count. */
function resultUses(files: GoSourceFile[], src: GoSourceFile, a: number, b: number, depth: number): Uses {
  const t = src.tokens;
  const assigned = t[a - 1]?.value === ":=" || t[a - 1]?.value === "=";
  if (assigned && t[a - 2]?.kind === "ident" && t[a - 3]?.value !== "." && t[a - 3]?.value !== "," && ends(t, b)) {
    const handlers = handlersNamed(files, src, a - 2, depth);
    const uses: Uses = { mounts: [] };
    for (const h of handlers) {
      const found = usesOf(files, h, depth);
      uses.mounts.push(...found.mounts);
      uses.unresolved ??= found.unresolved;
    }
    return uses;
  }
  return expressionUses(files, src, a, b, depth);
}

/** A handler a top-level function returns (`func routes() http.Handler { …; return api }`) is mounted where its calls' results are. */
function returnedUses(files: GoSourceFile[], src: GoSourceFile, a: number, depth: number): Uses {
  const fn = enclosingFunction(src, a);
  const name = fn ? functionSignature(src, fn).name : undefined;
  const uses: Uses = { mounts: [] };
  if (!name || depth >= MAX_DEPTH || literalAround(src.tokens, fn!.start, a)) return uses;
  for (const f of packageFiles(files, src)) {
    const t = f.tokens;
    for (let k = 0; k < t.length; k++) {
      if (t[k]!.value !== name || t[k]!.kind !== "ident" || t[k + 1]?.value !== "(" || isDeclaration(f, k)) continue;
      const start = calleeStart(t, k + 1)!;
      const found = resultUses(files, f, start, matching(t, k + 1), depth + 1);
      uses.mounts.push(...found.mounts);
      uses.unresolved ??= found.unresolved;
    }
  }
  return uses;
}

/** Token `k` names the function or method in its own declaration. */
function isDeclaration(src: GoSourceFile, k: number): boolean {
  const t = src.tokens;
  if (t[k - 1]?.value === "func") return true;
  return t[k - 1]?.value === ")" && src.functions.some((fn) => fn.start < k && t[fn.start + 1]?.value === "(" && matching(t, fn.start + 1) === k);
}

/** Token `a` is inside a function literal within the top-level function starting at `fnStart` (its return is the literal's). */
function literalAround(t: Token[], fnStart: number, a: number): boolean {
  for (let j = a - 1; j > fnStart; j--) {
    if (t[j]!.value !== "func" || t[j + 1]?.value !== "(") continue;
    let open = matching(t, j + 1);
    while (open < a && t[open]!.value !== "{") open++;
    if (open < a && matching(t, open) > a) return true;
  }
  return false;
}

/** The expression ends its statement: what follows is on another line, or closes a block. */
function ends(t: Token[], b: number): boolean {
  const next = t[b];
  return next === undefined || next.line !== t[b - 1]!.line || next.value === ";" || next.value === "}" || next.value === ",";
}

/** Index of the unmatched `(` the expression starting at `a` sits in, or undefined in a block or at the top. */
function enclosingParen(t: Token[], a: number): number | undefined {
  let depth = 0;
  for (let k = a - 1; k >= 0; k--) {
    const v = t[k]!.value;
    if (v === ")" || v === "]" || v === "}") depth++;
    else if (v === "(" || v === "[" || v === "{") {
      if (depth === 0) return v === "(" ? k : undefined;
      depth--;
    }
  }
  return undefined;
}

/** First token of the callee `f` or `pkg.F` or `x.y.F` whose argument list opens at `open`. */
function calleeStart(t: Token[], open: number): number | undefined {
  let k = open - 1;
  if (t[k]?.kind !== "ident") return undefined;
  while (t[k - 1]?.value === "." && t[k - 2]?.kind === "ident") k -= 2;
  return k;
}
