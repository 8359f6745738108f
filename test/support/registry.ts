// A real distribution registry (Debian's docker-registry 2.8) for tests, on 127.0.0.1 with a temp
// storage dir, optionally behind htpasswd basic auth or token auth. For token auth the test
// process serves the token endpoint itself. Hand-written: no npm package starts this registry.
import { spawn, type ChildProcess } from "node:child_process";
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, runTool, waitForHttp } from "./podman.js";

export type RegistryAuth = "none" | "basic" | "token";

export interface RegistryUser {
  user: string;
  password: string;
}

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** Accepted credentials for basic and token auth; default one user `slimgo` / `slimgo-secret`. */
  users?: RegistryUser[];
  /** Token auth only: how the token endpoint answers, as other registries' endpoints do. */
  token?: TokenEndpointOptions;
}

export interface TokenEndpointOptions {
  /** Seconds a token lives: its `exp` claim and the answer's `expires_in`. Default 300. */
  expiresIn?: number;
  /** Answer `access_token` alone (OAuth2 style), without `token`. */
  accessTokenOnly?: boolean;
  /** The actions granted on a repository out of those asked (default: all), as Docker Hub grants fewer for repositories the user cannot read. */
  grant?: (user: string, repository: string, actions: string[]) => string[];
  /**
   * OAuth2 only: the endpoint takes POST forms (grant_type=password or refresh_token, scope
   * space-separated) and answers GET with 405. The map gives the user of each refresh token
   * (docker login's identity token).
   */
  oauth2Only?: { refreshTokens: Record<string, string> };
}

/** One request the token endpoint answered. */
export interface TokenRequest {
  user: string;
  scopes: string[];
}

