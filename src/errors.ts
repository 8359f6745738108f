/**
 * Exit codes CI can trust: 0 success, 1 a finding or failed check, 2 bad usage,
 * bad config or unreadable input.
 */
export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error a user can act on. `message` is one line naming the file and what to do;
 * the CLI prints it without a stack trace and exits with `exitCode`.
 */
export class SlimgoError extends Error {
  readonly exitCode: ExitCode;
  readonly file?: string;
  readonly line?: number;

  constructor(message: string, options: { exitCode?: ExitCode; file?: string; line?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SlimgoError";
    this.exitCode = options.exitCode ?? ExitCode.usage;
    this.file = options.file;
    this.line = options.line;
  }
}

/** Bad input from the user: a malformed file, a bad flag, a missing directory. Exit 2. */
export function inputError(message: string, where: { file?: string; line?: number } = {}): SlimgoError {
  return new SlimgoError(message, { exitCode: ExitCode.usage, ...where });
}
