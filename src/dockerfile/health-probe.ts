/**
 * A tiny HTTP health probe in Go, for images with no shell or curl: `init` writes it into the
 * Dockerfile's build stage and `build` compiles it for each platform.
 * Usage: healthcheck HOST:PORT PATH [PORT_ENV] — exits 0 on a 2xx answer; when PORT_ENV names a
 * set variable, its port (the value, or what follows the last ":" of an address such as
 * LISTEN_ADDR=:9000) replaces the port, so the probe follows the service's own setting. HOST is an
 * IPv4 address or localhost (a container's health check dials itself).
 *
 * It speaks to the socket through package syscall, not net: net (its resolver, poller and TLS-free
 * HTTP plumbing) made the probe 1.44 MiB (653 KiB gzipped); this one is about 1 MB (450 KiB), most of
 * it Go's runtime. SO_SNDTIMEO bounds the connect and SO_RCVTIMEO the read, 2 s each.
 */
import { unsetListenVariable } from "../analysis/server.js";
import type { Evidence, ProgramFacts } from "../analysis/types.js";
import { inputError } from "../errors.js";

export const HEALTH_PROBE_SOURCE_LINES: readonly string[] = [
  "package main",
  'import ("os"; "strconv"; "strings"; "syscall")',
  "func main() {",
  "  addr := os.Args[1]",
  "  if len(os.Args) > 3 {",
  '    if v := os.Getenv(os.Args[3]); v != "" { addr = "127.0.0.1:" + v[strings.LastIndex(v, ":")+1:] }',
  "  }",
  '  i := strings.LastIndex(addr, ":")',
  "  port, err := strconv.Atoi(addr[i+1:])",
  "  var ip [4]byte",
  '  for n, part := range strings.Split(strings.Replace(addr[:i], "localhost", "127.0.0.1", 1), ".") {',
  "    if v, _ := strconv.Atoi(part); n < 4 { ip[n] = byte(v) }",
  "  }",
  "  fd, _ := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)",
  "  tv := syscall.Timeval{Sec: 2}",
  "  _ = syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_SNDTIMEO, &tv)",
  "  _ = syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)",
  "  if err != nil || syscall.Connect(fd, &syscall.SockaddrInet4{Port: port, Addr: ip}) != nil { os.Exit(1) }",
  '  _, _ = syscall.Write(fd, []byte("GET " + os.Args[2] + " HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n"))',
  "  b, n := make([]byte, 12), 0",
  "  for n < len(b) {",
  "    m, err := syscall.Read(fd, b[n:])",
  "    if err != nil || m <= 0 { break }",
  "    n += m",
  "  }",
  '  if n < 10 || !strings.HasPrefix(string(b), "HTTP/") || b[9] != \'2\' { os.Exit(1) }',
  "}",
];

/**
 * Outside /usr/local/bin, where every program's binary goes under its own name: a program called
 * healthcheck would take the probe's place (and its HEALTHCHECK would start a second server).
 */
export const HEALTH_PROBE_PATH = "/usr/local/libexec/slimgo/healthcheck";

/** Where the build stage leaves the probe: beside its source, not in /out, where each program's binary is /out/NAME. */
export const HEALTH_PROBE_BUILD_OUTPUT = "/probe/healthcheck";

/** How often and how patiently the image's health check runs: the Dockerfile's HEALTHCHECK and compose.yaml alike. */
export const HEALTHCHECK_TIMING = { interval: "30s", timeout: "5s", startPeriod: "5s", retries: 3 } as const;

/** The Dockerfile's exec-form HEALTHCHECK instruction for `command`, with HEALTHCHECK_TIMING. */
export function healthcheckInstruction(command: readonly string[]): string {
  const t = HEALTHCHECK_TIMING;
  return `HEALTHCHECK --interval=${t.interval} --timeout=${t.timeout} --start-period=${t.startPeriod} --retries=${t.retries} CMD [${command.map((c) => JSON.stringify(c)).join(", ")}]`;
}

/** The probe's command line for a health endpoint. */
export function healthProbeCommand(address: string, path: string, portEnv?: string): string[] {
  return [HEALTH_PROBE_PATH, address, path, ...(portEnv ? [portEnv] : [])];
}

/** What the image's health check asks, for `init`'s HEALTHCHECK and `build`'s config alike. */
export type HealthTarget =
  | { kind: "flag"; flag: string; evidence: Evidence }
  /** GET `path` on `port`; `portEnv` names the variable that moves the port at run time. */
  | { kind: "endpoint"; port: number; path: string; portEnv?: string; evidence: Evidence[] }
  /** `tls`: the endpoint is served over TLS, which the plain-HTTP probe cannot get a 2xx from. */
  | { kind: "none"; tls?: Evidence };

/**
 * The binary's own health flag, else its health endpoint on the port that serves it: the port of
 * the server the route is registered beside (`ListenAndServe(":8081", mux)` next to a gRPC
 * listener), else the program's port. `port` and `path` are the user's choices, which win: a path
 * the user gives is probed even when the binary has a flag.
 */
export function healthTarget(facts: ProgramFacts, chosen: { port?: number; path?: string } = {}): HealthTarget {
  if (facts.healthFlag && chosen.path === undefined) return { kind: "flag", flag: facts.healthFlag.name, evidence: facts.healthFlag.evidence };
  // A path the user names is probed on the server its route is registered beside, when the source says.
  const endpoint = chosen.path === undefined ? facts.healthEndpoints[0] : facts.healthEndpoints.find((e) => e.path === chosen.path);
  const path = chosen.path ?? endpoint?.path;
  const beside = chosen.port === undefined ? endpoint?.port : undefined;
  const ownPort = beside !== undefined && beside !== facts.ports[0]?.port;
  const port = ownPort ? beside : (chosen.port ?? facts.ports[0]?.port);
  if (path === undefined || port === undefined) return { kind: "none" };
  // A health route on a plain server of its own (beside a TLS listener) is still probed; the TLS one is not.
  if (facts.tlsServer && !ownPort) return { kind: "none", tls: facts.tlsServer };
  const first = facts.ports[0];
  // The variable that moves the port at run time: the one whose default gave it, else one the program reads with no default.
  const follows = first?.source === "env" ? first.envVar : unsetListenVariable(facts.envVariables)?.name;
  const portEnv = chosen.port === undefined && !ownPort ? follows : undefined;
  return { kind: "endpoint", port, path, ...(portEnv ? { portEnv } : {}), evidence: chosen.path !== undefined || !endpoint ? [] : [endpoint.evidence] };
}

/**
 * A health endpoint path as the probe sends it in its request line: "GET healthz HTTP/1.0" (no "/")
 * is never answered 2xx, and white space would break the line, so both are refused. `more` names
 * what else the option accepts.
 */
export function checkHealthPath(option: string, path: string, more = ""): void {
  if (/^\/\S*$/.test(path)) return;
  const suggestion = `/${path.replace(/^[./]+/, "")}`;
  throw inputError(`${option} ${path}: expected a path starting with "/" and without spaces (e.g. ${/^\/\S+$/.test(suggestion) ? suggestion : "/healthz"})${more}`);
}
