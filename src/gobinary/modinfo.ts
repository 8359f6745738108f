/**
 * Parses the module info text Go embeds in binaries (the lines `go version -m` prints):
 * `path`, `mod`, `dep`, `=>` (replacement of the line before) and `build key=value`, where keys
 * and values containing spaces, tabs, quotes or newlines are Go-quoted. Hand-written: the
 * format is Go's runtime/debug.BuildInfo text and no npm package parses it. Lenient: a malformed
 * line becomes a warning, because the text comes from an untrusted file.
 */
import type { BuildSetting, GoBuildInfo, GoModule, KnownBuildSettings } from "./types.js";

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

/** The length of the Go quoted string at the start of `text`, or undefined when there is none. */
function quotedPrefixLength(text: string): number | undefined {
  const quote = text[0];
  if (quote === "`") {
    const end = text.indexOf("`", 1);
    return end < 0 ? undefined : end + 1;
  }
  if (quote !== '"') return undefined;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i + 1;
  }
  return undefined;
}

/** strconv.Unquote for double-quoted and raw strings; undefined when malformed. */
export function unquoteGo(quoted: string): string | undefined {
  if (quotedPrefixLength(quoted) !== quoted.length) return undefined;
  if (quoted[0] === "`") return quoted.slice(1, -1);
  const body = quoted.slice(1, -1);
  const bytes: number[] = [];
  const pushText = (text: string) => bytes.push(...Buffer.from(text, "utf8"));
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== "\\") {
      pushText(ch);
      continue;
    }
    const kind = body[i + 1];
    if (kind === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      pushText(simple);
      i += 1;
      continue;
    }
    const hexDigits = kind === "x" ? 2 : kind === "u" ? 4 : kind === "U" ? 8 : 0;
    if (hexDigits > 0) {
      const hex = body.slice(i + 2, i + 2 + hexDigits);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexDigits) return undefined;
      const code = Number.parseInt(hex, 16);
      if (kind === "x") bytes.push(code);
      else if (code > 0x10ffff) return undefined;
      else pushText(String.fromCodePoint(code));
      i += 1 + hexDigits;
      continue;
    }
    const octal = body.slice(i + 1, i + 4);
    if (/^[0-7]{3}$/.test(octal) && Number.parseInt(octal, 8) < 256) {
      bytes.push(Number.parseInt(octal, 8));
      i += 3;
      continue;
    }
    return undefined;
  }
  return Buffer.from(bytes).toString("utf8");
}

function parseModuleLine(fields: string[]): GoModule | undefined {
  if (fields.length !== 2 && fields.length !== 3) return undefined;
  const [path, version, sum] = fields as [string, string, string | undefined];
  return { path, version, ...(sum === undefined || sum === "" ? {} : { sum }) };
}

function parseSetting(text: string): BuildSetting | undefined {
  let key: string | undefined;
  let rawValue: string;
  const quotedKey = quotedPrefixLength(text);
  if (quotedKey !== undefined) {
    key = unquoteGo(text.slice(0, quotedKey));
    if (text[quotedKey] !== "=") return undefined;
    rawValue = text.slice(quotedKey + 1);
  } else {
    const eq = text.indexOf("=");
    if (eq <= 0) return undefined;
    key = text.slice(0, eq);
    rawValue = text.slice(eq + 1);
  }
  if (key === undefined || key === "") return undefined;
  const value = rawValue.startsWith('"') || rawValue.startsWith("`") ? unquoteGo(rawValue) : rawValue;
  return value === undefined ? undefined : { key, value };
}

function pickKnown(settings: BuildSetting[]): KnownBuildSettings {
  const get = (key: string) => settings.find((s) => s.key === key)?.value;
  const flag = (key: string) => {
    const value = get(key);
    return value === undefined ? undefined : value === "true" || value === "1";
  };
  const known: KnownBuildSettings = { trimpath: flag("-trimpath") === true };
  const assign = <K extends keyof KnownBuildSettings>(field: K, value: KnownBuildSettings[K] | undefined) => {
    if (value !== undefined) known[field] = value;
  };
  assign("buildmode", get("-buildmode"));
  assign("compiler", get("-compiler"));
  assign("ldflags", get("-ldflags"));
  assign("tags", get("-tags"));
  assign("cgoEnabled", flag("CGO_ENABLED"));
  assign("goos", get("GOOS"));
  assign("goarch", get("GOARCH"));
  assign("goamd64", get("GOAMD64"));
  assign("vcs", get("vcs"));
  assign("vcsRevision", get("vcs.revision"));
  assign("vcsTime", get("vcs.time"));
  assign("vcsModified", flag("vcs.modified"));
  return known;
}

/** Parses module info text into build info; problems with single lines go to `warnings`. */
export function parseModinfo(goVersion: string, text: string, warnings: string[] = []): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, deps: [], settings: [], known: { trimpath: false } };
  let last: GoModule | undefined;
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    if (line === "") return;
    const tab = line.indexOf("\t");
    const kind = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? "" : line.slice(tab + 1);
    const bad = () => warnings.push(`build info line ${index + 1} is malformed: ${JSON.stringify(line.slice(0, 120))}`);
    switch (kind) {
      case "go":
        break;
      case "path":
        info.path = rest;
        break;
      case "mod":
      case "dep": {
        const module = parseModuleLine(rest.split("\t"));
        if (module === undefined) return bad();
        if (kind === "mod") info.main = module;
        else info.deps.push(module);
        last = module;
        break;
      }
      case "=>": {
        const replacement = parseModuleLine(rest.split("\t"));
        if (replacement === undefined || last === undefined) return bad();
        last.replace = replacement;
        last = undefined;
        break;
      }
      case "build": {
        const setting = parseSetting(rest);
        if (setting === undefined) return bad();
        info.settings.push(setting);
        break;
      }
      default:
        bad();
    }
  });
  info.known = pickKnown(info.settings);
  return info;
}
