/**
 * A tiny HTTP health probe in Go, for images with no shell or curl: `init` writes it into the
 * Dockerfile's build stage and `build` compiles it for each platform.
 * Usage: healthcheck HOST:PORT PATH [PORT_ENV] — exits 0 on a 2xx answer; when PORT_ENV names a
 * set variable, its value replaces the port, so the probe follows the service's own PORT.
 */
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

/** The probe's command line for a health endpoint. */
/** How often and how patiently the image's health check runs: the Dockerfile's HEALTHCHECK and compose.yaml alike. */
export const HEALTHCHECK_TIMING = { interval: "30s", timeout: "5s", startPeriod: "5s", retries: 3 } as const;

export function healthProbeCommand(address: string, path: string, portEnv?: string): string[] {
  return [HEALTH_PROBE_PATH, address, path, ...(portEnv ? [portEnv] : [])];
}
