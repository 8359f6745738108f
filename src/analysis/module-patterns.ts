/**
 * Go's module path patterns, as GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE use them: a
 * comma-separated list of globs, each matched with path.Match against as many leading elements of
 * the module path as the glob has. `example.com/*` matches example.com/a and example.com/a/b, never
 * example.com; `*` and `?` do not cross a slash.
 */
export function matchesModulePatterns(patterns: string, modulePath: string): boolean {
  return matchingModulePattern(patterns, modulePath) !== undefined;
}

/** The first glob of `patterns` that matches `modulePath`, as written. */
export function matchingModulePattern(patterns: string, modulePath: string): string | undefined {
  for (const raw of patterns.split(",")) {
    const glob = raw.replace(/\/$/, "");
    if (glob === "") continue;
    const elements = glob.split("/").length;
    const parts = modulePath.split("/");
    if (parts.length < elements) continue;
    if (pathMatch(glob, parts.slice(0, elements).join("/"))) return raw;
  }
  return undefined;
}

/**
 * Go's path.Match: `*` any run of non-slash characters, `?` one non-slash character, `[...]` a
 * class (`^` negates, `a-z` ranges), `\` escapes. A malformed pattern matches nothing, as Go
 * reports ErrBadPattern and the go command then treats it as no match.
 */
export function pathMatch(pattern: string, name: string): boolean {
  const regex = globRegex(pattern);
  return regex !== undefined && regex.test(name);
}

function globRegex(pattern: string): RegExp | undefined {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "\\") {
      if (i + 1 >= pattern.length) return undefined;
      out += escapeRegex(pattern[++i]!);
    } else if (c === "[") {
      const cls = classRegex(pattern, i + 1);
      if (!cls) return undefined;
      out += cls.regex;
      i = cls.end;
    } else out += escapeRegex(c);
  }
  return new RegExp(`^${out}$`, "u");
}

/** A `[...]` class starting after its `[`; `end` is the index of its `]`. */
function classRegex(pattern: string, start: number): { regex: string; end: number } | undefined {
  let i = start;
  let negated = false;
  if (pattern[i] === "^") {
    negated = true;
    i++;
  }
  const ranges: string[] = [];
  const char = (): string | undefined => {
    let c = pattern[i];
    if (c === undefined || c === "-" || c === "]") return undefined;
    if (c === "\\") c = pattern[++i];
    if (c === undefined) return undefined;
    i++;
    return c;
  };
  while (true) {
    if (pattern[i] === "]" && ranges.length > 0) break;
    const lo = char();
    if (lo === undefined) return undefined;
    let hi = lo;
    if (pattern[i] === "-") {
      i++;
      const h = char();
      if (h === undefined) return undefined;
      hi = h;
    }
    ranges.push(lo === hi ? escapeClass(lo) : `${escapeClass(lo)}-${escapeClass(hi)}`);
  }
  return { regex: `[${negated ? "^" : ""}${ranges.join("")}]`, end: i };
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function escapeClass(c: string): string {
  return c.replace(/[\\\]^-]/g, "\\$&");
}
