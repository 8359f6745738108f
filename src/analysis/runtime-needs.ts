/**
 * What the program needs from the image at run time. Each need is a list of rules over tokens or
 * imports; add a rule to the table to teach the analysis a new sign.
 */
import { callArguments, enclosingFunction, functionSignature, isQualified, type GoSourceFile } from "./go-source.js";
import { evidenceAt, uniqueEvidence } from "./evidence.js";
import type { Evidence, RuntimeNeeds } from "./types.js";

type Need = "tlsRoots" | "tlsClientCode" | "zoneinfo" | "tmp" | "user";

interface TokenRule {
  need: Need;
  /** True when the token at `i` starts a sign of the need. */
  at(src: GoSourceFile, i: number): boolean;
}

interface ImportRule {
  need: Need;
  matches(importPath: string): boolean;
}

const call = (pkg: string, names: string[]) => {
  const member = new RegExp(`^(${names.join("|")})$`);
  return (src: GoSourceFile, i: number) => isQualified(src, i, pkg, member) && src.tokens[i + 3]?.value === "(";
};

/** A method call `.name(` on any receiver. */
const method = (names: string[]) => (src: GoSourceFile, i: number) =>
  src.tokens[i - 1]?.value === "." && names.includes(src.tokens[i]!.value) && src.tokens[i + 1]?.value === "(";

/** Index of the URL argument for net/http request helpers. */
const HTTP_URL_ARGUMENT: Record<string, number> = { Get: 0, Head: 0, Post: 0, PostForm: 0, NewRequest: 1, NewRequestWithContext: 2 };

/** Outbound request with a URL that is not a literal http:// address. */
const httpRequestCall = call("net/http", Object.keys(HTTP_URL_ARGUMENT));
const envLookupCall = call("os", ["Getenv", "LookupEnv"]);

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
  { need: "tlsClientCode", at: anyHttpClient },
  { need: "tlsClientCode", at: call("crypto/tls", ["Dial", "DialWithDialer", "Client"]) },
  { need: "tlsRoots", at: outboundRequest },
  { need: "tlsRoots", at: httpClient },
  { need: "tlsRoots", at: call("crypto/tls", ["Dial", "DialWithDialer", "Client"]) },
  { need: "tlsRoots", at: call("crypto/x509", ["SystemCertPool"]) },
  { need: "tlsRoots", at: (src, i) => src.tokens[i]!.kind === "string" && /^(https|wss):\/\/./.test(src.tokens[i]!.value) },
  { need: "zoneinfo", at: call("time", ["LoadLocation"]) },
  { need: "zoneinfo", at: (src, i) => envLookupCall(src, i) && src.tokens[i + 4]?.kind === "string" && src.tokens[i + 4]!.value === "TZ" },
  { need: "tmp", at: call("os", ["TempDir", "CreateTemp", "MkdirTemp"]) },
  { need: "tmp", at: call("io/ioutil", ["TempFile", "TempDir"]) },
  // Multipart forms larger than the memory limit spill to temporary files.
  { need: "tmp", at: method(["FormFile", "ParseMultipartForm"]) },
  { need: "user", at: call("os/user", ["Current", "Lookup", "LookupId", "LookupGroup", "LookupGroupId"]) },
];

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

/** `tzdataTag`: build-script lines that pass `-tags timetzdata`, which embeds tzdata like importing time/tzdata. */
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

export function runtimeNeeds(files: GoSourceFile[], tzdataTag: Evidence[] = []): RuntimeNeeds {
  const found: Record<Need, Evidence[]> = { tlsRoots: [], tlsClientCode: [], zoneinfo: [], tmp: [], user: [] };
  const tzdata: Evidence[] = [...tzdataTag];
  for (const src of files) {
    for (const imp of src.imports) {
      for (const rule of IMPORT_RULES) if (rule.matches(imp.path)) found[rule.need].push(evidenceAt(src, imp.line));
      if (imp.path === "time/tzdata") tzdata.push(evidenceAt(src, imp.line));
    }
    src.tokens.forEach((tok, i) => {
      for (const rule of TOKEN_RULES) if (rule.at(src, i)) found[rule.need].push(evidenceAt(src, tok.line));
    });
  }
  found.tmp.push(...templatesKeepMultipart(files));
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
