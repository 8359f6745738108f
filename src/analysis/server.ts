/**
 * Server facts: listening ports, health endpoints, a self-probe flag, environment variables.
 * Heuristics over tokens, each keeping the line that shows it.
 */
import path from "node:path";
import { callArguments, defaultPackageName, enclosingFunction, functionSignature, isQualified, matching, type GoSourceFile, type Token } from "./go-source.js";
import { compareEvidence, evidenceAt } from "./evidence.js";
import { servedRoute } from "./route-mounts.js";
import type { EnvVariable, Evidence, HealthEndpoint, HealthFlag, ListeningPort, UnresolvedHealthRoute } from "./types.js";

const ADDRESS = /^(?:[A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]*\]):(\d{1,5})$/;
const LISTEN_CALLS = new Set(["ListenAndServe", "ListenAndServeTLS", "Listen", "ListenTCP", "Run", "Start", "Serve"]);
const ADDRESS_NAME = /addr|port|listen|bind/i;
const HEALTH_PATH = /^\/(?:.*\/)?(health|healthz|healthcheck|livez|live|liveness|alive|readyz|ready|readiness|ping|status)\/?$/i;
const HANDLER_METHODS = new Set(["HandleFunc", "Handle", "Get", "GET", "Head", "HEAD", "Any", "Method", "MethodFunc", "Path"]);

/**
 * Web frameworks whose engine starts its own listener: `r := gin.Default(); r.Run(":8080")`. The
 * receiver must be bound in the same file to the framework's constructor (`r := gin.New()`) or
 * declared with its type (`func serve(e *echo.Echo)`), so another type's `Run` or `Start` is not taken.
 */
const FRAMEWORK_SERVERS: { importPaths: string[]; constructors: RegExp; type: string; methods: RegExp }[] = [
  { importPaths: ["github.com/gin-gonic/gin"], constructors: /^(Default|New)$/, type: "Engine", methods: /^(Run|RunTLS|RunUnix|RunListener)$/ },
  { importPaths: ["github.com/labstack/echo/v4", "github.com/labstack/echo"], constructors: /^New$/, type: "Echo", methods: /^(Start|StartTLS|StartAutoTLS|StartServer)$/ },
  { importPaths: ["github.com/gofiber/fiber/v2", "github.com/gofiber/fiber"], constructors: /^New$/, type: "App", methods: /^(Listen|ListenTLS|Listener)$/ },
];
/** Gin's Run() with no address reads PORT, else serves on 8080. */
const GIN = "github.com/gin-gonic/gin";
const GIN_DEFAULT_PORT = 8080;

/** Token indexes of an opening bracket and its closing one. */
type Span = { open: number; close: number };

function str(t: Token | undefined): string | undefined {
  return t?.kind === "string" ? t.value : undefined;
}

function portOf(value: string): number | undefined {
  const m = ADDRESS.exec(value) ?? /^(\d{1,5})$/.exec(value);
  const port = m ? Number(m[1]) : NaN;
  return port > 0 && port < 65536 ? port : undefined;
}

/** `flag.X(` or `fs.X(` on a FlagSet-like receiver that is not another package. */
export function flagCall(src: GoSourceFile, i: number, names: RegExp): boolean {
  const t = src.tokens;
  if (t[i + 1]?.value !== "." || t[i + 3]?.value !== "(" || !names.test(t[i + 2]?.value ?? "")) return false;
  if (isQualified(src, i, "flag", names)) return true;
  return t[i]!.kind === "ident" && !src.localNames.has(t[i]!.value) && t[i - 1]?.value !== ".";
}

export interface EnvLookup extends EnvVariable {
  /** Where the default value appears, when it does. */
  defaultEvidence?: Evidence;
}

/**
 * `os.Getenv("X")`/`os.LookupEnv("X")`, with the default when visible: `v := os.Getenv("X")` followed by
 * `v = "default"` in the same function, `cmp.Or(os.Getenv("X"), "default")`, or a helper `getenv("X", "default")`.
 */
