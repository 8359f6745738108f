/**
 * Which Go files are in a build for linux/<arch>: `//go:build` expressions, legacy `// +build`
 * lines and GOOS/GOARCH file-name suffixes, as go/build decides them.
 * Hand-written: a small expression evaluator, so the analysis works without the Go toolchain.
 */
import type { GoSourceFile } from "./go-source.js";

export interface BuildContext {
  goos: string;
  goarch: string;
  cgo: boolean;
  /** Highest Go minor release whose tag (go1.N) is satisfied. */
  goMinor: number;
  /** Extra tags (-tags). */
  tags?: string[];
}

export const KNOWN_GOOS = new Set(["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"]);
export const KNOWN_GOARCH = new Set(["386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm"]);
const UNIX_GOOS = new Set(["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux", "netbsd", "openbsd", "solaris"]);

/** The Go architecture name for the machine Node runs on. */
export function hostGoarch(): string {
  const map: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64", loong64: "loong64" };
  return map[process.arch] ?? "amd64";
}

export function tagSatisfied(tag: string, ctx: BuildContext): boolean {
  if (tag === ctx.goos || tag === ctx.goarch || tag === "gc") return true;
  if (tag === "unix") return UNIX_GOOS.has(ctx.goos);
  if (tag === "linux" && ctx.goos === "android") return true;
  if (tag === "cgo") return ctx.cgo;
  const release = /^go1\.(\d+)$/.exec(tag);
  if (release) return Number(release[1]) <= ctx.goMinor;
  return ctx.tags?.includes(tag) ?? false;
}

/** Evaluates a `//go:build` expression (`||`, `&&`, `!`, parentheses, tags). Throws on a syntax error. */
export function evalGoBuild(expr: string, ctx: BuildContext): boolean {
  const tokens = expr.match(/\|\||&&|!|\(|\)|[\p{L}\p{N}_.]+|\S/gu) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const or = (): boolean => {
    let v = and();
    while (peek() === "||") {
      pos++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (peek() === "&&") {
      pos++;
      const r = not();
      v = v && r;
    }
    return v;
  };
  const not = (): boolean => {
    const t = tokens[pos++];
    if (t === "!") return !not();
    if (t === "(") {
      const v = or();
      if (tokens[pos++] !== ")") throw new Error(`missing ) in //go:build ${expr}`);
      return v;
    }
    if (t === undefined || !/^[\p{L}\p{N}_.]+$/u.test(t)) throw new Error(`unexpected ${t ?? "end"} in //go:build ${expr}`);
    return tagSatisfied(t, ctx);
  };
  const value = or();
  if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos]} in //go:build ${expr}`);
  return value;
}

/** Legacy `// +build` lines: space-separated terms are ORed, comma-separated ANDed, lines ANDed. */
export function evalPlusBuild(lines: string[], ctx: BuildContext): boolean {
  return lines.every((line) =>
    line.split(/\s+/).filter(Boolean).some((term) =>
      term.split(",").every((atom) => (atom.startsWith("!") ? !tagSatisfied(atom.slice(1), ctx) : tagSatisfied(atom, ctx))),
    ),
  );
}

/** File-name rules: `_test.go` excluded, `_`/`.` prefixes ignored, `*_GOOS`, `*_GOARCH`, `*_GOOS_GOARCH` suffixes. */
export function fileNameIncluded(name: string, ctx: BuildContext): boolean {
  if (!name.endsWith(".go") || name.endsWith("_test.go") || name.startsWith("_") || name.startsWith(".")) return false;
  const parts = name.slice(0, -3).split("_");
  const last = parts[parts.length - 1] ?? "";
  const prev = parts.length >= 3 ? parts[parts.length - 2]! : undefined;
  if (parts.length < 2) return true;
  if (prev !== undefined && KNOWN_GOOS.has(prev) && KNOWN_GOARCH.has(last)) return osMatches(prev, ctx) && last === ctx.goarch;
  if (KNOWN_GOOS.has(last)) return osMatches(last, ctx);
  if (KNOWN_GOARCH.has(last)) return last === ctx.goarch;
  return true;
}

function osMatches(goos: string, ctx: BuildContext): boolean {
  return goos === ctx.goos || (goos === "linux" && ctx.goos === "android");
}

/** Whether a scanned file's header constraints admit it (`//go:build` wins over `// +build`). */
export function constraintsSatisfied(src: GoSourceFile, ctx: BuildContext): boolean {
  if (src.goBuild) {
    try {
      return evalGoBuild(src.goBuild.expr, ctx);
    } catch {
      return false;
    }
  }
  if (src.plusBuild.length > 0) return evalPlusBuild(src.plusBuild.map((p) => p.expr), ctx);
  return true;
}
