import { CommanderError } from "commander";
import { ExitCode, SlimgoError } from "../errors.js";
import { hasJsonResult } from "./output.js";

/** What `--json` prints on stdout for an error: the stderr line's message, and the exit code. */
export interface ErrorJson {
  error: { message: string; exitCode: number; file?: string; line?: number };
}

export interface ReportOptions {
  /** --json (or --format json) was asked for: stdout gets the error as one JSON line too. */
  json?: boolean;
  /** More members for that line (build --watch: elapsedMs and changed). */
  details?: Record<string, unknown>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/**
 * Prints an error that ends a command (or, in `build --watch`, one rebuild) the CLI's way: one
 * `slimgo:` line for a user error (commander has printed its own usage errors), a bug report hint
 * for anything else; with `json`, also `{"error":{...}}` on one line of stdout, unless the command
 * has printed its JSON result there already. Returns the exit code.
 */
export function reportError(err: unknown, options: ReportOptions = {}): number {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const { error } = errorJson(err);
  if (err instanceof SlimgoError) {
    stderr.write(`slimgo: ${err.message}\n`);
  } else if (!(err instanceof CommanderError)) {
    stderr.write(`slimgo: ${error.message}\n`);
    if (process.env.SLIMGO_DEBUG) stderr.write(`${(err as Error)?.stack ?? ""}\n`);
    stderr.write("This is a bug in slimgo; please report it with the command you ran (set SLIMGO_DEBUG=1 for a stack trace).\n");
  }
  if (options.json && !hasJsonResult(stdout)) stdout.write(`${JSON.stringify({ error, ...options.details })}\n`);
  return error.exitCode;
}

/** The error as `--json` reports it; an internal error gives its message only, never its stack. */
export function errorJson(err: unknown): ErrorJson {
  if (err instanceof SlimgoError) {
    return { error: { message: err.message, exitCode: err.exitCode, ...(err.file === undefined ? {} : { file: err.file }), ...(err.line === undefined ? {} : { line: err.line }) } };
  }
  if (err instanceof CommanderError) return { error: { message: err.message.replace(/^error: /, ""), exitCode: ExitCode.usage } };
  return { error: { message: `internal error: ${(err as Error)?.message ?? String(err)}`, exitCode: ExitCode.usage } };
}