export function envLookups(src: GoSourceFile): EnvLookup[] {
  let found = lookupsOf.get(src);
  if (!found) lookupsOf.set(src, (found = scanEnvLookups(src)));
  return found;
}

/** Each file is scanned once: the variables, the ports and the state directories all ask. */
const lookupsOf = new WeakMap<GoSourceFile, EnvLookup[]>();

function scanEnvLookups(src: GoSourceFile): EnvLookup[] {
  const t = src.tokens;
  const out: EnvLookup[] = [];
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    if (isQualified(src, i, "os", /^(Getenv|LookupEnv)$/) && t[i + 3]?.value === "(") {
      const name = str(t[i + 4]);
      if (name === undefined) continue;
      const found: EnvLookup = { name, evidence: evidenceAt(src, tok.line) };
      const dflt = defaultAfterAssignment(src, i) ?? cmpOrDefault(src, i);
      if (dflt) {
        found.default = dflt.value;
        found.defaultEvidence = evidenceAt(src, dflt.line);
      }
      out.push(found);
    } else if (tok.kind === "ident" && /env/i.test(tok.value) && t[i - 1]?.value !== "." && t[i - 1]?.value !== "func" && t[i + 1]?.value === "(") {
      const args = callArguments(t, i + 1);
      const [a, b] = args;
      if (args.length === 2 && a && b && a.end - a.start === 1 && b.end - b.start === 1) {
        const name = str(t[a.start]);
        const value = str(t[b.start]);
        if (name !== undefined && value !== undefined && /^[A-Z_][A-Z0-9_]*$/.test(name)) {
          out.push({ name, default: value, evidence: evidenceAt(src, tok.line), defaultEvidence: evidenceAt(src, t[b.start]!.line) });
        }
      }
    }
  }
  return out;
}

/** For `v := os.Getenv(..)` (or `v, ok := os.LookupEnv(..)`), the first later `v = "literal"` in the same function. */
function defaultAfterAssignment(src: GoSourceFile, i: number): { value: string; line: number } | undefined {
  const t = src.tokens;
  if (t[i - 1]?.value !== ":=" && t[i - 1]?.value !== "=") return undefined;
  let k = i - 2;
  if (t[k]?.kind === "ident" && t[k - 1]?.value === ",") k -= 2;
  const variable = t[k];
  if (variable?.kind !== "ident") return undefined;
  const end = enclosingFunction(src, i)?.end ?? t.length;
  for (let j = i + 4; j < end - 2; j++) {
    if (t[j]!.value === variable.value && t[j]!.kind === "ident" && t[j - 1]?.value !== "." && t[j + 1]?.value === "=") {
      const value = str(t[j + 2]);
      const next = t[j + 3]?.value;
      if (value !== undefined && (next === undefined || next === "}" || next === ";" || t[j + 3]!.line !== t[j + 2]!.line)) {
        return { value, line: t[j + 2]!.line };
      }
    }
  }
  return undefined;
}

function cmpOrDefault(src: GoSourceFile, i: number): { value: string; line: number } | undefined {
  const t = src.tokens;
  if (t[i - 1]?.value !== "(" || !isQualified(src, i - 4, "cmp", "Or")) return undefined;
  const args = callArguments(t, i - 1);
  const second = args[1];
  const value = second && second.end - second.start === 1 ? str(t[second.start]) : undefined;
  return value === undefined ? undefined : { value, line: t[second!.start]!.line };
}

export function environmentVariables(files: GoSourceFile[]): EnvVariable[] {
  const byName = new Map<string, EnvVariable>();
  for (const src of files) {
    for (const e of envLookups(src)) {
      const known = byName.get(e.name);
      if (!known) byName.set(e.name, e.default === undefined ? { name: e.name, evidence: e.evidence } : { name: e.name, default: e.default, evidence: e.evidence });
      else if (known.default === undefined && e.default !== undefined) known.default = e.default;
    }
  }
  return [...byName.values()].sort((a, b) => compareEvidence(a.evidence, b.evidence));
}

