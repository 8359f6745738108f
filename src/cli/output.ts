import { formatWithOptions } from "node:util";

/** Where a command writes: results to stdout, progress and logs to stderr. */
export interface Output {
  /** A result line (stdout). */
  result(text: string): void;
  /** A machine-readable result (stdout, one JSON document). */
  json(value: unknown): void;
  /** A machine-readable result already formatted as one JSON document (stdout). */
  jsonText(text: string): void;
  /** Progress or information (stderr); silenced by --quiet. */
  info(text: string): void;
  /** Detail shown only with --verbose (stderr). */
  debug(text: string): void;
  /** A warning (stderr); shown even with --quiet. */
  warn(text: string): void;
  readonly color: Colors;
  readonly verbose: boolean;
}

export interface OutputOptions {
  quiet?: boolean;
  verbose?: boolean;
  json?: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

export interface Colors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function colors(enabled: boolean): Colors {
  if (!enabled) return { bold: plain, dim: plain, red: plain, yellow: plain, green: plain, cyan: plain };
  return { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), yellow: ansi(33, 39), green: ansi(32, 39), cyan: ansi(36, 39) };
}

/** Colours only on a TTY, never with NO_COLOR set to anything but "" (no-color.org) and never in JSON mode. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, json = false): boolean {
  if (json) return false;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

/** Streams that have had a command's JSON result: an error after it must not add a second document. */
const streamsWithJsonResult = new WeakSet<object>();

/** Whether `stream` has had a JSON result from Output.json or Output.jsonText. */
export function hasJsonResult(stream: object): boolean {
  return streamsWithJsonResult.has(stream);
}

export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const color = colors(colorEnabled(stdout, env, options.json));
  const errColor = colors(colorEnabled(stderr, env));
  const line = (stream: NodeJS.WritableStream, text: string) => stream.write(text.endsWith("\n") ? text : `${text}\n`);
  const jsonText = (text: string) => {
    streamsWithJsonResult.add(stdout);
    line(stdout, text);
  };
  return {
    color,
    verbose: options.verbose === true,
    result: (text) => line(stdout, text),
    json: (value) => jsonText(JSON.stringify(value, null, 2)),
    jsonText,
    info: (text) => {
      if (!options.quiet) line(stderr, text);
    },
    debug: (text) => {
      if (options.verbose) line(stderr, errColor.dim(text));
    },
    warn: (text) => line(stderr, `${errColor.yellow("warning:")} ${text}`),
  };
}

/** For debugging output of values in --verbose mode. */
export function inspectValue(value: unknown): string {
  return formatWithOptions({ depth: 6, colors: false }, "%O", value);
}
