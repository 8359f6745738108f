import { ExitCode, SlimgoError } from "../errors.js";

/**
 * A registry operation that failed. The message is one line that starts with the registry
 * and never contains a password or token (they are never passed to this class).
 * Exit 2, as for unreadable input: a registry that is down, refuses us or keeps failing says
 * nothing about the image, so it is not a finding (1), whether slimgo pushes or reads.
 */
export class RegistryError extends SlimgoError {
  readonly registry: string;
  readonly status?: number;
  /** Registry error codes from the response body, e.g. ["BLOB_UNKNOWN"]. */
  readonly codes: string[];
  /** Worth trying again later (network failure, 429, 5xx). */
  readonly retryable: boolean;

  constructor(
    registry: string,
    message: string,
    options: { status?: number; codes?: string[]; retryable?: boolean; exitCode?: ExitCode; cause?: unknown } = {},
  ) {
    super(`${registry}: ${message}`, { exitCode: options.exitCode ?? ExitCode.usage, cause: options.cause });
    this.name = "RegistryError";
    this.registry = registry;
    this.status = options.status;
    this.codes = options.codes ?? [];
    this.retryable = options.retryable ?? false;
  }
}

interface RegistryErrorBody {
  errors?: Array<{ code?: unknown; message?: unknown; detail?: unknown }>;
}

/**
 * Summarises an error response body `{"errors":[{code,message}]}` in a few words, e.g.
 * "MANIFEST_BLOB_UNKNOWN: blob unknown to registry". Non-JSON bodies give their first line.
 */
export function summariseErrorBody(body: string): { summary: string; codes: string[] } {
  const trimmed = body.trim();
  if (trimmed === "") return { summary: "", codes: [] };
  try {
    const parsed = JSON.parse(trimmed) as RegistryErrorBody;
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const codes: string[] = [];
      const parts = parsed.errors.slice(0, 3).map((e) => {
        const code = typeof e.code === "string" ? e.code : "";
        if (code) codes.push(code);
        const message = typeof e.message === "string" ? e.message : "";
        return [code, message].filter((s) => s !== "").join(": ");
      });
      const more = parsed.errors.length > 3 ? ` (+${parsed.errors.length - 3} more)` : "";
      return { summary: parts.join("; ") + more, codes };
    }
  } catch {
    // not JSON: fall through to the first line of text
  }
  const firstLine = trimmed.split("\n", 1)[0] ?? "";
  return { summary: firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine, codes: [] };
}

/** "blob upload failed (500): UNKNOWN: unknown error" */
export function describeFailure(what: string, status: number, body: string): { message: string; codes: string[] } {
  const { summary, codes } = summariseErrorBody(body);
  return { message: `${what} (${status})${summary ? `: ${summary}` : ""}`, codes };
}