/** Ports from address literals in listen calls or address-named variables, address/port flag defaults, and PORT-style variables. */
export function listeningPorts(files: GoSourceFile[]): ListeningPort[] {
  const out: ListeningPort[] = [];
  for (const src of files) {
    const t = src.tokens;
    t.forEach((tok, i) => {
      if (tok.kind === "string" && ADDRESS.test(tok.value) && isListenAddress(t, i)) {
        // `addr = ":8080"` re-assigns a variable: most often the default when a config or flag left it empty.
        const fallback = t[i - 1]?.value === "=" && t[i - 2]?.value !== "Addr";
        // `net.ListenPacket("udp", ":53")`: the network argument before the address.
        const udp = t[i - 1]?.value === "," && /^udp[46]?$/.test(t[i - 2]?.value ?? "") && t[i - 2]?.kind === "string";
        out.push({ port: portOf(tok.value)!, source: "literal", ...(fallback ? { fallback: true } : {}), ...loopback(tok.value), ...(udp ? { udp: true } : {}), evidence: evidenceAt(src, tok.line) });
      }
      if (flagCall(src, i, /^(String|StringVar|Int|IntVar|Uint|UintVar)$/)) {
        const args = callArguments(t, i + 3);
        const isVar = t[i + 2]!.value.endsWith("Var");
        const name = args[isVar ? 1 : 0];
        const dflt = args[isVar ? 2 : 1];
        const flagName = name ? str(t[name.start]) : undefined;
        if (flagName && ADDRESS_NAME.test(flagName) && !namesClientAddress(flagName) && dflt && dflt.end - dflt.start === 1) {
          const d = t[dflt.start]!;
          const port = d.kind === "string" ? (ADDRESS.test(d.value) ? portOf(d.value) : undefined) : d.kind === "number" ? portOf(d.value) : undefined;
          if (port) out.push({ port, source: "flag", flag: flagName, written: d.value, ...(d.kind === "string" ? loopback(d.value) : {}), evidence: evidenceAt(src, d.line) });
        }
      }
    });
    for (let i = 0; i < t.length; i++) {
      if (t[i + 2]?.value === ")" && frameworkListen(src, i) === GIN) out.push({ port: GIN_DEFAULT_PORT, source: "env", envVar: "PORT", evidence: evidenceAt(src, t[i]!.line) });
    }
    for (const e of envLookups(src)) {
      if (e.default === undefined || !e.defaultEvidence) continue;
      const portish = ownListenVariable(e.name, "port") ? portOf(e.default) : ownListenVariable(e.name, "address") && ADDRESS.test(e.default) ? portOf(e.default) : undefined;
      if (portish) out.push({ port: portish, source: "env", envVar: e.name, written: e.default, ...loopback(e.default), evidence: e.defaultEvidence });
    }
  }
  const unique = new Map<string, ListeningPort>();
  for (const p of out.sort((a, b) => compareEvidence(a.evidence, b.evidence))) {
    const key = `${p.port}|${p.source}|${p.envVar ?? ""}|${p.udp ? "udp" : "tcp"}`;
    if (!unique.has(key)) unique.set(key, p);
  }
  return [...unique.values()];
}

/** `{ loopback: "localhost:8080" }` for an address on the loopback interface only (localhost, 127.x, [::1]). */
export function loopback(address: string): { loopback?: string } {
  const host = /^(.*):\d{1,5}$/.exec(address)?.[1]?.toLowerCase();
  return host !== undefined && (host === "localhost" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "[::1]") ? { loopback: address } : {};
}

/** What a program connects to rather than serves: DB_PORT, REDIS_ADDR, -smtp-port, redisAddr name another service's address. */
const CLIENT_WORDS = new Set(
  "db database postgres postgresql pg pgsql mysql mariadb sql redis mongo mongodb nats kafka amqp rabbit rabbitmq broker queue smtp mail imap elastic elasticsearch es memcache memcached cache etcd consul vault ldap s3 minio upstream backend otel otlp jaeger zipkin statsd sentry".split(" "),
);

