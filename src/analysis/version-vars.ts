/**
 * Variables to set with `-ldflags -X`: package-level string variables of main packages named like
 * version/commit/date, and `-X pkg.name=` already written in a Makefile or GoReleaser config.
 */
import type { BuildConfigLine } from "./build-config.js";
import { matching, packageLevelTokens, type GoSourceFile, type Token } from "./go-source.js";
import { evidenceAt } from "./evidence.js";
import { xSymbolProblem } from "./link-symbols.js";
import type { MainPackage, PackageLevelName, VersionVariable } from "./types.js";

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
  for (const d of packageLevelNames(mainFiles, "main")) {
    const name = d.symbol.slice("main.".length);
    const role = versionRole(name);
    if (role && d.settable) out.push({ symbol: d.symbol, role, evidence: d.evidence });
  }
  return out;
}

/** Package-level `var` and `const` names of one package's files (function bodies skipped), named `<symbolPackage>.<name>`. */
export function packageLevelNames(files: GoSourceFile[], symbolPackage: string): PackageLevelName[] {
  const out: PackageLevelName[] = [];
  for (const src of files) {
    const t = src.tokens;
    for (const i of packageLevelTokens(src)) {
      const kind = t[i]!.kind === "ident" ? t[i]!.value : "";
      if (kind !== "var" && kind !== "const") continue;
      const specs = t[i + 1]?.value === "(" ? blockSpecs(t, i + 1) : [lineSpec(t, i + 1)];
      for (const spec of specs) {
        const strings = kind === "var" ? stringVariables(spec) : [];
        for (const name of specNames(spec)) {
          if (name.value === "_") continue;
          out.push({ symbol: `${symbolPackage}.${name.value}`, settable: strings.includes(name), kind, evidence: evidenceAt(src, name.line) });
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

/** The names a spec declares: `a, b` of `a, b T = x, y`. */
function specNames(spec: Token[]): Token[] {
  const names: Token[] = [];
  for (let k = 0; spec[k]?.kind === "ident"; k += 2) {
    names.push(spec[k]!);
    if (spec[k + 1]?.value !== ",") break;
  }
  return names;
}

/** Names in `a, b T = x, y` whose type is string or whose value is a string literal. */
function stringVariables(spec: Token[]): Token[] {
  const names = specNames(spec);
  const k = names.length * 2 - 1;
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
 * project's build script sets (internal/version.Version), except those naming make or shell variables
 * and those that would set nothing in this program (`ignored`, with the reason).
 */
export function stampedVersionVariables(
  program: MainPackage,
  fromBuildConfig: VersionVariable[],
  modulePath: string,
): { variables: VersionVariable[]; ignored: { variable: VersionVariable; why: string }[] } {
  const own = program.facts.versionVariables;
  const ignored: { variable: VersionVariable; why: string }[] = [];
  const resolved = fromBuildConfig.filter((v) => {
    if (/[$(){}]/.test(v.symbol) || own.some((o) => o.symbol === v.symbol)) return false;
    const problem = xSymbolProblem(v.symbol, [program], modulePath);
    if (problem) ignored.push({ variable: v, why: problem.message });
    return problem === undefined;
  });
  const variables = [...own, ...resolved].filter((v, i, all) => all.findIndex((o) => o.symbol === v.symbol) === i);
  return { variables, ignored: ignored.filter((g, i) => ignored.findIndex((o) => o.variable.symbol === g.variable.symbol) === i) };
}
