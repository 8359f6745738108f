/**
 * What the program needs from the image at run time. Each need is a list of rules over tokens or
 * imports; add a rule to the table to teach the analysis a new sign.
 */
import { callArguments, enclosingFunction, functionSignature, isQualified, type GoSourceFile } from "./go-source.js";
import { evidenceAt, uniqueEvidence } from "./evidence.js";
import type { Evidence, RuntimeNeeds } from "./types.js";

const NEEDS = ["tlsRoots", "tlsClientCode", "zoneinfo", "tmp", "user"] as const;
type Need = (typeof NEEDS)[number];

/** A need that rules can show: the names kept scans of dependency files use. */
export function isTokenNeed(name: string): name is Need {
  return (NEEDS as readonly string[]).includes(name);
}

/** A sign of a need in a file's tokens. */
interface Sign {
  /**
   * The tokens a sign can start at: the file's name for an imported package (`http` of `http.Get`), a
   * string literal, or one of these identifiers. `at` is only asked about such tokens.
   */
  startsAt: "package" | "string" | string[];
  /** True when the token at `i` starts the sign. */
  at(src: GoSourceFile, i: number): boolean;
  /**
   * False when a file with this text and these imports (local name -> import path) cannot hold the sign:
   * such a dependency file is not lexed past its imports.
   */
  inText(text: string, localNames: Map<string, string>): boolean;
}

interface TokenRule extends Sign {
  need: Need;
}

interface ImportRule {
  need: Need;
  matches(importPath: string): boolean;
}

type TextTest = Sign["inText"];

/**
 * The text holds `<local name of pkg>.<one of names>`, the shape isQualified looks for (or a longer
 * identifier ending so: a necessary condition, not a sufficient one, which keeps the test cheap).
 */
const mentions = (pkg: string, names: string[]): TextTest => {
  const byLocalName = new Map<string, RegExp>();
  return (text, localNames) => {
    for (const [local, importPath] of localNames) {
      if (importPath !== pkg || !names.some((n) => text.includes(n))) continue;
      let re = byLocalName.get(local);
      if (!re) byLocalName.set(local, (re = new RegExp(`${local}\\s*\\.\\s*(${names.join("|")})`)));
      if (re.test(text)) return true;
    }
    return false;
  };
};
const hasWord = (words: string[]): TextTest => (text) => words.some((w) => text.includes(w));
const both = (a: TextTest, b: TextTest): TextTest => (text, localNames) => a(text, localNames) && b(text, localNames);

const qualifiedCall = (pkg: string, names: string[]) => {
  const member = new RegExp(`^(${names.join("|")})$`);
  return (src: GoSourceFile, i: number) => isQualified(src, i, pkg, member) && src.tokens[i + 3]?.value === "(";
};

/** A call `pkg.Name(` of one of `names`, `pkg` being the file's local name for the import path. */
const call = (pkg: string, names: string[]): Sign => ({ startsAt: "package", at: qualifiedCall(pkg, names), inText: mentions(pkg, names) });

/** A method call `.name(` on any receiver. */
const method = (names: string[]): Sign => ({
  startsAt: names,
  at: (src, i) => src.tokens[i - 1]?.value === "." && names.includes(src.tokens[i]!.value) && src.tokens[i + 1]?.value === "(",
  inText: hasWord(names),
});

/** Index of the URL argument for net/http request helpers. */
const HTTP_URL_ARGUMENT: Record<string, number> = { Get: 0, Head: 0, Post: 0, PostForm: 0, NewRequest: 1, NewRequestWithContext: 2 };

/** Outbound request with a URL that is not a literal http:// address. */
const httpRequestCall = qualifiedCall("net/http", Object.keys(HTTP_URL_ARGUMENT));
const envLookupCall = qualifiedCall("os", ["Getenv", "LookupEnv"]);
const HTTP_CLIENT_VALUES = ["Client", "Transport", "DefaultClient", "DefaultTransport"];

function outboundRequest(src: GoSourceFile, i: number): boolean {
  if (!httpRequestCall(src, i)) return false;
  const arg = callArguments(src.tokens, i + 3)[HTTP_URL_ARGUMENT[src.tokens[i + 2]!.value]!];
  return !(arg && isPlainHttpLiteral(src, arg.start));
}

function isPlainHttpLiteral(src: GoSourceFile, i: number): boolean {
  const t = src.tokens[i];
  return t?.kind === "string" && t.value.startsWith("http://");
}

/**
 * An HTTP client value (http.Client{}, http.DefaultClient, http.Transport{}). It needs roots unless every
 * request URL in the same function is a literal http:// address, or a parameter that every caller in the
 * file fills with one: the shape of a local health probe.
 */
