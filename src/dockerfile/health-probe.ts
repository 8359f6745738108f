/**
 * A tiny HTTP health probe in Go, for images with no shell or curl: `init` writes it into the
 * Dockerfile's build stage and `build` compiles it for each platform.
 * Usage: healthcheck HOST:PORT PATH [PORT_ENV] — exits 0 on a 2xx answer; when PORT_ENV names a
 * set variable, its value replaces the port, so the probe follows the service's own PORT.
 */
import type { Evidence, ProgramFacts } from "../analysis/types.js";

export const HEALTH_PROBE_SOURCE_LINES: readonly string[] = [
  "package main",
  'import ("bufio"; "net"; "os"; "strings"; "time")',
  "func main() {",
  "  addr := os.Args[1]",
  '  if len(os.Args) > 3 && os.Getenv(os.Args[3]) != "" { addr = "127.0.0.1:" + os.Getenv(os.Args[3]) }',
  '  c, err := net.DialTimeout("tcp", addr, 2*time.Second)',
  "  if err != nil { os.Exit(1) }",
  "  _ = c.SetDeadline(time.Now().Add(2 * time.Second))",
  '  _, _ = c.Write([]byte("GET " + os.Args[2] + " HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n"))',
  "  status, err := bufio.NewReader(c).ReadString('\\n')",
  "  if f := strings.Fields(status); err != nil || len(f) < 2 || f[1][0] != '2' { os.Exit(1) }",
  "}",
];

export const HEALTH_PROBE_PATH = "/usr/local/bin/healthcheck";

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
  | { kind: "none" };

/**
 * The binary's own health flag, else its health endpoint on the port that serves it: the port of
 * the server the route is registered beside (`ListenAndServe(":8081", mux)` next to a gRPC
 * listener), else the program's port. `port` and `path` are the user's choices, which win: a path
 * the user gives is probed even when the binary has a flag.
 */
export function healthTarget(facts: ProgramFacts, chosen: { port?: number; path?: string } = {}): HealthTarget {
  if (facts.healthFlag && chosen.path === undefined) return { kind: "flag", flag: facts.healthFlag.name, evidence: facts.healthFlag.evidence };
  const endpoint = facts.healthEndpoints[0];
  const path = chosen.path ?? endpoint?.path;
  const beside = chosen.port === undefined && chosen.path === undefined ? endpoint?.port : undefined;
  const ownPort = beside !== undefined && beside !== facts.ports[0]?.port;
  const port = ownPort ? beside : (chosen.port ?? facts.ports[0]?.port);
  if (path === undefined || port === undefined) return { kind: "none" };
  const first = facts.ports[0];
  const portEnv = chosen.port === undefined && !ownPort && first?.source === "env" ? first.envVar : undefined;
  return { kind: "endpoint", port, path, ...(portEnv ? { portEnv } : {}), evidence: chosen.path !== undefined || !endpoint ? [] : [endpoint.evidence] };
}
