/** How a POSIX shell reads its command line: read by lint (nested `sh -c` scripts, entrypoint scripts) and verify. */

/**
 * The options of a POSIX shell's command line, from `words[from]` on: whether one runs a string
 * (`-c`, also in a cluster as `-euxc`) or reads standard input (`-s`), and the index of the first
 * operand (the string, or the script file). `-o`, `+o`, `-O` and `+O` take the next word, also at
 * the end of a cluster (`-euo pipefail`); `--` and `-` end the options.
 */
export function shellOptions(words: readonly string[], from: number): { operand: number; runsString: boolean; readsStdin: boolean } {
  let runsString = false;
  let readsStdin = false;
  let i = from;
  for (; i < words.length; i++) {
    const w = words[i] as string;
    if (w === "--" || w === "-") {
      i++;
      break;
    }
    if (!/^[-+]./.test(w)) break;
    if (w.startsWith("--")) {
      if (w === "--rcfile" || w === "--init-file") i++;
      continue;
    }
    if (w.startsWith("-") && w.includes("c")) runsString = true;
    if (w.startsWith("-") && w.includes("s")) readsStdin = true;
    for (const letter of w.slice(1)) if (letter === "o" || letter === "O") i++;
  }
  return { operand: i, runsString, readsStdin };
}