/** Whether a name (PORT, DB_PORT, db-addr, redisAddr) starts with the name of a service the program connects to. */
function namesClientAddress(name: string): boolean {
  const first = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[\s_.-]+/)[0] ?? "";
  return CLIENT_WORDS.has(first.toLowerCase());
}

/** A variable named for the address or port the program itself listens on (PORT, HTTP_ADDR), not one it connects to. */
function ownListenVariable(name: string, kind: "port" | "address"): boolean {
  return (kind === "port" ? /(^|_)PORT$/i : /ADDR(ESS)?$/i).test(name) && !namesClientAddress(name);
}

/** The first variable named like the server's own port (`PORT`, `HTTP_PORT`, …) read with no default. */
export function unsetPortVariable(variables: readonly EnvVariable[]): EnvVariable | undefined {
  return variables.find((v) => v.default === undefined && ownListenVariable(v.name, "port"));
}

/**
 * A variable named for the program's own port or listen address (PORT, LISTEN_ADDR) that it reads
 * with no default: set at run time, it moves the port, so a health probe should follow it.
 */
export function unsetListenVariable(variables: readonly EnvVariable[]): EnvVariable | undefined {
  return variables.find((v) => v.default === undefined && (ownListenVariable(v.name, "port") || ownListenVariable(v.name, "address")));
}

/** The first call that serves TLS: `ListenAndServeTLS(`, `ServeTLS(`, `tls.Listen(`, `tls.NewListener(`, and the frameworks' RunTLS, StartTLS, ListenTLS. */
export function tlsServer(files: GoSourceFile[]): Evidence | undefined {
  for (const src of files) {
    const t = src.tokens;
    for (let i = 1; i < t.length - 1; i++) {
      const name = t[i]!.value;
      if (t[i]!.kind !== "ident" || t[i - 1]?.value !== "." || t[i + 1]?.value !== "(") continue;
      if (/^(ListenAndServeTLS|ServeTLS|RunTLS|StartTLS|ListenTLS)$/.test(name) || (/^(Listen|NewListener)$/.test(name) && isQualified(src, i - 2, "crypto/tls", name))) return evidenceAt(src, t[i]!.line);
    }
  }
  return undefined;
}

/** `8080`, `:8080` or `0.0.0.0:8080` as a variable's value: the port it sets, if it is one. */
export function portFromValue(value: string): number | undefined {
  return portOf(value.trim());
}

/** The address literal at `i` is passed to a listen call, set as `Addr`, or given to an address-named variable. */
function isListenAddress(t: Token[], i: number): boolean {
  const prev = t[i - 1]?.value;
  if (prev === "(" && LISTEN_CALLS.has(t[i - 2]?.value ?? "")) return true;
  if (prev === "," && t[i - 2]?.kind === "string" && t[i - 3]?.value === "(" && /^Listen/.test(t[i - 4]?.value ?? "")) return true;
  if ((prev === ":" || prev === "=") && t[i - 2]?.value === "Addr") return true;
  if ((prev === "=" || prev === ":=") && t[i - 2]?.kind === "ident" && ADDRESS_NAME.test(t[i - 2]!.value) && !namesClientAddress(t[i - 2]!.value)) return true;
  return false;
}

export function healthEndpoints(files: GoSourceFile[]): HealthEndpoint[] {
  return healthRoutes(files).endpoints;
}

/**
 * Health routes with the path each is served at: a route on a handler mounted under a prefix
 * (`http.StripPrefix("/api", api)`) gets the prefix; one whose mount slimgo cannot read is
 * `unresolved`, so no probe asks a path that may 404.
 */
