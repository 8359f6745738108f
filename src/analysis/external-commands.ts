/**
 * Programs the Go program starts by name (`exec.Command("ffmpeg", …)`): a runtime image without them
 * makes those calls fail at run time, which no build step would show.
 */
import { callArguments, isQualified, type GoSourceFile } from "./go-source.js";
import { evidenceAt } from "./evidence.js";
import type { ExternalCommand } from "./types.js";

/** The argument that names the program, per call. */
const PROGRAM_ARGUMENT: [importPath: string, member: string, index: number][] = [
  ["os/exec", "Command", 0],
  ["os/exec", "CommandContext", 1],
  ["os/exec", "LookPath", 0],
  ["os", "StartProcess", 0],
  ["syscall", "Exec", 0],
];

export function externalCommands(files: GoSourceFile[]): ExternalCommand[] {
  const out = new Map<string, ExternalCommand>();
  for (const src of files) {
    src.tokens.forEach((_, i) => {
      for (const [importPath, member, index] of PROGRAM_ARGUMENT) {
        if (!isQualified(src, i, importPath, member) || src.tokens[i + 3]?.value !== "(") continue;
        const arg = callArguments(src.tokens, i + 3)[index];
        const literal = arg && arg.end - arg.start === 1 ? src.tokens[arg.start] : undefined;
        if (literal?.kind !== "string" || literal.value === "" || out.has(literal.value)) continue;
        out.set(literal.value, { name: literal.value, call: `${src.tokens[i]!.value}.${member}`, evidence: evidenceAt(src, literal.line) });
      }
    });
  }
  return [...out.values()];
}
