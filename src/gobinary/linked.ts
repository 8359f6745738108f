/**
 * From the names in a Go binary's function table: which packages are linked, and which run-time
 * needs (certificates, zoneinfo, temp dir, passwd, libc resolver) that code implies.
 */
import type { LinkedNeed, LinkedRuntimeNeeds } from "./types.js";

/** Evidence lists stay short: a few names prove the point. */
const MAX_EVIDENCE = 8;

/**
 * The import path of the package a function belongs to: `crypto/tls.(*Conn).Handshake` →
 * `crypto/tls`, `gopkg.in/yaml%2ev3.Unmarshal` → `gopkg.in/yaml.v3`. Undefined for linker-made
 * symbols (`type..eq.*`, `go.buildid`) and assembly entry points without a package.
 */
export function packageOf(functionName: string): string | undefined {
  // Generic instantiations carry type arguments (which may hold paths) in brackets.
  const bracket = functionName.indexOf("[");
  const name = bracket < 0 ? functionName : functionName.slice(0, bracket);
  if (/^(type|go)[.:]/.test(name)) return undefined;
  const lastSlash = name.lastIndexOf("/");
  const dot = name.indexOf(".", lastSlash + 1);
  if (dot <= 0) return undefined;
  const escaped = name.slice(0, dot);
  try {
    return decodeURIComponent(escaped.replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
  } catch {
    return escaped;
  }
}

/** Sorted import paths of the packages that own at least one function in `names`. */
export function linkedPackages(names: Iterable<string>): string[] {
  const packages = new Set<string>();
  for (const name of names) {
    const pkg = packageOf(name);
    if (pkg !== undefined) packages.add(pkg);
  }
  return [...packages].sort();
}

function need(evidence: string[]): LinkedNeed {
  const sorted = [...new Set(evidence)].sort().slice(0, MAX_EVIDENCE);
  return { linked: sorted.length > 0, evidence: sorted };
}

const X509_ROOTS = [
  "crypto/x509.loadSystemRoots",
  "crypto/x509.initSystemRoots",
  "crypto/x509.systemRootsPool",
  "crypto/x509.SystemCertPool",
];
/**
 * Code that opens TLS client connections. crypto/tls.(*Conn).clientHandshake itself is linked into
 * every TLS server too (Handshake dispatches on the side), so it only counts beside one of these:
 * the method value tls.Client stores (`-fm`), or net/http's client transport.
 */
const TLS_CLIENT = [
  "crypto/tls.(*Conn).clientHandshake-fm",
  "net/http.(*Transport).RoundTrip",
  "crypto/tls.Dial",
  "crypto/tls.DialWithDialer",
  "crypto/tls.(*Dialer).DialContext",
];
const TEMP_FILES = ["os.CreateTemp", "os.MkdirTemp", "os.TempDir", "io/ioutil.TempFile", "io/ioutil.TempDir"];
/** Pure-Go os/user reads /etc/passwd and /etc/group through these. */
const PURE_USER_LOOKUP = ["os/user.readColonFile", "os/user.findUserId", "os/user.findUsername"];

/** Run-time needs implied by the linked functions; evidence is the function names found. */
export function linkedRuntimeNeeds(names: Iterable<string>): LinkedRuntimeNeeds {
  const all = new Set(names);
  const present = (candidates: string[]) => candidates.filter((n) => all.has(n));
  const withPrefix = (prefix: string) => [...all].filter((n) => n.startsWith(prefix));

  // time.loadLocation alone comes with every program that prints local time (time.initLocal reads
  // TZ or /etc/localtime and falls back to UTC); only time.LoadLocation asks for named zones.
  const loadsZones = all.has("time.LoadLocation");
  const zoneinfo = need(loadsZones ? present(["time.LoadLocation", "time.loadLocation"]) : []);
  const tzdataEvidence = need(withPrefix("time/tzdata.")).evidence;

  const userFunctions = withPrefix("os/user.");
  const cgoUser = userFunctions.filter((n) => n.startsWith("os/user._C"));
  const pureUser = present(PURE_USER_LOOKUP);

  const cgoResolver = withPrefix("net._C");
  const tlsClient = present(TLS_CLIENT);
  return {
    x509Roots: need(present(X509_ROOTS)),
    tlsClient: need(tlsClient.length > 0 ? [...tlsClient, ...present(["crypto/tls.(*Conn).clientHandshake"])] : []),
    zoneinfo: { ...zoneinfo, embeddedTzdata: tzdataEvidence.length > 0, tzdataEvidence, localTime: all.has("time.initLocal") },
    tempFiles: need(present(TEMP_FILES)),
    osUser: {
      ...need(cgoUser.length > 0 ? cgoUser : pureUser.length > 0 ? pureUser : userFunctions),
      lookup: cgoUser.length > 0 ? "cgo" : pureUser.length > 0 ? "pure" : "unknown",
    },
    cgoResolver: need(cgoResolver.length > 0 ? [...cgoResolver, ...present(["net.cgoLookupHost"])] : []),
  };
}