export interface TestRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the host part of image references. */
  host: string;
  auth: RegistryAuth;
  users: RegistryUser[];
  /** Token auth only: the token endpoint's URL (the registry's realm). */
  realm?: string;
  /** Token auth only: how many token requests the endpoint has answered (granted or refused). */
  readonly tokenRequests: number;
  /** Token auth only: the granted requests, in order. */
  readonly tokenLog: TokenRequest[];
  /** Token auth only: the service the registry's challenges name. */
  service: string;
  /** Stops the registry (and token endpoint) and removes its storage. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_USERS: RegistryUser[] = [{ user: "slimgo", password: "slimgo-secret" }];
const SERVICE = "slimgo-test-registry";
const ISSUER = "slimgo-test-token-issuer";

/** Starts `docker-registry serve` on a free 127.0.0.1 port and waits until `/v2/` answers. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const auth = opts.auth ?? "none";
  const users = opts.users ?? DEFAULT_USERS;
  const dir = mkdtempSync(join(tmpdir(), "slimgo-testbed-registry-"));
  let tokenServer: Server | undefined;
  let child: ChildProcess | undefined;
  let tokenRequests = 0;
  const tokenLog: TokenRequest[] = [];
  const tokenOptions = opts.token ?? {};
  const lifetime = tokenOptions.expiresIn ?? 300;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child!.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child!.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (tokenServer) await new Promise<void>((r) => tokenServer!.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    let authConfig = "";
    let realm: string | undefined;
    if (auth === "basic") {
      const lines: string[] = [];
      for (const u of users) lines.push((await runTool("htpasswd", ["-Bbn", u.user, u.password])).stdout.trim());
      writeFileSync(join(dir, "htpasswd"), lines.join("\n") + "\n");
      authConfig = `auth:\n  htpasswd:\n    realm: ${SERVICE}\n    path: ${join(dir, "htpasswd")}\n`;
    } else if (auth === "token") {
      const issuer = await tokenIssuer(dir);
      const grantToken = (res: ServerResponse, user: string, service: string, scopes: string[]) => {
        tokenLog.push({ user, scopes });
        const access = scopes.flatMap(parseScope).map((a) =>
          a.type === "repository" && tokenOptions.grant ? { ...a, actions: tokenOptions.grant(user, a.name, a.actions) } : a,
        );
        const token = issuer.issue(user, service, access, lifetime);
        const answer = tokenOptions.accessTokenOnly
          ? { access_token: token, token_type: "Bearer", expires_in: lifetime }
          : { token, access_token: token, expires_in: lifetime, issued_at: new Date().toISOString() };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      };
      const refuse = (res: ServerResponse, status: number, message: string) => {
        res.writeHead(status, { "content-type": "application/json", ...(status === 401 ? { "www-authenticate": `Basic realm="${SERVICE}"` } : {}) });
        res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message }] }));
      };
      tokenServer = createServer((req, res) => {
        tokenRequests++;
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const oauth2 = tokenOptions.oauth2Only;
        if (!oauth2) {
          if (!hasValidBasicCredentials(req.headers.authorization, users)) return refuse(res, 401, "wrong user or password");
          return grantToken(res, basicUser(req.headers.authorization), url.searchParams.get("service") ?? "", url.searchParams.getAll("scope"));
        }
        if (req.method !== "POST") return refuse(res, 405, "use POST with an OAuth2 form");
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
          const scopes = (form.get("scope") ?? "").split(" ").filter((x) => x !== "");
          const service = form.get("service") ?? "";
          if (form.get("grant_type") === "refresh_token") {
            const user = oauth2.refreshTokens[form.get("refresh_token") ?? ""];
            return user === undefined ? refuse(res, 401, "unknown refresh token") : grantToken(res, user, service, scopes);
          }
          const given = { user: form.get("username") ?? "", password: form.get("password") ?? "" };
          if (form.get("grant_type") !== "password" || !users.some((u) => u.user === given.user && u.password === given.password)) {
            return refuse(res, 401, "wrong user or password");
          }
          return grantToken(res, given.user, service, scopes);
        });
      });
      const tokenPort = await listen(tokenServer);
      realm = `http://127.0.0.1:${tokenPort}/token`;
      authConfig =
        `auth:\n  token:\n    realm: ${realm}\n    service: ${SERVICE}\n    issuer: ${ISSUER}\n` +
        `    rootcertbundle: ${issuer.certPath}\n`;
    }
    const configPath = join(dir, "config.yml");
    writeFileSync(
      configPath,
      `version: 0.1\nlog:\n  level: warn\n` +
        `storage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true\n` +
        `http:\n  addr: ${host}\n` +
        authConfig,
    );
    const stderr: string[] = [];
    child = spawn("docker-registry", ["serve", configPath], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.on("data", (b: Buffer) => {
      stderr.push(b.toString("utf8"));
      if (stderr.length > 50) stderr.shift();
    });
    const exitedEarly = new Promise<never>((_, reject) =>
      child!.once("exit", (code) => reject(new Error(`docker-registry exited with ${code}: ${stderr.join("").trim()}`))),
    );
    exitedEarly.catch(() => {}); // only awaited while starting
    await Promise.race([waitForHttp(`http://${host}/v2/`, 15_000), exitedEarly]);
    return {
      url: `http://${host}`,
      host,
      auth,
      users,
      realm,
      get tokenRequests() {
        return tokenRequests;
      },
      tokenLog,
      service: SERVICE,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
}

function decodeBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (!header?.startsWith("Basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function hasValidBasicCredentials(header: string | undefined, users: RegistryUser[]): boolean {
  const given = decodeBasic(header);
  return given !== undefined && users.some((u) => u.user === given.user && u.password === given.password);
}

function basicUser(header: string | undefined): string {
  return decodeBasic(header)?.user ?? "";
}

interface TokenIssuer {
  certPath: string;
  issue(subject: string, service: string, access: GrantedAccess[], lifetimeSeconds: number): string;
}

/**
 * Registry 2.8 finds the signing key from the JWT header: `x5c` (a cert chain ending at a
 * root in `rootcertbundle`), `jwk`, or `kid` as a libtrust fingerprint. `x5c` holding the
 * self-signed root itself is the simplest that verifies. Node cannot make certificates, so
 * openssl does.
 */
async function tokenIssuer(dir: string): Promise<TokenIssuer> {
  const keyPath = join(dir, "token-key.pem");
  const certPath = join(dir, "token-cert.pem");
  await runTool("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyPath, "-out", certPath, "-days", "2", "-subj", `/CN=${ISSUER}`,
  ]);
  const key = createPrivateKey(readFileSync(keyPath));
  const certDer = readFileSync(certPath, "utf8")
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, "")
    .replace(/\s+/g, "");
  const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");
  return {
    certPath,
    issue(subject, service, access, lifetimeSeconds) {
      const now = Math.floor(Date.now() / 1000);
      const header = { typ: "JWT", alg: "ES256", x5c: [certDer] };
      const claims = {
        iss: ISSUER,
        sub: subject,
        aud: service,
        exp: now + lifetimeSeconds,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      };
      const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      // JOSE ES256 signatures are raw r||s, not DER.
      const signature = sign("sha256", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" });
      return `${signingInput}.${b64url(signature)}`;
    },
  };
}

interface GrantedAccess {
  type: string;
  name: string;
  actions: string[];
}

/** `repository:name/with/slashes:pull,push` → an access entry (every asked action). */
function parseScope(scope: string): GrantedAccess[] {
  return scope.split(" ").flatMap((one) => {
    const first = one.indexOf(":");
    const last = one.lastIndexOf(":");
    if (first < 0 || last <= first) return [];
    return [{ type: one.slice(0, first), name: one.slice(first + 1, last), actions: one.slice(last + 1).split(",") }];
  });
}
