/**
 * Routers that web frameworks make from another one under a path prefix, read from the call that
 * makes them: Gin's and Echo's `r.Group("/api")`, chi's `r.Route("/api", func(r chi.Router) {…})`
 * and `r.Group(func(r chi.Router) {…})` (no prefix), gorilla/mux's
 * `r.PathPrefix("/api").Subrouter()`. A route registered on such a router is served at the prefix
 * joined to its path the way that framework joins them. A prefix that is not a string literal is
 * not guessed at.
 */
import path from "node:path";
import { callArguments, type GoSourceFile, type Token } from "./go-source.js";

/**
 * How a framework joins a prefix and a route's path: Gin cleans the join (path.Join, keeping the
 * route's trailing slash); Echo concatenates them; chi and gorilla/mux drop the prefix's trailing
 * slash first. "gin or echo": a Group in a file that imports neither or both.
 */
export type PrefixJoin = "gin" | "echo" | "gin or echo" | "trimmed";

/** A router made under `prefix` from the router whose method (`Group`, `PathPrefix`, `Route`) is token `index`. */
export type RouterGroup = { prefix: string; join: PrefixJoin; index: number } | { unresolved: string; index: number };

const GIN = "github.com/gin-gonic/gin";
const ECHO = ["github.com/labstack/echo/v4", "github.com/labstack/echo"];

/**
 * The group made by the call expression whose last `)` is token `close`: `Y.Group("P", …)`,
 * `Y.Route("P", …)` or `Y.PathPrefix("P").Subrouter()`; undefined for any other expression.
 */
export function groupCallEndingAt(src: GoSourceFile, close: number): RouterGroup | undefined {
  const t = src.tokens;
  if (t[close]?.value !== ")") return undefined;
  const open = openingParen(t, close);
  if (open === undefined || t[open - 2]?.value !== ".") return undefined;
  const method = t[open - 1]?.value;
  if (method === "Subrouter" && open + 1 === close && t[open - 3]?.value === ")") {
    const inner = openingParen(t, open - 3);
    if (inner === undefined || t[inner - 1]?.value !== "PathPrefix" || t[inner - 2]?.value !== ".") return undefined;
    return prefixed(src, inner, "trimmed");
  }
  if (method === "Route") return prefixed(src, open, "trimmed");
  if (method !== "Group") return undefined;
  const first = callArguments(t, open)[0];
  // chi's Group(fn) makes an inline group at the same path.
  if (first && (t[first.start]?.value === "func" || t[first.start]?.value === "nil")) return { prefix: "", join: "trimmed", index: open - 1 };
  return prefixed(src, open, groupJoin(src));
}

/**
 * The group a function literal's parameter is, when the literal whose `func` is token `fn` is the
 * last argument of chi's `Y.Route("P", func(r chi.Router) {…})` or `Y.Group(func(r chi.Router) {…})`.
 */
export function literalGroupAt(src: GoSourceFile, fn: number): RouterGroup | undefined {
  const t = src.tokens;
  let open: number | undefined;
  for (let k = fn - 1, depth = 0; k >= 0; k--) {
    const v = t[k]!.value;
    if (v === ")" || v === "]" || v === "}") depth++;
    else if (v === "(" || v === "[" || v === "{") {
      if (depth-- > 0) continue;
      open = v === "(" ? k : undefined;
      break;
    }
  }
  if (open === undefined || t[open - 2]?.value !== ".") return undefined;
  const args = callArguments(t, open);
  if (args.at(-1)?.start !== fn) return undefined;
  if (t[open - 1]?.value === "Route" && args.length === 2) return prefixed(src, open, "trimmed");
  if (t[open - 1]?.value === "Group" && args.length === 1) return { prefix: "", join: "trimmed", index: open - 1 };
  return undefined;
}

/**
 * The path a route `routePath` on a router made under `prefix` is served at; undefined when the
 * framework is not known and the ones it may be would serve it at different paths.
 */
export function joinPrefix(join: PrefixJoin, prefix: string, routePath: string): string | undefined {
  if (join === "echo") return prefix + routePath;
  if (join === "trimmed") return prefix.replace(/\/+$/, "") + routePath;
  if (join === "gin or echo") {
    const gin = joinPrefix("gin", prefix, routePath);
    return gin === prefix + routePath ? gin : undefined;
  }
  if (routePath === "") return prefix;
  const joined = path.posix.join(prefix, routePath);
  return routePath.endsWith("/") && !joined.endsWith("/") ? `${joined}/` : joined;
}

/** The group whose prefix is the first argument of the call whose `(` is token `open`. */
function prefixed(src: GoSourceFile, open: number, join: PrefixJoin): RouterGroup {
  const t = src.tokens;
  const first = callArguments(t, open)[0];
  const prefix = first && first.end - first.start === 1 && t[first.start]!.kind === "string" ? t[first.start]!.value : undefined;
  return prefix === undefined ? { unresolved: "the prefix of the route group is not a string literal", index: open - 1 } : { prefix, join, index: open - 1 };
}

/** Gin's or Echo's join, from which of them the file making the group imports. */
function groupJoin(src: GoSourceFile): PrefixJoin {
  const imports = new Set(src.imports.map((i) => i.path));
  const gin = imports.has(GIN);
  const echo = ECHO.some((p) => imports.has(p));
  return gin === echo ? "gin or echo" : gin ? "gin" : "echo";
}

function openingParen(t: Token[], close: number): number | undefined {
  for (let k = close - 1, depth = 0; k >= 0; k--) {
    const v = t[k]!.value;
    if (v === ")") depth++;
    else if (v === "(" && depth-- === 0) return k;
  }
  return undefined;
}
