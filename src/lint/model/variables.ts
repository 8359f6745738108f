/**
 * Dockerfile variable expansion ($VAR, ${VAR}, ${VAR:-default}, ${VAR:+alt}) against a scope.
 * Hand-written: dockerfile-ast resolves single names but does not expand whole words.
 */

/** A name's value: a string when known, null when declared without a known value, undefined when undeclared. */
export type Lookup = (name: string) => string | null | undefined;

export interface Expansion {
  value: string;
  /** Names referenced without a declaration (and without a default). */
  undefinedNames: string[];
  /** True when some referenced value is not known statically (e.g. an ARG with no default). */
  unknown: boolean;
}

export const platformArgs = [
  "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
  "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
];

export const proxyArgs = [
  "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
  "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
];

export function expand(text: string, lookup: Lookup, escape = "\\", depth = 0): Expansion {
  return expandText(text, lookup, escape, depth, false);
}

/**
 * A word as ENV and ARG values are written (`"a $B"`, `'$literal'`, `a\ b`): quotes are removed,
 * nothing inside single quotes is expanded, and the escape character makes the next character
 * literal (inside double quotes only before `"`, `$` and itself), as BuildKit's word lexer does.
 */
export function expandWord(text: string, lookup: Lookup, escape = "\\"): Expansion {
  return expandText(text, lookup, escape, 0, true);
}

/** A word with its quotes and escapes removed and its `$` references left as they are. */
export function unquoteWord(text: string, escape = "\\"): string {
  return expandText(text, undefined, escape, 0, true).value;
}

/** Splits ENV/ARG arguments at whitespace outside quotes, keeping each word as written. */
export function splitWords(text: string, escape = "\\"): string[] {
  const words: string[] = [];
  let word = "";
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === escape && quote !== "'" && i + 1 < text.length) {
      word += c + text[++i];
    } else if (quote !== undefined) {
      word += c;
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      word += c;
      quote = c;
    } else if (/\s/.test(c)) {
      if (word !== "") words.push(word);
      word = "";
    } else word += c;
  }
  if (word !== "") words.push(word);
  return words;
}

function expandText(text: string, lookup: Lookup | undefined, escape: string, depth: number, quotes: boolean): Expansion {
  let value = "";
  const undefinedNames: string[] = [];
  let unknown = false;
  let inDouble = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (quotes && c === "'" && !inDouble) {
      const close = text.indexOf("'", i + 1);
      value += close < 0 ? text.slice(i + 1) : text.slice(i + 1, close);
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    if (quotes && c === '"') {
      inDouble = !inDouble;
      i++;
      continue;
    }
    if (quotes && c === escape && i + 1 < text.length) {
      const next = text[i + 1] as string;
      if (!inDouble || next === '"' || next === "$" || next === escape) {
        value += next;
        i += 2;
      } else {
        value += c;
        i++;
      }
      continue;
    }
    if (c === escape && text[i + 1] === "$") {
      value += "$";
      i += 2;
      continue;
    }
    if (c !== "$" || lookup === undefined) {
      value += c;
      i++;
      continue;
    }
    let name = "";
    let modifier = "";
    let word = "";
    if (text[i + 1] === "{") {
      const close = findClose(text, i + 2);
      if (close < 0) {
        value += text.slice(i);
        break;
      }
      const inner = text.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(inner);
      i = close + 1;
      if (!m) {
        unknown = true;
        continue;
      }
      name = m[1] as string;
      modifier = m[2] ?? "";
      word = m[3] ?? "";
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (!m) {
        value += "$";
        i++;
        continue;
      }
      name = m[0];
      i += 1 + name.length;
    }
    const v = lookup(name);
    const sub = (): Expansion => (depth > 8 ? { value: word, undefinedNames: [], unknown: true } : expand(word, lookup, escape, depth + 1));
    if (modifier === "-" || modifier === ":-") {
      const isSet = modifier === "-" ? v !== undefined : v !== undefined && v !== "";
      if (isSet && v !== null) value += v;
      else if (isSet) unknown = true;
      else {
        const s = sub();
        value += s.value;
        undefinedNames.push(...s.undefinedNames);
        unknown ||= s.unknown;
      }
    } else if (modifier === "+" || modifier === ":+") {
      if (v !== undefined) {
        const s = sub();
        value += s.value;
        unknown ||= s.unknown || v === null;
      }
    } else {
      if (v === undefined) {
        if (modifier === "") undefinedNames.push(name);
      } else if (v === null) unknown = true;
      else value += v;
    }
  }
  return { value, undefinedNames, unknown };
}

function findClose(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === "{") depth++;
    else if (text[j] === "}" && --depth === 0) return j;
  }
  return -1;
}

/** Names referenced by `$NAME`/`${NAME...}` in text, with whether a default was given. */
export function referencedNames(text: string, escape = "\\"): { name: string; hasDefault: boolean }[] {
  const out: { name: string; hasDefault: boolean }[] = [];
  const re = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?|([A-Za-z_][A-Za-z0-9_]*))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > 0 && text[m.index - 1] === escape) continue;
    out.push({ name: (m[1] ?? m[3]) as string, hasDefault: m[2] !== undefined });
  }
  return out;
}
