import { InvalidArgumentError, type Command } from "commander";
import { createOutput, type Output } from "./output.js";

export interface CommonOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  config?: string;
}

/** The options every command takes: --json, -q/--quiet, --verbose, --config. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option("--json", "print a machine-readable JSON result on stdout")
    .option("-q, --quiet", "print nothing on stderr but warnings and errors")
    .option("--verbose", "print more detail on stderr")
    .option("--config <file>", "config file (default: slimgo.yaml at the module root)");
}

export function outputFor(options: CommonOptions): Output {
  return createOutput({ quiet: options.quiet, verbose: options.verbose, json: options.json });
}

/** A commander argument parser for a TCP port. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError("must be a port number from 1 to 65535");
  return n;
}

/** A commander argument parser that accepts one of `choices`. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`must be one of ${choices.join(", ")}`);
  };
}