export function healthRoutes(files: GoSourceFile[]): { endpoints: HealthEndpoint[]; unresolved: UnresolvedHealthRoute[] } {
  const endpoints: HealthEndpoint[] = [];
  const unresolved: UnresolvedHealthRoute[] = [];
  const seen = new Set<string>();
  for (const src of files) {
    const t = src.tokens;
    t.forEach((tok, i) => {
      if (tok.kind !== "ident" || !HANDLER_METHODS.has(tok.value) || t[i - 1]?.value !== "." || t[i + 1]?.value !== "(") return;
      const pattern = str(t[i + 2]);
      if (pattern === undefined) return;
      const routePath = pattern.replace(/^[A-Z]+\s+/, "");
      if (!HEALTH_PATH.test(routePath)) return;
      const served = servedRoute(files, src, i, routePath);
      if ("unresolved" in served) {
        unresolved.push({ path: routePath, evidence: evidenceAt(src, tok.line), mount: served.unresolved, why: served.why });
        return;
      }
      if (seen.has(served.path)) return;
      seen.add(served.path);
      const port = served.registration ? httpListenPortBeside(served.registration.src.tokens, served.registration.index) : served.port;
      endpoints.push({ path: served.path, evidence: evidenceAt(src, tok.line), ...(port !== undefined ? { port } : {}) });
    });
  }
  return { endpoints, unresolved };
}

/**
 * A program that serves HTTP beside another listener (a gRPC or raw TCP port) registers its health route
 * in the function that starts the HTTP server: `ListenAndServe(":8081", mux)` there, with the mux the
 * route is on (or nil for `http.HandleFunc`), gives the route's port.
 */
function httpListenPortBeside(t: Token[], i: number): number | undefined {
  const body = innermostFunctionBody(t, i);
  if (!body) return undefined;
  for (let j = body.open + 1; j < body.close; j++) {
    const tok = t[j]!;
    if (tok.kind !== "string" || !ADDRESS.test(tok.value) || innermostFunctionBody(t, j)?.open !== body.open) continue;
    if (t[j - 1]?.value !== "(" || !/^ListenAndServe(TLS)?$/.test(t[j - 2]?.value ?? "")) continue;
    const handler = callArguments(t, j - 1).at(-1);
    const handlerName = handler && handler.end - handler.start === 1 ? t[handler.start]!.value : undefined;
    const receiver = t[i - 2]?.value;
    if (handlerName === receiver || (receiver === "http" && handlerName === "nil")) return portOf(tok.value);
  }
  return undefined;
}

/** The braces of the innermost function declaration or literal around token `i`. */
function innermostFunctionBody(t: Token[], i: number): Span | undefined {
  for (let j = i - 1; j >= 0; j--) {
    if (t[j]!.kind !== "ident" || t[j]!.value !== "func") continue;
    const body = functionBody(t, j);
    if (body && body.open < i && i < body.close) return body;
  }
  return undefined;
}

/** The braces of the body of the function declaration or literal whose `func` is at `j`: the first `{` outside its parentheses. */
function functionBody(t: Token[], j: number): Span | undefined {
  let depth = 0;
  for (let k = j + 1; k < t.length; k++) {
    const v = t[k]!.value;
    if (v === "(" || v === "[") depth++;
    else if (v === ")" || v === "]") depth--;
    else if (depth === 0 && v === "{") return { open: k, close: matching(t, k) - 1 };
  }
  return undefined;
}

/**
 * A CLI whose server runs under a subcommand: without that argument the container would print its usage
 * and exit. Either a case of a switch in the main package (`switch os.Args[1] { case "serve": …
 * ListenAndServe … }`), or a Cobra subcommand anywhere in the program's files (`files`, as Cobra
 * programs keep their commands in cmd/) whose Run or RunE serves.
 */
