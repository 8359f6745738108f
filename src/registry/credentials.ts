import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { inputError } from "../errors.js";
import { DOCKER_HUB, normaliseRegistry } from "./reference.js";

/** What a registry login is made of. Never print or log any of it except `username`. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken` in config.json; helpers answer Username "<token>"). */
  identityToken?: string;
  /** A bearer token to send as is (`registrytoken` in config.json). */
  registryToken?: string;
  /** Where they came from, for error messages: ENV_SOURCE, the config.json path, "docker-credential-osxkeychain". */
  source: string;
}

export interface CredentialLookupOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** false: only the Docker config, not SLIMGO_REGISTRY_* (they are another registry's login). Default true. */
  useEnv?: boolean;
}

export const USERNAME_ENV = "SLIMGO_REGISTRY_USERNAME";
export const PASSWORD_ENV = "SLIMGO_REGISTRY_PASSWORD";
/** The `source` of credentials from the environment. */
export const ENV_SOURCE = `${USERNAME_ENV}/${PASSWORD_ENV}`;

/** The server URL Docker uses for Docker Hub in config.json and when asking helpers. */
const DOCKER_HUB_SERVER_URL = "https://index.docker.io/v1/";

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** The directory of Docker's client config: $DOCKER_CONFIG or ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG && env.DOCKER_CONFIG !== "" ? env.DOCKER_CONFIG : join(env.HOME || homedir(), ".docker");
}

/**
 * Credentials for `registry` ("127.0.0.1:5000", "docker.io"), or undefined for anonymous access.
 * Order: SLIMGO_REGISTRY_USERNAME/SLIMGO_REGISTRY_PASSWORD, then config.json's credHelpers,
 * credsStore and auths (the order Docker's CLI uses).
 */
export async function resolveCredentials(
  registry: string,
  options: CredentialLookupOptions = {},
): Promise<RegistryCredentials | undefined> {
  const env = options.env ?? process.env;
  const fromEnv = options.useEnv === false ? undefined : credentialsFromEnv(env);
  if (fromEnv) return fromEnv;

  const configPath = join(dockerConfigDir(env), "config.json");
  const config = await readDockerConfig(configPath);
  if (!config) return undefined;

  const host = normaliseRegistry(registry);
  const helper = findByHost(config.credHelpers ?? {}, host);
  // An empty helper name means the file itself (auths), even with a credsStore, as in Docker's CLI.
  if (helper?.value) {
    const setting = { entry: `the credHelpers entry ${JSON.stringify(helper.key)}`, file: configPath };
    return runCredentialHelper(helper.value, serverUrlFor(host), env, setting);
  }
  if (helper === undefined && config.credsStore) {
    const setting = { entry: `"credsStore": ${JSON.stringify(config.credsStore)}`, file: configPath };
    const stored = await runCredentialHelper(config.credsStore, serverUrlFor(host), env, setting);
    if (stored) return stored;
  }
  const entry = findByHost(config.auths ?? {}, host);
  if (entry === undefined) return undefined;
  return credentialsFromAuthEntry(entry.value, configPath);
}

function credentialsFromEnv(env: NodeJS.ProcessEnv): RegistryCredentials | undefined {
  const username = env[USERNAME_ENV];
  const password = env[PASSWORD_ENV];
  if (!username && !password) return undefined;
  if (!username || !password) {
    throw inputError(`set both ${USERNAME_ENV} and ${PASSWORD_ENV}, or neither`);
  }
  return { username, password, source: ENV_SOURCE };
}

