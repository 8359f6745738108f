import type { CommandLineFlags } from "../../analysis/types.js";
import { finalStageProgram } from "../model/go-build-context.js";
import { stageChain } from "../model/queries.js";
import type { Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG124",
    name: "undefined-program-flag",
    severity: "error",
    description: "The ENTRYPOINT or CMD passes the Go program a flag its source never defines: the flag package stops it with \"flag provided but not defined\" (exit 2) before it serves.",
    docs: "docs/rules/SG124.md",
    peers: {},
    needsModule: true,
  },
  check(ctx) {
    const started = finalStageProgram(ctx.model, ctx.module);
    const known = started?.program.facts.commandLineFlags;
    if (!started || !known) return;
    const unknown = firstUndefinedFlag(started.args, known);
    if (unknown === undefined) return;
    const instructions = stageChain(started.final).reverse().flatMap((s) => s.instructions);
    const at = instructions.filter((i) => (i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && (i.json ?? i.args).includes(unknown.arg)).at(-1);
    if (!at) return;
    const names = known.flags.map((f) => `-${f.name}`);
    const defined = names.length === 0 ? "defines no flags" : `defines ${names.join(", ")} (${known.flags.map((f) => displayModuleLine(ctx.module!.root, f.evidence)).filter((v, i, all) => all.indexOf(v) === i).join(", ")})`;
    ctx.report({
      at,
      message: `${unknown.arg} is not a flag of ${started.program.binary}, which ${defined}: it stops with "flag provided but not defined: -${unknown.name}" and exit status 2 before it serves; pass one of its flags, or define -${unknown.name}`,
    });
  },
};

/** The first argument Go's flag package would refuse, read as it reads them: flags up to the first non-flag or `--`, a non-boolean flag taking the next argument as its value. */
function firstUndefinedFlag(args: readonly string[], known: CommandLineFlags): { arg: string; name: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--" || arg === "-" || !arg.startsWith("-") || arg.includes("$")) return undefined;
    const match = /^--?([^-=][^=]*)(=.*)?$/.exec(arg);
    if (!match) return undefined;
    const name = match[1]!;
    const flag = known.flags.find((f) => f.name === name);
    if (!flag) return name === "h" || name === "help" ? undefined : { arg, name };
    if (!flag.boolean && match[2] === undefined) i++;
  }
  return undefined;
}
