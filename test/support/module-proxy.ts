/**
 * A private Go module proxy for tests: the GOPROXY protocol (`$module/@v/list`, `.info`, `.mod`,
 * `.zip`) over HTTPS on 127.0.0.1, answering 401 to requests without the right basic auth, as a
 * company proxy does. HTTPS because go sends ~/.netrc credentials over https only. Module zips
 * are made with the zip tool (scripts/install-testbed.sh installs it).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { runTool } from "./podman.js";

export interface ProxiedModule {
  path: string;
  version: string;
  /** File name (relative to the module root, go.mod included) to content. */
  files: Record<string, string>;
}

export interface ModuleProxy {
  /** https://127.0.0.1:PORT, for GOPROXY. */
  url: string;
  /** The self-signed certificate go must trust (SSL_CERT_FILE). */
  certFile: string;
  /** Every request, and whether it carried the right credentials. */
  requests: { path: string; authorized: boolean }[];
  close(): Promise<void>;
}

export async function startModuleProxy(opts: { modules: ProxiedModule[]; user: string; password: string; dir: string }): Promise<ModuleProxy> {
  const certFile = join(opts.dir, "proxy-cert.pem");
  const keyFile = join(opts.dir, "proxy-key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });

  const responses = new Map<string, { type: string; body: Buffer }>();
  for (const m of opts.modules) {
    const base = `/${m.path}/@v/`;
    responses.set(`${base}list`, { type: "text/plain", body: Buffer.from(`${m.version}\n`) });
    responses.set(`${base}${m.version}.info`, { type: "application/json", body: Buffer.from(JSON.stringify({ Version: m.version, Time: "2024-01-02T03:04:05Z" })) });
    responses.set(`${base}${m.version}.mod`, { type: "text/plain", body: Buffer.from(m.files["go.mod"] ?? `module ${m.path}\n`) });
    responses.set(`${base}${m.version}.zip`, { type: "application/zip", body: await moduleZip(m, opts.dir) });
  }

  const expected = `Basic ${Buffer.from(`${opts.user}:${opts.password}`).toString("base64")}`;
  const requests: ModuleProxy["requests"] = [];
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const authorized = req.headers.authorization === expected;
    requests.push({ path, authorized });
    if (!authorized) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="private modules"', "Content-Type": "text/plain" });
      res.end("credentials required\n");
      return;
    }
    const found = responses.get(path);
    if (!found) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found\n");
      return;
    }
    res.writeHead(200, { "Content-Type": found.type, "Content-Length": found.body.length });
    res.end(found.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    certFile,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The module zip: every file under `path@version/`, as go expects. */
export async function moduleZip(m: ProxiedModule, dir: string): Promise<Buffer> {
  const staging = join(dir, `zip-${m.version}`);
  const prefix = `${m.path}@${m.version}`;
  for (const [name, content] of Object.entries(m.files)) {
    const file = join(staging, prefix, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const zip = join(dir, `${m.version}.zip`);
  await runTool("zip", ["-q", "-r", "-X", "-D", zip, prefix], { cwd: staging });
  return readFileSync(zip);
}