async function readDockerConfig(path: string): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw inputError(`cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
  // Docker reads an empty file (`touch ~/.docker/config.json`) as a config with nothing in it.
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as DockerConfigFile;
  } catch {
    throw inputError(`${path} is not valid JSON: fix it or point DOCKER_CONFIG at another directory`, { file: path });
  }
}

/** Keys in config.json are "host", "https://host", "http://host/v1/", …: compare by host. */
function hostOfKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z]+:\/\//i, "");
  return normaliseRegistry(withoutScheme.split("/", 1)[0] ?? "");
}

function findByHost<T>(entries: Record<string, T>, host: string): { key: string; value: T } | undefined {
  for (const [key, value] of Object.entries(entries)) {
    if (hostOfKey(key) === host) return { key, value };
  }
  return undefined;
}

function serverUrlFor(host: string): string {
  return host === DOCKER_HUB ? DOCKER_HUB_SERVER_URL : host;
}

function credentialsFromAuthEntry(
  entry: NonNullable<DockerConfigFile["auths"]>[string],
  configPath: string,
): RegistryCredentials | undefined {
  const source = configPath;
  const creds: RegistryCredentials = { source };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw inputError(`an "auth" entry in ${configPath} is not base64 of user:password: log in again`, { file: configPath });
    creds.username = decoded.slice(0, colon);
    creds.password = decoded.slice(colon + 1);
  } else if (entry.username && entry.password) {
    creds.username = entry.username;
    creds.password = entry.password;
  }
  if (entry.identitytoken) creds.identityToken = entry.identitytoken;
  if (entry.registrytoken) creds.registryToken = entry.registrytoken;
  if (!creds.password && !creds.identityToken && !creds.registryToken) return undefined;
  return creds;
}

/** Where a helper was named, for errors: `"credsStore": "desktop"` in /root/.docker/config.json. */
export interface HelperSetting {
  entry: string;
  file: string;
}

const HELPER_TIMEOUT_MS = 30_000;

/**
 * Runs `docker-credential-<helper> get` with the server URL on stdin. "Not found" answers
 * give undefined; other failures an error naming the helper and `setting` (its output is not
 * echoed, because a broken helper may print secrets).
 */
export async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv = process.env,
  setting?: HelperSetting,
): Promise<RegistryCredentials | undefined> {
  const where = setting ? `${setting.entry} in ${setting.file}` : "the Docker config";
  if (!/^[\w.-]+$/.test(helper)) throw inputError(`credential helper name ${JSON.stringify(helper)} (${where}) is not valid`, setting && { file: setting.file });
  const program = `docker-credential-${helper}`;
  const { code, stdout, spawnError, stoppedBy } = await new Promise<{
    code: number | null;
    stdout: string;
    spawnError?: NodeJS.ErrnoException;
    stoppedBy?: string;
  }>(
    (resolve) => {
      const child = execFile(program, ["get"], { env, timeout: HELPER_TIMEOUT_MS, maxBuffer: 1 << 20 }, (error, out) => {
        const err = error as (NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: string | null }) | null;
        if (err && typeof err.code === "string") resolve({ code: null, stdout: "", spawnError: err });
        else if (err?.killed) resolve({ code: null, stdout: "", stoppedBy: `did not answer within ${HELPER_TIMEOUT_MS / 1000} s` });
        else if (err?.signal) resolve({ code: null, stdout: "", stoppedBy: `was killed by ${err.signal}` });
        else resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(out) });
      });
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(serverUrl);
    },
  );
  if (spawnError) {
    if (spawnError.code === "ENOENT") {
      const remove = setting ? `remove ${setting.entry} from ${setting.file}` : "remove it from the Docker config";
      throw inputError(`${serverUrl}: credential helper ${program} is not on PATH: install it, or ${remove}`, setting && { file: setting.file });
    }
    throw inputError(`${serverUrl}: credential helper ${program} could not run (${spawnError.code})`);
  }
  if (stoppedBy) throw inputError(`${serverUrl}: credential helper ${program} ${stoppedBy}: see why with: echo ${serverUrl} | ${program} get`);
  if (code !== 0) {
    if (/credentials not found/i.test(stdout)) return undefined;
    throw inputError(`${serverUrl}: credential helper ${program} failed (exit ${code}): see why with: echo ${serverUrl} | ${program} get`);
  }
  let answer: { Username?: unknown; Secret?: unknown };
  try {
    answer = JSON.parse(stdout) as typeof answer;
  } catch {
    throw inputError(`${serverUrl}: credential helper ${program} did not answer with JSON`);
  }
  const username = typeof answer.Username === "string" ? answer.Username : "";
  const secret = typeof answer.Secret === "string" ? answer.Secret : "";
  if (secret === "") return undefined;
  if (username === "<token>") return { identityToken: secret, source: program };
  return { username, password: secret, source: program };
}

/** What to tell a user whose login `registry` refused: where it came from and how to fix it there. */
export function refusedLoginHint(creds: RegistryCredentials, registry: string): string {
  if (creds.source === ENV_SOURCE) {
    return `the registry refused the login from ${ENV_SOURCE}, which take precedence over the Docker config: correct or unset them`;
  }
  return `the registry refused the login from ${creds.source}: log in again (docker login ${registry})`;
}