export function serveSubcommand(mainFiles: GoSourceFile[], files: GoSourceFile[] = mainFiles): { name: string; evidence: Evidence } | undefined {
  for (const src of mainFiles) {
    const t = src.tokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i]!.value !== "switch") continue;
      const onArgs = ["os", ".", "Args", "[", "1", "]", "{"].every((v, k) => t[i + 1 + k]?.value === v);
      const onFlagArg = ["flag", ".", "Arg", "(", "0", ")", "{"].every((v, k) => t[i + 1 + k]?.value === v);
      if (!onArgs && !onFlagArg) continue;
      const open = i + 7;
      const close = matching(t, open) - 1;
      const clauses: number[] = [];
      for (let j = open + 1, depth = 0; j < close; j++) {
        const v = t[j]!.value;
        if (v === "{" || v === "(" || v === "[") depth++;
        else if (v === "}" || v === ")" || v === "]") depth--;
        else if (depth === 0 && (v === "case" || v === "default")) clauses.push(j);
      }
      clauses.push(close);
      for (let c = 0; c + 1 < clauses.length; c++) {
        const label = str(t[clauses[c]! + 1]);
        if (t[clauses[c]!]!.value !== "case" || label === undefined) continue;
        for (let j = clauses[c]!; j < clauses[c + 1]!; j++) {
          if (LISTEN_CALLS.has(t[j]!.value) && t[j - 1]?.value === "." && t[j + 1]?.value === "(") return { name: label, evidence: evidenceAt(src, t[clauses[c]!]!.line) };
        }
      }
    }
  }
  return cobraServeCommand(files);
}

const COBRA = "github.com/spf13/cobra";

/**
 * A `cobra.Command{…}` literal (with or without `&`) that is a subcommand and serves. The name is the
 * first word of its `Use:` string (`"serve [flags]"` → serve), the evidence that line. A subcommand is
 * one that some `.AddCommand(…)` of the program receives: the literal itself, the variable it is
 * assigned to, or the top-level function it is built in (`AddCommand(newServeCmd())`); the root
 * command is never added, so it never counts. It serves when its Run or RunE (a function literal, or a
 * function named there) starts a listener as isServer counts them, directly or through functions of the
 * program called by name, two calls deep (see servesWithin).
 */
function cobraServeCommand(files: GoSourceFile[]): { name: string; evidence: Evidence } | undefined {
  const added = addCommandArguments(files);
  for (const src of files) {
    const t = src.tokens;
    for (let i = 0; i < t.length; i++) {
      if (!isQualified(src, i, COBRA, "Command") || t[i + 3]?.value !== "{") continue;
      const fields = literalFields(t, i + 3);
      const use = fields.get("Use");
      const name = use === undefined ? undefined : str(t[use])?.trim().split(/\s+/)[0];
      if (!name || !isAdded(src, i, added)) continue;
      const runs = [fields.get("RunE"), fields.get("Run")].filter((v): v is number => v !== undefined);
      if (runs.some((v) => runServes(files, src, v))) return { name, evidence: evidenceAt(src, t[use!]!.line) };
    }
  }
  return undefined;
}

/** Identifiers in the arguments of every `.AddCommand(…)` call, and the token spans of those arguments. */
function addCommandArguments(files: GoSourceFile[]): { names: Set<string>; spans: (Span & { src: GoSourceFile })[] } {
  const names = new Set<string>();
  const spans: (Span & { src: GoSourceFile })[] = [];
  for (const src of files) {
    const t = src.tokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i]!.value !== "AddCommand" || t[i - 1]?.value !== "." || t[i + 1]?.value !== "(") continue;
      const close = matching(t, i + 1) - 1;
      spans.push({ src, open: i + 1, close });
      for (let j = i + 2; j < close; j++) if (t[j]!.kind === "ident") names.add(t[j]!.value);
    }
  }
  return { names, spans };
}

