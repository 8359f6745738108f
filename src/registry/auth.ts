import { ExitCode } from "../errors.js";
import { refusedLoginHint, type RegistryCredentials } from "./credentials.js";
import { RegistryError, summariseErrorBody } from "./errors.js";
import { isRetryableStatus, networkError, parseRetryAfter, RetryAfterError, withRetries, type RetryPolicy } from "./retry.js";

/** One parsed `WWW-Authenticate` challenge. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="repository:a:pull,push"` (quoted values may hold commas). */
export function parseChallenge(header: string | null): AuthChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const paramPattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of (match[2] ?? "").matchAll(paramPattern)) {
    const key = (m[1] ?? "").toLowerCase();
    params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
  }
  return { scheme: (match[1] ?? "").toLowerCase(), params };
}

/** "repository:app:pull,push" */
export function repositoryScope(repository: string, actions: string[]): string {
  return `repository:${repository}:${actions.join(",")}`;
}

const LOGIN_HINT = "log in (docker login) or set SLIMGO_REGISTRY_USERNAME and SLIMGO_REGISTRY_PASSWORD";

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * Answers "which Authorization header goes on a request needing these scopes?" for one registry:
 * nothing until the registry challenges, then Basic credentials or a bearer token fetched
 * from the challenge's realm and cached per scope set until it expires or is rejected.
 */
export class Authenticator {
  private scheme: "unknown" | "basic" | "bearer" = "unknown";
  private realm?: { url: string; service?: string };
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();
  /** Scopes a registry's challenge asked for beyond a request's own, by the request's scopes: asked for again on every such request. */
  private readonly widened = new Map<string, string[]>();
  private credentials?: Promise<RegistryCredentials | undefined>;

  constructor(
    private readonly registry: string,
    private readonly loadCredentials: () => Promise<RegistryCredentials | undefined>,
    private readonly retry: RetryPolicy,
    private readonly userAgent: string,
  ) {}

  private creds(): Promise<RegistryCredentials | undefined> {
    this.credentials ??= this.loadCredentials();
    return this.credentials;
  }

  /** The header value for a request needing `scopes`, or undefined to go anonymously. */
  async authorization(scopes: string[]): Promise<string | undefined> {
    if (this.scheme === "basic") return this.basicHeader(await this.creds());
    if (this.scheme === "bearer") {
      const wanted = this.widened.get(scopeKey(scopes)) ?? scopes;
      const key = scopeKey(wanted);
      const cached = this.tokens.get(key);
      if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
      // Parallel blob pushes share one token request per scope set.
      let pending = this.pending.get(key);
      if (!pending) {
        pending = this.fetchToken(wanted).finally(() => this.pending.delete(key));
        this.pending.set(key, pending);
      }
      return `Bearer ${await pending}`;
    }
    return undefined;
  }

  /**
   * Handles a 401 to a request that was sent with `sent` as its Authorization header.
   * Returns the scopes to try again with (fresh authorization is asked for them); throws a
   * one-line error naming the registry (and the user, never the secret) when trying again
   * cannot help or `lastChance` is set.
   */
  async onUnauthorized(response: Response, scopes: string[], sent: string | undefined, lastChance: boolean): Promise<string[]> {
    const challenge = parseChallenge(response.headers.get("www-authenticate"));
    const body = await response.text().catch(() => "");
    const creds = await this.creds();
    const fail = () => (creds ? this.authFailed(creds, 401, body) : this.authRequired(body));
    if (challenge?.scheme === "basic") {
      if (!creds || (creds.password === undefined && !creds.registryToken)) throw this.authRequired(body);
      if ((this.scheme === "basic" && sent !== undefined) || lastChance) throw fail();
      this.scheme = "basic";
      return scopes;
    }
    if (challenge?.scheme === "bearer" && challenge.params.realm) {
      this.scheme = "bearer";
      this.realm = { url: challenge.params.realm, service: challenge.params.service };
      const asking = this.widened.get(scopeKey(scopes)) ?? scopes;
      // A token that was turned down (expired, or too narrow) is not asked again.
      if (sent !== undefined) this.tokens.delete(scopeKey(asking));
      if (lastChance) {
        // The login was accepted, only the token it got does not cover the request: a repository
        // the user may not push to (or read), not wrong credentials.
        if (creds && sent !== undefined && challenge.params.error === "insufficient_scope") {
          throw this.accessDenied(creds, challenge.params.scope || scopes.join(" "), body);
        }
        throw fail();
      }
      // The challenge names the scopes the registry wants: kept for every later request like this
      // one, not only the next try, so an upload (whose body cannot be sent twice) gets them first.
      const asked = (challenge.params.scope ?? "").split(" ").filter((s) => s !== "" && !coveredBy(asking, s));
      if (asked.length > 0) this.widened.set(scopeKey(scopes), [...asking, ...asked]);
      return scopes;
    }
    throw fail();
  }

