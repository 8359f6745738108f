import { Command, CommanderError } from "commander";
import { ExitCode } from "../errors.js";
import { reportError } from "./report-error.js";
import { asksForJson } from "./json-mode.js";
import { registerInit } from "./commands/init.js";
import { registerBuild } from "./commands/build.js";
import { registerLint } from "./commands/lint.js";
import { registerInspect } from "./commands/inspect.js";
import { registerVerify } from "./commands/verify.js";
import { VERSION } from "../version.js";

export function createProgram(): Command {
  const program = new Command("slimgo")
    .description("Production container images for Go services, done the way the recipe says and proved.")
    .version(VERSION, "-V, --version", "print slimgo's version")
    // Options before a command belong to slimgo, after it to the command: build has its own --version.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(add --help for usage)")
    // Set before subcommands are added: commander copies these settings into each one.
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`slimgo: ${text.replace(/^error: /, "")}`) })
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      "after",
      `
Exit codes: 0 success, 1 a finding or a failed check, 2 bad usage, bad config or unreadable input.
Colours are used on a terminal only, never when NO_COLOR is set (and not empty).

Start with:  slimgo init            write Dockerfile and .dockerignore for the Go module here
Docs:        README.md and docs/ in the slimgo package`,
    );
  registerInit(program);
  registerLint(program);
  registerBuild(program);
  registerInspect(program);
  registerVerify(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code; never throws for user errors. With --json, an error is
 * also one JSON line on stdout (report-error.ts), a usage error commander found included.
 */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (err) {
    // --help and --version exit through here with code 0.
    if (err instanceof CommanderError && err.exitCode === 0) return ExitCode.ok;
    return reportError(err, { json: asksForJson(program, argv) });
  }
}