/** The literal whose type starts at `i` is passed to AddCommand: itself, by its variable, or by the function it is built in. */
function isAdded(src: GoSourceFile, i: number, added: ReturnType<typeof addCommandArguments>): boolean {
  const t = src.tokens;
  if (added.spans.some((s) => s.src === src && s.open < i && i < s.close)) return true;
  const k = t[i - 1]?.value === "&" ? i - 2 : i - 1;
  if ((t[k]?.value === "=" || t[k]?.value === ":=") && t[k - 1]?.kind === "ident" && added.names.has(t[k - 1]!.value)) return true;
  // A typed declaration: `var serveCmd *cobra.Command = &cobra.Command{…}`.
  if (t[k]?.value === "=") {
    for (let j = k - 1; j >= Math.max(0, k - 6); j--) {
      if (t[j]!.value !== "var") continue;
      if (t[j + 1]?.kind === "ident" && added.names.has(t[j + 1]!.value)) return true;
      break;
    }
  }
  const fn = enclosingFunction(src, i);
  const builder = fn ? functionSignature(src, fn).name : undefined;
  return builder !== undefined && added.names.has(builder);
}

/** `Key: value` fields of the composite literal whose `{` is at `open`: key → index of the value's first token. */
function literalFields(t: Token[], open: number): Map<string, number> {
  const fields = new Map<string, number>();
  const close = matching(t, open) - 1;
  for (let j = open + 1, depth = 0; j < close; j++) {
    const v = t[j]!.value;
    if (v === "{" || v === "(" || v === "[") depth++;
    else if (v === "}" || v === ")" || v === "]") depth--;
    else if (depth === 0 && t[j]!.kind === "ident" && t[j + 1]?.value === ":" && (t[j - 1]?.value === "{" || t[j - 1]?.value === ",")) fields.set(v, j + 2);
  }
  return fields;
}

/** The Run/RunE value at `v` serves: a function literal's body, or the body of the function it names (`RunE: runServe`). */
function runServes(files: GoSourceFile[], src: GoSourceFile, v: number): boolean {
  const t = src.tokens;
  if (t[v]?.value === "func") {
    const body = functionBody(t, v);
    return body !== undefined && servesWithin(files, src, body, 2);
  }
  return functionsNamedAt(files, src, v).some((f) => servesWithin(files, f.src, f.body, 2));
}

/**
 * Tokens inside `body` start a listener, or call (by name, `depth` calls deep) a function of the program
 * that does. Followed: `runServer(…)`, a top-level function of the same package, and `server.Run(…)`, one
 * of the package imported as `server`. Not followed: methods (`srv.Start()`, `a.server.Run()`), function
 * values (variables, fields, closures passed around) and functions outside the program's files.
 */
function servesWithin(files: GoSourceFile[], src: GoSourceFile, body: Span, depth: number): boolean {
  const t = src.tokens;
  for (let j = body.open + 1; j < body.close; j++) if (startsListener(src, j)) return true;
  if (depth === 0) return false;
  for (let j = body.open + 1; j < body.close; j++) {
    const qualified = t[j + 1]?.value === ".";
    if (t[j]!.kind !== "ident" || t[j + (qualified ? 3 : 1)]?.value !== "(") continue;
    if (functionsNamedAt(files, src, j).some((f) => servesWithin(files, f.src, f.body, depth - 1))) return true;
  }
  return false;
}

/**
 * The top-level functions (not methods) of the program that the name at `j` refers to: `pkg.Name` where
 * pkg is an import of `src` (found by the import path ending in the file's directory), or a bare `Name`
 * in `src`'s own directory (its package).
 */