  private basicHeader(creds: RegistryCredentials | undefined): string | undefined {
    if (!creds) return undefined;
    if (creds.registryToken) return `Bearer ${creds.registryToken}`;
    if (creds.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${creds.username ?? ""}:${creds.password}`).toString("base64")}`;
  }

  private async fetchToken(scopes: string[]): Promise<string> {
    const realm = this.realm;
    if (!realm) throw new RegistryError(this.registry, "bearer challenge without a realm");
    const creds = await this.creds();
    if (creds?.registryToken) return creds.registryToken;
    let url: URL;
    try {
      url = new URL(realm.url);
    } catch {
      throw new RegistryError(this.registry, "the token realm in the registry's challenge is not a URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new RegistryError(this.registry, "the token realm in the registry's challenge is not an http(s) URL");
    }
    const realmName = url.host;
    const token = await withRetries(this.retry, async () => {
      let response: Response;
      try {
        response = creds?.identityToken ? await this.postRefreshToken(url, realm.service, scopes, creds.identityToken) : await this.getToken(url, realm.service, scopes, creds);
      } catch (err) {
        throw networkError(this.registry, `token request to ${realmName}`, err, true);
      }
      if (response.status === 401 || response.status === 403) {
        const body = await response.text().catch(() => "");
        throw creds ? this.authFailed(creds, response.status, body) : this.authRequired(body);
      }
      if (!response.ok) {
        const body = await response.text().catch(() => "");
        const { summary, codes } = summariseErrorBody(body);
        const message = `token request to ${realmName} failed (${response.status})${summary ? `: ${summary}` : ""}`;
        if (isRetryableStatus(response.status)) {
          throw new RetryAfterError(this.registry, message, parseRetryAfter(response.headers.get("retry-after")), { status: response.status, codes });
        }
        throw new RegistryError(this.registry, message, { status: response.status, codes });
      }
      const answer = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
      const value = typeof answer.token === "string" && answer.token !== "" ? answer.token : answer.access_token;
      if (typeof value !== "string" || value === "") {
        throw new RegistryError(this.registry, `token endpoint ${realmName} answered without a token`);
      }
      const lifetime = typeof answer.expires_in === "number" && answer.expires_in > 0 ? answer.expires_in : 60;
      return { value, expiresAt: Date.now() + Math.max(lifetime / 2, lifetime - 30) * 1000 };
    });
    this.tokens.set(scopeKey(scopes), token);
    return token.value;
  }

  private getToken(url: URL, service: string | undefined, scopes: string[], creds: RegistryCredentials | undefined): Promise<Response> {
    const target = new URL(url);
    if (service) target.searchParams.set("service", service);
    for (const scope of scopes) target.searchParams.append("scope", scope);
    const headers: Record<string, string> = { "user-agent": this.userAgent };
    const basic = creds?.password !== undefined ? this.basicHeader({ ...creds, registryToken: undefined }) : undefined;
    if (basic) headers.authorization = basic;
    return fetch(target, { headers });
  }

  private postRefreshToken(url: URL, service: string | undefined, scopes: string[], refreshToken: string): Promise<Response> {
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: "slimgo" });
    if (service) form.set("service", service);
    if (scopes.length > 0) form.set("scope", scopes.join(" "));
    return fetch(url, { method: "POST", body: form, headers: { "user-agent": this.userAgent } });
  }

  private authRequired(body: string): RegistryError {
    const { codes } = summariseErrorBody(body);
    return new RegistryError(this.registry, `authentication required (401): ${LOGIN_HINT}`, { status: 401, codes, exitCode: ExitCode.usage });
  }

  private accessDenied(creds: RegistryCredentials, scope: string, body: string): RegistryError {
    const { codes } = summariseErrorBody(body);
    const who = creds.username ? `user ${creds.username}` : `the token from ${creds.source}`;
    const asked = /^repository:(.+):([^:]*)$/.exec(scope.split(" ")[0] ?? "");
    const what = asked ? `${asked[2]!.split(",").includes("push") ? "push to" : "pull"} ${asked[1]}` : `have ${scope}`;
    return new RegistryError(
      this.registry,
      `access denied for ${who} (401 insufficient_scope): the login is accepted but may not ${what}: check the repository name and the user's rights on it`,
      { status: 401, codes, exitCode: ExitCode.usage },
    );
  }

  private authFailed(creds: RegistryCredentials, status: number, body: string): RegistryError {
    const { codes } = summariseErrorBody(body);
    const who = creds.username ? `for user ${creds.username}` : `with the token from ${creds.source}`;
    return new RegistryError(this.registry, `authentication failed ${who} (${status}): ${refusedLoginHint(creds, this.registry)}`, {
      status,
      codes,
      exitCode: ExitCode.usage,
    });
  }
}

/** True when "repository:app:pull" is already granted by a scope like "repository:app:pull,push". */
function coveredBy(scopes: string[], wanted: string): boolean {
  const split = (s: string) => {
    const at = s.lastIndexOf(":");
    return { resource: s.slice(0, at), actions: s.slice(at + 1).split(",") };
  };
  const w = split(wanted);
  return scopes.some((s) => {
    const have = split(s);
    return have.resource === w.resource && w.actions.every((a) => have.actions.includes(a));
  });
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(" ");
}
