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

/** Which line of a .dockerignore excludes a path, with its patterns compiled once (for many paths). */
export interface DockerignoreMatcher {
  /** The line (1-based, with its pattern) that excludes `path` (context-relative); undefined when `path` is not excluded. */
  excludedBy(path: string): { line: number; pattern: string } | undefined;
  isIgnored(path: string): boolean;
}

export function dockerignoreMatcher(lines: readonly string[]): DockerignoreMatcher {
  const rules = lines.flatMap((line, i) => {
    const [raw] = normalizePatterns([line]);
    if (raw === undefined) return [];
    const negate = raw.startsWith("!");
    return [{ negate, re: toRegExp(negate ? raw.slice(1) : raw), line: i + 1, pattern: line.trim() }];
  });
  const excludedBy = (path: string) => {
    const clean = path.replace(/^\.\//, "").replace(/\/+$/, "");
    let decided: { line: number; pattern: string } | undefined;
    for (const r of rules) if (r.re.test(clean)) decided = r.negate ? undefined : { line: r.line, pattern: r.pattern };
    return decided;
  };
  return { excludedBy, isIgnored: (path) => excludedBy(path) !== undefined };
}

/** True when `path` (context-relative, forward slashes) is excluded; for one path (see dockerignoreMatcher). */
export function isIgnored(lines: readonly string[], path: string): boolean {
  return dockerignoreMatcher(lines).isIgnored(path);
}
