/**
 * Decides whether a context path is excluded by .dockerignore patterns, following Docker's rules:
 * patterns are matched in order, `!` re-includes, `**` spans directories, a directory's exclusion
 * covers what is under it. Hand-written: the npm matchers (ignore, minimatch) follow .gitignore or
 * shell-glob semantics, which differ from Docker's on anchoring and `!`.
 */

export function normalizePatterns(lines: readonly string[]): string[] {
  return lines
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      let p = negate ? l.slice(1).trim() : l;
      p = p.replace(/^(\.\/)+/, "").replace(/^\/+/, "").replace(/\/+$/, "");
      return (negate ? "!" : "") + p;
    })
    .filter((p) => p !== "" && p !== "!");
}

function toRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  // A pattern matching a directory also excludes everything under it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** True when `path` (context-relative, forward slashes) is excluded. */
export function isIgnored(lines: readonly string[], path: string): boolean {
  return excludedBy(lines, path) !== undefined;
}

/** The .dockerignore line (1-based, with its pattern) that excludes `path`; undefined when `path` is not excluded. */
export function excludedBy(lines: readonly string[], path: string): { line: number; pattern: string } | undefined {
  const clean = path.replace(/^\.\//, "").replace(/\/+$/, "");
  let decided: { line: number; pattern: string } | undefined;
  lines.forEach((line, i) => {
    const [raw] = normalizePatterns([line]);
    if (raw === undefined) return;
    const negate = raw.startsWith("!");
    if (toRegExp(negate ? raw.slice(1) : raw).test(clean)) decided = negate ? undefined : { line: i + 1, pattern: line.trim() };
  });
  return decided;
}
