import { InvalidArgumentError, Option, type Command } from "commander";
import { createOutput, type Output } from "./output.js";

export interface CommonOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  config?: string;
}

/**
 * The options every command takes: --json and -q/--quiet; --verbose for the commands that have more
 * to say, and --config for those that read a module's slimgo.yaml. An option that changes nothing
 * would leave a user thinking it did.
 */
export function withCommonOptions(cmd: Command, { readsConfig = true, verbose = false }: { readsConfig?: boolean; verbose?: boolean } = {}): Command {
  cmd.option("--json", "print a machine-readable JSON result on stdout (an error as {\"error\":{...}})");
  if (verbose) {
    cmd.addOption(new Option("-q, --quiet", "print nothing on stderr but warnings and errors").conflicts("verbose"));
    cmd.option("--verbose", "print more detail on stderr: each go build as a shell line to run from the module root");
  } else {
    cmd.option("-q, --quiet", "print nothing on stderr but warnings and errors");
  }
  return readsConfig ? cmd.option("--config <file>", "config file (default: slimgo.yaml at the module root)", nonEmpty) : cmd;
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

/** For repeatable options: each use adds a value. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * A commander argument parser that refuses "": `--push "$IMAGE"` with the variable unset would
 * otherwise count as the option left out, and the build would publish nothing and succeed.
 */
export const nonEmpty = (value: string): string => {
  if (value === "") throw new InvalidArgumentError("is empty (an unset shell variable?): give a value, or leave the option out");
  return value;
};

/** collect, refusing "" as nonEmpty does. */
export const collectNonEmpty = (value: string, previous: string[] = []): string[] => collect(nonEmpty(value), previous);

/** The image references inspect and verify open, for their descriptions. */
export const IMAGE_SOURCES_HELP = "IMAGE: oci:DIR[:TAG], oci-archive:FILE[:REF], docker-archive:FILE, podman:NAME, docker:NAME or REGISTRY/REPO:TAG; a path (./out, notes.tar) opens the layout or tarball that slimgo build wrote there, and so does each line slimgo build prints (REF@sha256:…: the image must have that digest).";

export interface ImageSourceFlags {
  platform?: string;
  insecureRegistry?: string[];
}

/** --platform and --insecure-registry, as inspect and verify take them. */
export function withImageSourceOptions(cmd: Command, platformHelp: string): Command {
  return cmd.option("--platform <os/arch>", platformHelp).option("--insecure-registry <host>", "reach this registry over plain HTTP (repeatable)", collect);
}

/** How to open the image: the flags above, with progress and warnings on stderr. */
export function imageSourceOptions(flags: ImageSourceFlags, out: Output) {
  return {
    ...(flags.platform ? { platform: flags.platform } : {}),
    insecureRegistries: flags.insecureRegistry ?? [],
    onProgress: (m: string) => out.info(m),
    onWarning: (m: string) => out.warn(m),
  };
}
