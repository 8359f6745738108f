import { evidenceAt } from "./evidence.js";
import { callArguments, isQualified, type GoSourceFile } from "./go-source.js";
import type { DependencyFile } from "./runtime-needs.js";
import type { CommandLineFlags } from "./types.js";

/** flag-package functions that define a flag on the command line, and which argument names it. */
const DEFINERS: Record<string, number> = {
  Bool: 0, Int: 0, Int64: 0, Uint: 0, Uint64: 0, String: 0, Float64: 0, Duration: 0, Func: 0, BoolFunc: 0,
  BoolVar: 1, IntVar: 1, Int64Var: 1, UintVar: 1, Uint64Var: 1, StringVar: 1, Float64Var: 1, DurationVar: 1, Var: 1, TextVar: 1,
};
const BOOLEAN = new Set(["Bool", "BoolVar", "BoolFunc"]);

/**
 * Every flag the program's command line takes, when the standard flag package reads it and all of
 * them can be read from the source: each defined on the default command line with a literal name,
 * flag.Parse called, no FlagSet of its own (subcommands), and no dependency that imports flag (glog
 * and klog add theirs to the same command line). Undefined otherwise: then any flag may be valid.
 */
export function commandLineFlags(files: GoSourceFile[], dependencies: DependencyFile[]): CommandLineFlags | undefined {
  if (dependencies.some((d) => d.header.imports.some((imp) => imp.path === "flag"))) return undefined;
  const flags: CommandLineFlags["flags"] = [];
  let parsed = false;
  for (const src of files) {
    const t = src.tokens;
    for (let i = 0; i < t.length; i++) {
      if (!isQualified(src, i, "flag", /^[A-Z]/)) continue;
      const member = t[i + 2]!.value;
      if (member === "Parse") parsed = true;
      if (member === "NewFlagSet" || member === "CommandLine" || member === "Set") return undefined;
      const at = DEFINERS[member];
      if (at === undefined || t[i + 3]?.value !== "(") continue;
      const arg = callArguments(t, i + 3)[at];
      const name = arg && arg.end - arg.start === 1 && t[arg.start]!.kind === "string" ? t[arg.start]!.value : undefined;
      if (name === undefined) return undefined;
      flags.push({ name, boolean: BOOLEAN.has(member), evidence: evidenceAt(src, t[i]!.line) });
    }
  }
  return parsed ? { flags } : undefined;
}
