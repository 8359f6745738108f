import { ExitCode, SlimgoError } from "../errors.js";

/**
 * Prints an error that ends a command (or, in `build --watch`, one rebuild) the CLI's way: one
 * `slimgo:` line for a user error, a bug report hint for anything else. Returns the exit code.
 */
export function reportError(err: unknown): number {
  if (err instanceof SlimgoError) {
    process.stderr.write(`slimgo: ${err.message}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`slimgo: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.SLIMGO_DEBUG) process.stderr.write(`${e?.stack ?? ""}\n`);
  process.stderr.write("This is a bug in slimgo; please report it with the command you ran (set SLIMGO_DEBUG=1 for a stack trace).\n");
  return ExitCode.usage;
}
