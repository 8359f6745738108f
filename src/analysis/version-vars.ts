/**
 * Variables to set with `-ldflags -X`: package-level string variables of main packages named like
 * version/commit/date, and `-X pkg.name=` already written in a Makefile or GoReleaser config.
 */
import type { BuildConfigLine } from "./build-config.js";
import { matching, type GoSourceFile, type Token } from "./go-source.js";
import { evidenceAt } from "./evidence.js";
import type { VersionVariable } from "./types.js";

const ROLES: { role: VersionVariable["role"]; name: RegExp }[] = [
  { role: "version", name: /^(version|appVersion|buildVersion|gitVersion|semver|release|ver)$/i },
  { role: "commit", name: /^(commit|gitCommit|commitHash|commitSha|gitHash|gitSha|sha|revision|gitRevision)$/i },
  { role: "date", name: /^(date|buildDate|buildTime|buildTimestamp|buildStamp|builtAt|compiledAt|timestamp)$/i },
  { role: "other", name: /^(builtBy|branch|gitBranch|gitTag|gitState|gitTreeState|buildUser|buildHost)$/i },
];

export function versionRole(name: string): VersionVariable["role"] | undefined {
  return ROLES.find((r) => r.name.test(name))?.role;
}

/** Package-level `var name = "…"`, `var name string` and `var ( … )` specs of string type in a main package's files. */
export function versionVariables(mainFiles: GoSourceFile[]): VersionVariable[] {
  const out: VersionVariable[] = [];
  for (const src of mainFiles) {
    const t = src.tokens;
    let fn = 0;
    for (let i = 0; i < t.length; i++) {
      const f = src.functions[fn];
      if (f && i >= f.start) {
        i = f.end - 1;
        fn++;
        continue;
      }
      if (t[i]!.kind !== "ident" || t[i]!.value !== "var") continue;
      const specs = t[i + 1]?.value === "(" ? blockSpecs(t, i + 1) : [lineSpec(t, i + 1)];
      for (const spec of specs) {
        for (const v of stringVariables(spec)) {
          const role = versionRole(v.value);
          if (role) out.push({ symbol: `main.${v.value}`, role, evidence: evidenceAt(src, v.line) });
        }
      }
    }
  }
  return out;
}

/** Tokens of the spec that starts at `start` and ends at the end of its line (or the closing paren). */
function lineSpec(t: Token[], start: number): Token[] {
  const line = t[start]?.line;
  const spec: Token[] = [];
  let depth = 0;
  for (let j = start; j < t.length; j++) {
    const v = t[j]!.value;
    if (depth === 0 && (t[j]!.line !== line || v === ";" || v === ")")) break;
    if (v === "(" || v === "{" || v === "[") depth++;
    if (v === ")" || v === "}" || v === "]") depth--;
    spec.push(t[j]!);
  }
  return spec;
}

function blockSpecs(t: Token[], open: number): Token[][] {
  const close = matching(t, open) - 1;
  const specs: Token[][] = [];
  for (let j = open + 1; j < close; ) {
    if (t[j]!.value === ";") {
      j++;
      continue;
    }
    const spec = lineSpec(t, j);
    if (spec.length === 0) break;
    specs.push(spec);
    j += spec.length;
  }
  return specs;
}

/** Names in `a, b T = x, y` whose type is string or whose value is a string literal. */
function stringVariables(spec: Token[]): Token[] {
  const names: Token[] = [];
  let k = 0;
  while (spec[k]?.kind === "ident") {
    names.push(spec[k]!);
    if (spec[k + 1]?.value !== ",") break;
    k += 2;
  }
  k++;
  const eq = spec.findIndex((tok, idx) => idx >= k && tok.value === "=");
  const typeTokens = spec.slice(k, eq === -1 ? spec.length : eq);
  if (typeTokens.length > 0) return typeTokens.length === 1 && typeTokens[0]!.value === "string" ? names : [];
  if (eq === -1) return [];
  const values = splitTopLevel(spec.slice(eq + 1));
  return names.filter((_n, idx) => {
    const v = values[idx];
    return v !== undefined && v.length === 1 && v[0]!.kind === "string";
  });
}

function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const tok of tokens) {
    if (tok.value === "(" || tok.value === "{" || tok.value === "[") depth++;
    if (tok.value === ")" || tok.value === "}" || tok.value === "]") depth--;
    if (tok.value === "," && depth === 0) parts.push([]);
    else parts[parts.length - 1]!.push(tok);
  }
  return parts;
}

/** `-X path.name=` in the module's Makefile or GoReleaser config. */
export function buildConfigVersionVariables(lines: BuildConfigLine[]): VersionVariable[] {
  const out: VersionVariable[] = [];
  for (const l of lines) {
    const re = /-X[ =]?['"]?([\w./$(){}-]+)\.([A-Za-z_]\w*)=/g;
    for (let m = re.exec(l.raw); m; m = re.exec(l.raw)) {
      out.push({ symbol: `${m[1]}.${m[2]}`, role: versionRole(m[2]!) ?? "other", evidence: { file: l.file, line: l.line, text: l.raw.trim() } });
    }
  }
  return out;
}

/**
 * What to stamp into a main package's binary: its own version variables, then the `-X` symbols the
 * project's build script sets (internal/version.Version), except those naming make or shell variables.
 */
export function stampedVersionVariables(own: VersionVariable[], fromBuildConfig: VersionVariable[]): VersionVariable[] {
  const resolved = fromBuildConfig.filter((v) => !/[$(){}]/.test(v.symbol));
  return [...own, ...resolved].filter((v, i, all) => all.findIndex((o) => o.symbol === v.symbol) === i);
}
