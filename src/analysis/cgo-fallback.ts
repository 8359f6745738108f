/**
 * Whether a program with cgo files also builds with CGO_ENABLED=0. With cgo off, go build leaves out
 * every file that imports "C" and takes the files under `//go:build !cgo`; the build then compiles
 * when each package still declares what its remaining files (and the packages importing it) use of
 * what the left-out files declared, and the main package keeps its func main. Names are compared, not
 * types: a pure-Go fallback declares the same functions, which is the pattern this recognises.
 */
import { evidenceAt } from "./evidence.js";
import { functionSignature, isQualified, packageLevelTokens, type GoSourceFile } from "./go-source.js";
import { programGraph, type DependencyLookup, type PackageFiles, type Program, type SourceCache } from "./package-graph.js";
import type { Evidence } from "./types.js";

export function importsC(src: GoSourceFile): boolean {
  return src.imports.some((i) => i.path === "C");
}

/**
 * The program as a CGO_ENABLED=0 build compiles it, and the lines that show why it can (the
 * `import "C"` left out, the `//go:build !cgo` taken instead); undefined when that build would fail.
 */
export function buildWithoutCgo(
  withCgo: Program,
  withoutCgo: Map<string, PackageFiles>,
  cache: SourceCache,
  dependency?: DependencyLookup,
): { program: Program; evidence: Evidence[] } | undefined {
  const mainPackage = withoutCgo.get(withCgo.packages[0]!.importPath);
  if (!mainPackage || !mainPackage.files.some((f) => cache.get(f).mainFuncLine !== undefined)) return undefined;
  const program = programGraph(mainPackage, withoutCgo, cache, dependency);
  const withCgoByPath = new Map(withCgo.packages.map((p) => [p.importPath, p]));
  const evidence: Evidence[] = [];
  for (const src of program.files) {
    // A package of the module whose every file imports "C" has nothing to build without cgo.
    if (src.imports.some((i) => withCgoByPath.has(i.path) && !withoutCgo.has(i.path))) return undefined;
  }
  for (const pkg of program.packages) {
    const before = withCgoByPath.get(pkg.importPath);
    if (!before) continue;
    const dropped = before.files.filter((f) => !pkg.files.includes(f)).map((f) => cache.get(f));
    if (dropped.length === 0) continue;
    const kept = pkg.files.map((f) => cache.get(f));
    const lost = declarations(dropped);
    const still = declarations(kept);
    for (const name of still.names) lost.names.delete(name);
    for (const name of still.methods) lost.methods.delete(name);
    if (usesAny(program.files, pkg, lost)) return undefined;
    for (const src of dropped) for (const imp of src.imports) if (imp.path === "C") evidence.push(evidenceAt(src, imp.line));
    for (const src of kept) if (!before.files.includes(src.file) && src.goBuild) evidence.push(evidenceAt(src, src.goBuild.line));
  }
  return { program, evidence };
}

/** Some file of the program refers to a name in `lost`: bare in the package itself, qualified elsewhere, or any `.method`. */
function usesAny(files: GoSourceFile[], pkg: PackageFiles, lost: { names: Set<string>; methods: Set<string> }): boolean {
  if (lost.names.size === 0 && lost.methods.size === 0) return false;
  for (const src of files) {
    const own = pkg.files.includes(src.file);
    const t = src.tokens;
    for (let k = 0; k < t.length; k++) {
      const tok = t[k]!;
      if (tok.kind !== "ident") continue;
      const afterDot = t[k - 1]?.value === ".";
      if (afterDot && lost.methods.has(tok.value)) return true;
      if (own && !afterDot && lost.names.has(tok.value)) return true;
      if (!own && lost.names.has(t[k + 2]?.value ?? "") && isQualified(src, k, pkg.importPath, t[k + 2]!.value)) return true;
    }
  }
  return false;
}

/** Package-level names (functions, variables, constants, types) and method names the files declare. */
function declarations(files: GoSourceFile[]): { names: Set<string>; methods: Set<string> } {
  const names = new Set<string>();
  const methods = new Set<string>();
  for (const src of files) {
    const t = src.tokens;
    for (const fn of src.functions) {
      const name = functionSignature(src, fn).name;
      if (name === undefined || name === "init" || name === "_") continue;
      (t[fn.start + 1]?.value === "(" ? methods : names).add(name);
    }
    let depth = 0;
    for (const i of packageLevelTokens(src)) {
      const v = t[i]!.value;
      if (v === "(" || v === "[" || v === "{") depth++;
      else if (v === ")" || v === "]" || v === "}") depth--;
      else if (depth === 0 && t[i]!.kind === "ident" && (v === "var" || v === "const" || v === "type")) {
        for (const name of specNames(t, i + 1, v === "type")) if (name !== "_") names.add(name);
      }
    }
  }
  return { names, methods };
}

/** Names declared by the spec (or parenthesised block of specs) starting at `start`: `a, b = …`, or a type's one name. */
function specNames(t: GoSourceFile["tokens"], start: number, typeSpec: boolean): string[] {
  const out: string[] = [];
  const read = (j: number): void => {
    if (t[j]?.kind !== "ident") return;
    out.push(t[j]!.value);
    if (typeSpec) return;
    for (let k = j + 1; t[k]?.value === "," && t[k + 1]?.kind === "ident"; k += 2) out.push(t[k + 1]!.value);
  };
  if (t[start]?.value !== "(") {
    read(start);
    return out;
  }
  let depth = 0;
  for (let j = start + 1; j < t.length; j++) {
    const v = t[j]!.value;
    if (depth === 0 && v === ")") break;
    if (v === "(" || v === "[" || v === "{") depth++;
    else if (v === ")" || v === "]" || v === "}") depth--;
    else if (depth === 0 && (j === start + 1 || t[j - 1]!.value === ";" || (t[j - 1]!.line !== t[j]!.line && endsLine(t[j - 1]!)))) read(j);
  }
  return out;
}

/** Go ends a statement after this token at the end of a line (its automatic semicolon), so the next line starts a new spec. */
function endsLine(tok: GoSourceFile["tokens"][number]): boolean {
  return tok.kind !== "op" || [")", "]", "}", "++", "--"].includes(tok.value);
}