function httpClient(src: GoSourceFile, i: number): boolean {
  const t = src.tokens;
  const isClient =
    isQualified(src, i, "net/http", /^(DefaultClient|DefaultTransport)$/) ||
    (isQualified(src, i, "net/http", /^(Client|Transport)$/) && t[i + 3]?.value === "{" && !isResultType(t[i - 1]?.value));
  if (!isClient) return false;
  const fn = enclosingFunction(src, i);
  if (!fn) return true;
  const urls: { start: number; end: number }[] = [];
  for (let j = fn.start; j < fn.end; j++) {
    const name = t[j]!.value;
    if (t[j - 1]?.value === "." && name in HTTP_URL_ARGUMENT && t[j + 1]?.value === "(") {
      const arg = callArguments(t, j + 1)[HTTP_URL_ARGUMENT[name]!];
      if (arg) urls.push(arg);
    }
  }
  return urls.length === 0 || !urls.every((u) => isLocalUrl(src, fn, u));
}

function isLocalUrl(src: GoSourceFile, fn: { start: number }, arg: { start: number; end: number }): boolean {
  if (isPlainHttpLiteral(src, arg.start)) return true;
  const t = src.tokens;
  if (arg.end - arg.start !== 1 || t[arg.start]!.kind !== "ident") return false;
  const { name, params } = functionSignature(src, fn);
  const position = params.indexOf(t[arg.start]!.value);
  if (!name || position === -1) return false;
  const callers: number[] = [];
  t.forEach((tok, j) => {
    if (tok.value !== name || tok.kind !== "ident" || t[j + 1]?.value !== "(" || t[j - 1]?.value === "func" || t[j - 1]?.value === ".") return;
    const given = callArguments(t, j + 1)[position];
    callers.push(given ? given.start : -1);
  });
  return callers.length > 0 && callers.every((c) => c >= 0 && isPlainHttpLiteral(src, c));
}

/** `*http.Client {` or `) http.Client {` is a function's result type before its body, not a composite literal. */
function isResultType(previous: string | undefined): boolean {
  return previous === "*" || previous === ")";
}

/** Any net/http client or TLS dial, whatever the URL: the binary then links Go's TLS client. */
const anyHttpClient = (src: GoSourceFile, i: number) =>
  httpRequestCall(src, i) || isQualified(src, i, "net/http", /^(Client|Transport|DefaultClient|DefaultTransport)$/);

