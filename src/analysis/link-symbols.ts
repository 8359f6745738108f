/** `-ldflags -X` symbols: which ones a go build's flags name, and whether they name a string variable the program links. */
import type { MainPackage } from "./types.js";

/** `pkg.name` of each `-X pkg.name=value` (also `-X=`, quoted) whose symbol has no shell or make variable in it. */
export function xFlagSymbols(ldflags: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\s)--?X(?:=|\s+)['"]?([^\s='"]+)=/g;
  for (let m = re.exec(ldflags); m; m = re.exec(ldflags)) if (!/[$(){}]/.test(m[1]!) && m[1]!.includes(".")) out.push(m[1]!);
  return out;
}

/**
 * Why `-X symbol` sets nothing in a binary linked from `programs` (built by one go build), with the
 * symbol meant when only the case differs; undefined when it sets a string variable of one of them,
 * or names a package of another module, which the analysis does not read. `shown` names a source
 * line in the message (module-relative unless the caller shows paths from where slimgo runs).
 */
export function xSymbolProblem(
  symbol: string,
  programs: readonly MainPackage[],
  modulePath: string,
  shown: (at: { file: string; line: number }) => string = (at) => `${at.file}:${at.line}`,
): { message: string; replacement?: string } | undefined {
  const dot = symbol.lastIndexOf(".");
  const pkg = symbol.slice(0, dot);
  const name = symbol.slice(dot + 1);
  if (pkg !== "main" && pkg !== modulePath && !pkg.startsWith(`${modulePath}/`)) return undefined;
  const names = programs.flatMap((p) => p.facts.packageLevelNames);
  if (names.some((n) => n.symbol === symbol && n.settable)) return undefined;
  const built = programs.map((p) => (p.dir === "." ? "." : `./${p.dir}`)).join(", ");
  const declared = names.find((n) => n.symbol === symbol);
  if (declared) {
    const what = declared.kind === "const" ? "a constant" : "not a string variable";
    return { message: `${name} is ${what} (${shown(declared.evidence)}), and -X sets only string variables: declare it as var ${name} = "…"` };
  }
  const inPackage = names.filter((n) => n.symbol.slice(0, n.symbol.lastIndexOf(".")) === pkg);
  const packageImported = pkg === "main" || programs.some((p) => p.facts.imports.includes(pkg));
  if (!packageImported) return { message: `${built} does not import ${pkg}` };
  const likely = inPackage.filter((n) => n.settable && n.symbol.toLowerCase() === symbol.toLowerCase());
  const only = likely.length === 1 ? likely[0] : undefined;
  const where = pkg === "main" ? `the main package of ${built}` : `package ${pkg}`;
  return only
    ? { message: `${where} has no ${name}, but has ${only.symbol.slice(dot + 1)} (${shown(only.evidence)})`, replacement: only.symbol }
    : { message: `${where} has no string variable ${name}` };
}
