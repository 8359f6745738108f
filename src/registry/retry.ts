import { setTimeout as sleep } from "node:timers/promises";
import { ExitCode } from "../errors.js";
import { RegistryError } from "./errors.js";

export interface RetryPolicy {
  /** Tries in all, the first included. Default 5. */
  attempts: number;
  /** Delay before the second try; doubles each time, with jitter. Default 250 ms. */
  baseDelayMs: number;
  /** Cap on one delay, Retry-After included. Default 10 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

/** Statuses that mean "try again later". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

const TLS_CODE = /CERT|SSL|TLS|ERR_SSL|SELF_SIGNED|UNABLE_TO_VERIFY/;

/**
 * The innermost error with a code, following `cause` (fetch wraps socket errors in "fetch failed"),
 * and the host name a failed DNS lookup was for.
 */
function rootCause(err: unknown): { code?: string; message: string; hostname?: string } {
  let current: unknown = err;
  let found: { code?: string; message: string; hostname?: string } = { message: String((err as Error)?.message ?? err) };
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    const hostname = (current as { hostname?: unknown }).hostname;
    if (typeof code === "string") found = { code, message: current.message, ...(typeof hostname === "string" ? { hostname } : {}) };
    else if (depth > 0) found = { ...found, message: current.message };
    current = current.cause;
  }
  return found;
}

/** A RegistryError somewhere in the cause chain (for example a source stream that failed verification). */
export function registryErrorIn(err: unknown): RegistryError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof RegistryError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Turns a failed fetch into a one-line RegistryError that says whether trying again may help. */
export function networkError(registry: string, what: string, err: unknown, insecure: boolean): RegistryError {
  const inner = registryErrorIn(err);
  if (inner) return inner;
  const { code, message, hostname } = rootCause(err);
  if (code === "ECONNREFUSED") {
    return new RegistryError(registry, `${what}: connection refused: is the registry running and the port right?`, { cause: err });
  }
  // The host looked up, which is not always the registry's name (docker.io is registry-1.docker.io).
  if (code === "ENOTFOUND") return new RegistryError(registry, `${what}: host ${hostname ? `${hostname} ` : ""}not found`, { cause: err });
  if ((code && TLS_CODE.test(code)) || /wrong version number|certificate/i.test(message)) {
    const hint = insecure ? "" : `: if this registry speaks plain HTTP, name it as insecure: --insecure-registry ${registry} (insecureRegistries in the library)`;
    return new RegistryError(registry, `${what}: TLS failed (${code ?? message})${hint}`, { cause: err, exitCode: ExitCode.usage });
  }
  const retryable =
    (code !== undefined && RETRYABLE_NETWORK_CODES.has(code)) ||
    /socket hang up|other side closed|terminated|ECONNRESET/i.test(message);
  const lookup = code === "EAI_AGAIN" && hostname ? ` looking up ${hostname}` : "";
  return new RegistryError(registry, `${what}: connection failed (${code ?? message}${lookup})`, { cause: err, retryable });
}

/** Seconds or an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A registry asking for a longer pause than this is waited for only this long. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Exponential backoff with jitter for the try after `attempt` (1-based), capped at
 * maxDelayMs; a Retry-After from the registry wins when longer (up to a minute).
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + Math.random() * (exponential / 2);
  if (retryAfterMs === undefined) return jittered;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(jittered, retryAfterMs));
}

/**
 * Runs `step` up to `policy.attempts` times while it throws a retryable RegistryError,
 * waiting with backoff between tries. The last error is rethrown with the number of tries.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  step: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (err) {
      if (!(err instanceof RegistryError) || !err.retryable) throw err;
      if (attempt >= policy.attempts) {
        throw new RegistryError(err.registry, `${err.message.slice(err.registry.length + 2)} (gave up after ${attempt} tries)`, {
          status: err.status,
          codes: err.codes,
          cause: err,
        });
      }
      await sleep(backoffDelay(policy, attempt, retryAfterOf(err)));
    }
  }
}

/** Retry-After travels on the error so withRetries can honour it. */
export class RetryAfterError extends RegistryError {
  constructor(
    registry: string,
    message: string,
    readonly retryAfterMs: number | undefined,
    options: { status?: number; codes?: string[] },
  ) {
    super(registry, message, { ...options, retryable: true });
  }
}

function retryAfterOf(err: RegistryError): number | undefined {
  return err instanceof RetryAfterError ? err.retryAfterMs : undefined;
}