const TOKEN_RULES: TokenRule[] = [
  { need: "tlsClientCode", startsAt: "package", at: anyHttpClient, inText: mentions("net/http", [...Object.keys(HTTP_URL_ARGUMENT), ...HTTP_CLIENT_VALUES]) },
  { need: "tlsClientCode", ...call("crypto/tls", ["Dial", "DialWithDialer", "Client"]) },
  { need: "tlsRoots", startsAt: "package", at: outboundRequest, inText: mentions("net/http", Object.keys(HTTP_URL_ARGUMENT)) },
  { need: "tlsRoots", startsAt: "package", at: httpClient, inText: mentions("net/http", HTTP_CLIENT_VALUES) },
  { need: "tlsRoots", ...call("crypto/tls", ["Dial", "DialWithDialer", "Client"]) },
  { need: "tlsRoots", ...call("crypto/x509", ["SystemCertPool"]) },
  { need: "tlsRoots", startsAt: "string", at: (src, i) => src.tokens[i]!.kind === "string" && /^(https|wss):\/\/./.test(src.tokens[i]!.value), inText: (text) => /["`](https|wss):\/\//.test(text) },
  { need: "zoneinfo", ...call("time", ["LoadLocation"]) },
  {
    need: "zoneinfo",
    startsAt: "package",
    at: (src, i) => envLookupCall(src, i) && src.tokens[i + 4]?.kind === "string" && src.tokens[i + 4]!.value === "TZ",
    inText: both(mentions("os", ["Getenv", "LookupEnv"]), hasWord(["TZ"])),
  },
  { need: "tmp", ...call("os", ["TempDir", "CreateTemp", "MkdirTemp"]) },
  { need: "tmp", ...call("io/ioutil", ["TempFile", "TempDir"]) },
  // Multipart forms larger than the memory limit spill to temporary files.
  { need: "tmp", ...method(["FormFile", "ParseMultipartForm"]) },
  { need: "user", ...call("os/user", ["Current", "Lookup", "LookupId", "LookupGroup", "LookupGroupId"]) },
];

/**
 * Whether a file with this text and these imports (local name -> import path, from its header) may
 * hold a sign that only its tokens show. A dependency file for which this is false is read for its
 * header alone: most of a large dependency tree is never lexed in full.
 */
export function mayShowNeedsInTokens(text: string, localNames: Map<string, string>): boolean {
  return TOKEN_RULES.some((rule) => rule.inText(text, localNames));
}

/** SDKs that talk HTTPS to their service. */
const HTTPS_SDKS = [
  "cloud.google.com/go",
  "google.golang.org/api",
  "google.golang.org/grpc/credentials",
  "github.com/aws/aws-sdk-go",
  "github.com/aws/aws-sdk-go-v2",
  "github.com/Azure/azure-sdk-for-go",
  "github.com/stripe/stripe-go",
  "github.com/google/go-github",
  "github.com/slack-go/slack",
  "github.com/sendgrid/sendgrid-go",
  "github.com/twilio/twilio-go",
  "golang.org/x/oauth2",
];

const under = (prefix: string) => (p: string) => p === prefix || p.startsWith(`${prefix}/`);

const IMPORT_RULES: ImportRule[] = [
  ...HTTPS_SDKS.map((sdk): ImportRule => ({ need: "tlsRoots", matches: under(sdk) })),
  { need: "user", matches: (p) => p === "os/user" },
];

/**
 * text/template and html/template call methods by name, so Go's linker keeps every exported method
 * of every linked type, Request.ParseMultipartForm included, which spills large uploads to /tmp.
 * With net/http in the program, the binary can create temp files: evidence is the template import.
 */
function templatesKeepMultipart(files: GoSourceFile[]): Evidence[] {
  const imports = files.flatMap((src) => src.imports.map((imp) => ({ src, imp })));
  if (!imports.some(({ imp }) => imp.path === "net/http")) return [];
  return imports.filter(({ imp }) => imp.path === "html/template" || imp.path === "text/template").map(({ src, imp }) => evidenceAt(src, imp.line));
}

/** Evidence of needs that a file's tokens show, by need. */
export type TokenSigns = Partial<Record<Need, Evidence[]>>;

const PACKAGE_RULES = TOKEN_RULES.filter((r) => r.startsAt === "package");
const STRING_RULES = TOKEN_RULES.filter((r) => r.startsAt === "string");
const IDENTIFIER_RULES = new Map<string, TokenRule[]>();
for (const rule of TOKEN_RULES) {
  if (Array.isArray(rule.startsAt)) for (const name of rule.startsAt) IDENTIFIER_RULES.set(name, [...(IDENTIFIER_RULES.get(name) ?? []), rule]);
}

export function tokenSigns(src: GoSourceFile): TokenSigns {
  const found: TokenSigns = {};
  const ask = (rules: TokenRule[], i: number) => {
    for (const rule of rules) if (rule.at(src, i)) (found[rule.need] ??= []).push(evidenceAt(src, src.tokens[i]!.line));
  };
  const tokens = src.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.kind === "string") ask(STRING_RULES, i);
    else if (tok.kind === "ident") {
      if (src.localNames.has(tok.value)) ask(PACKAGE_RULES, i);
      const named = IDENTIFIER_RULES.get(tok.value);
      if (named) ask(named, i);
    }
  }
  return found;
}

/**
 * A dependency's file as the analysis keeps it: its header (package clause, imports, build constraints)
 * and the signs its tokens show, worked out when it was read, so its tokens need not stay in memory.
 */
export interface DependencyFile {
  header: GoSourceFile;
  signs: TokenSigns;
}

/**
 * The needs of a program from its own files and its dependencies' files. `tzdataTag`: build-script
 * lines that pass `-tags timetzdata`, which embeds tzdata like importing time/tzdata.
 */
export function runtimeNeeds(files: GoSourceFile[], tzdataTag: Evidence[] = [], dependencies: DependencyFile[] = []): RuntimeNeeds {
  const found: Record<Need, Evidence[]> = { tlsRoots: [], tlsClientCode: [], zoneinfo: [], tmp: [], user: [] };
  const tzdata: Evidence[] = [...tzdataTag];
  const headers = [...files, ...dependencies.map((d) => d.header)];
  for (const src of headers) {
    for (const imp of src.imports) {
      for (const rule of IMPORT_RULES) if (rule.matches(imp.path)) found[rule.need].push(evidenceAt(src, imp.line));
      if (imp.path === "time/tzdata") tzdata.push(evidenceAt(src, imp.line));
    }
  }
  for (const signs of [...files.map(tokenSigns), ...dependencies.map((d) => d.signs)]) {
    for (const [need, evidence] of Object.entries(signs) as [Need, Evidence[]][]) found[need].push(...evidence);
  }
  found.tmp.push(...templatesKeepMultipart(headers));
  const need = (n: Need) => {
    const evidence = uniqueEvidence(found[n]);
    return { needed: evidence.length > 0, evidence };
  };
  const zone = need("zoneinfo");
  return {
    tlsRoots: need("tlsRoots"),
    tlsClientCode: need("tlsClientCode"),
    zoneinfo: { needed: zone.needed, evidence: uniqueEvidence([...zone.evidence, ...tzdata]), embeddedTzdata: tzdata.length > 0 },
    tmp: need("tmp"),
    user: need("user"),
  };
}