function functionsNamedAt(files: GoSourceFile[], src: GoSourceFile, j: number): { src: GoSourceFile; body: Span }[] {
  const t = src.tokens;
  if (t[j]?.kind !== "ident" || t[j - 1]?.value === "." || t[j - 1]?.value === "func") return [];
  const importPath = t[j + 1]?.value === "." ? src.localNames.get(t[j]!.value) : undefined;
  if (t[j + 1]?.value === "." && importPath === undefined) return [];
  const name = importPath === undefined ? t[j]!.value : t[j + 2]?.value;
  const inPackage = (f: GoSourceFile): boolean => {
    const dir = path.posix.dirname(f.file);
    if (importPath === undefined) return dir === path.posix.dirname(src.file);
    return dir === "." ? f.packageName === defaultPackageName(importPath) : importPath.endsWith(`/${dir}`);
  };
  const out: { src: GoSourceFile; body: Span }[] = [];
  for (const f of files) {
    if (!inPackage(f)) continue;
    for (const fn of f.functions) {
      if (f.tokens[fn.start + 1]?.value === "(" || functionSignature(f, fn).name !== name) continue;
      const body = functionBody(f.tokens, fn.start);
      if (body) out.push({ src: f, body });
    }
  }
  return out;
}

/** A bool flag whose name contains "health": the binary can probe itself. */
export function healthFlag(files: GoSourceFile[]): HealthFlag | undefined {
  for (const src of files) {
    const t = src.tokens;
    for (let i = 0; i < t.length; i++) {
      if (!flagCall(src, i, /^(Bool|BoolVar)$/)) continue;
      const args = callArguments(t, i + 3);
      const nameArg = args[t[i + 2]!.value === "BoolVar" ? 1 : 0];
      const name = nameArg ? str(t[nameArg.start]) : undefined;
      if (name && /health/i.test(name)) return { name: name.replace(/^-+/, ""), evidence: evidenceAt(src, t[nameArg!.start]!.line) };
    }
  }
  return undefined;
}

/** Serves HTTP or listens: ListenAndServe, http.Server{}, net.Listen, grpc.NewServer. */
export function isServer(files: GoSourceFile[]): boolean {
  return files.some((src) => src.tokens.some((_tok, i) => startsListener(src, i)));
}

/** Token `i` is one of the calls (or the http.Server literal) isServer counts. */
function startsListener(src: GoSourceFile, i: number): boolean {
  const t = src.tokens;
  if (t[i - 1]?.value === "." && /^(ListenAndServe|ListenAndServeTLS)$/.test(t[i]!.value) && t[i + 1]?.value === "(") return true;
  if (isQualified(src, i, "net/http", /^(Serve|ServeTLS)$/)) return true;
  if (isQualified(src, i, "net/http", "Server") && t[i + 3]?.value === "{") return true;
  if (isQualified(src, i, "net", /^(Listen|ListenTCP|ListenPacket|ListenUDP|ListenUnix)$/)) return true;
  if (isQualified(src, i, "google.golang.org/grpc", "NewServer")) return true;
  return frameworkListen(src, i) !== undefined;
}

/** The framework's import path when token `i` is the method of a framework engine that listens (`r.Run(`). */
function frameworkListen(src: GoSourceFile, i: number): string | undefined {
  const t = src.tokens;
  const receiver = t[i - 2];
  if (t[i - 1]?.value !== "." || t[i + 1]?.value !== "(" || receiver?.kind !== "ident" || t[i - 3]?.value === ".") return undefined;
  for (const fw of FRAMEWORK_SERVERS) {
    if (!fw.methods.test(t[i]!.value)) continue;
    for (const importPath of fw.importPaths) if (boundToFramework(src, receiver.value, importPath, fw)) return importPath;
  }
  return undefined;
}

/** `name` is assigned the framework's constructor (`name := gin.Default()`) or declared with its type (`name *gin.Engine`) in `src`. */
function boundToFramework(src: GoSourceFile, name: string, importPath: string, fw: { constructors: RegExp; type: string }): boolean {
  const t = src.tokens;
  for (let j = 0; j < t.length; j++) {
    if (t[j]!.value !== name || t[j]!.kind !== "ident" || t[j - 1]?.value === ".") continue;
    const next = t[j + 1]?.value;
    if ((next === ":=" || next === "=") && isQualified(src, j + 2, importPath, fw.constructors) && t[j + 5]?.value === "(") return true;
    if (next === "*" && isQualified(src, j + 2, importPath, fw.type)) return true;
  }
  return false;
}
