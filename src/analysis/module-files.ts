/**
 * Reading the module's own text files (go.mod, go.sum, vendor/modules.txt, Makefile): a directory or
 * an unreadable file where a file belongs is the user's to fix, named in one line, never a crash.
 */
import { readFileSync, statSync } from "node:fs";
import { inputError, SlimgoError } from "../errors.js";

/** The text of a file the analysis can do without; undefined when it is missing, not a regular file, or unreadable. */
export function readOptionalFile(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? readFileSync(file, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

/** The text of a file go reads too; `shown` names it in the error, which says what go would say and what to do. */
export function readRequiredFile(file: string, shown: string, fix: string): string {
  try {
    if (statSync(file).isDirectory()) throw inputError(`${shown}: is a directory, not a file, and go stops reading it too: ${fix}`, { file: shown });
    return readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof SlimgoError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw inputError(`${shown}: cannot read it (${code}), and go cannot either: ${code === "EACCES" ? "make it readable" : fix}`, { file: shown });
  }
}
