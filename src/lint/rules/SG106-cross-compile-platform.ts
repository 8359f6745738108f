import { argDeclarations, declarationAt, lookupAt } from "../model/build.js";
import { envAssignmentEdit, scriptEnvironment, unwrapCommand } from "../model/command-wrappers.js";
import { exportedBefore, goBuilds, lineStartOf, stageChain, type GoInvocation } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, ShellCommand } from "../model/types.js";
import type { Fix, Rule } from "../types.js";
import { unquoteWord } from "../model/variables.js";

export const rule: Rule = {
  meta: {
    id: "SG106",
    name: "cross-compile-platform",
    severity: "warning",
    description: "A $BUILDPLATFORM builder that does not pass GOOS=$TARGETOS GOARCH=$TARGETARCH, or a hard-coded GOARCH in a multi-platform Dockerfile.",
    docs: "docs/rules/SG106.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    const { model } = ctx;
    const multiPlatform = model.stages.some((s) => /\$\{?(BUILD|TARGET)PLATFORM/.test(s.platform ?? "")) || model.instructions.some((i) => i.keyword === "ARG" && argDeclarations(i, model).some((d) => /^TARGET(ARCH|OS|PLATFORM)$/.test(d.name)));
    const reportedXx = new Set<InstructionModel>();
    for (const b of goBuilds(model)) {
      if (b.subcommand === "install" && b.args.some((a) => a.value.includes("@"))) continue;
      const onBuildPlatform = stageChain(b.stage).some((s) => /BUILDPLATFORM/.test(s.platform ?? ""));
      const goarch = setting(model, b, "GOARCH");
      const goos = setting(model, b, "GOOS");
      const xx = xxGoFor(b);
      if (onBuildPlatform && xx && !reportedXx.has(xx.instruction) && !targetReaches(model, xx)) {
        reportedXx.add(xx.instruction);
        const lineStart = lineStartOf(model, xx.instruction.start);
        ctx.report({
          at: xx.instruction,
          message: `this stage runs on $BUILDPLATFORM and ${xx.what} takes the target platform from $TARGETPLATFORM, which is not declared in ${xx.instruction.stage === b.stage.index ? "this stage" : `stage ${model.stages[xx.instruction.stage]?.name ?? xx.instruction.stage}`}, so xx-go builds for the build machine and every platform gets its binary: add "ARG TARGETPLATFORM" after FROM`,
          fix: { description: "declare ARG TARGETPLATFORM for xx-go", edits: [{ start: lineStart, end: lineStart, text: "ARG TARGETPLATFORM\n" }] },
        });
        continue;
      }
      // xx-go exports GOOS and GOARCH over any set before it; after xx-go --wrap, an ENV GOARCH still wins over go's environment file.
      if (b.program === "xx-go") continue;
      if (onBuildPlatform && !xx) {
        const missing: string[] = [];
        if (!/TARGETOS|TARGETPLATFORM/.test(goos?.value ?? "")) missing.push("GOOS=$TARGETOS");
        if (!/TARGETARCH|TARGETPLATFORM/.test(goarch?.value ?? "")) missing.push("GOARCH=$TARGETARCH");
        if (missing.length > 0 && (goarch === undefined || goarch.value.includes("$"))) {
          const fix = goos === undefined && goarch === undefined ? targetFix(model, b) : undefined;
          ctx.report({
            at: b.instruction,
            message: `this stage runs on $BUILDPLATFORM but ${b.program} ${b.subcommand} does not set ${missing.join(" ")}, so every platform gets a binary for the build machine: declare ARG TARGETOS TARGETARCH and pass them`,
            ...(fix ? { fix } : {}),
          });
          continue;
        }
      }
      const hardcoded = goarch !== undefined && goarch.value !== "" && !goarch.value.includes("$") ? goarch.value : undefined;
      if (multiPlatform && hardcoded !== undefined) {
        ctx.report({ at: b.instruction, message: `GOARCH is hard-coded to "${hardcoded}" in a multi-platform Dockerfile: use GOARCH=$TARGETARCH` });
        continue;
      }
      // Where each undeclared TARGETOS/TARGETARCH is expanded: the ARG goes right before that instruction.
      const undeclared = ["TARGETOS", "TARGETARCH"].flatMap((name) =>
        [goos, goarch].filter((s) => s !== undefined && new RegExp(`\\$\\{?${name}\\b`).test(s.value) && lookupAt(model, s.expandedAt)(name) === undefined).slice(0, 1).map((s) => ({ name, at: s!.expandedAt })),
      );
      for (const { name, at } of undeclared) {
        // Every finding at the same instruction makes the same edit, which the fixes share.
        const names = undeclared.filter((u) => u.at === at).map((u) => u.name);
        const lineStart = lineStartOf(model, at.start);
        ctx.report({
          at: b.instruction,
          message: `$${name} is used but not declared in this stage, so it is empty: add "ARG ${name}" after FROM`,
          fix: { description: `declare ARG ${names.join(" ")}`, edits: [{ start: lineStart, end: lineStart, text: `ARG ${names.join(" ")}\n` }] },
        });
      }
    }
  },
};

/**
 * The value a variable has for go as written (variables not expanded), and the instruction that
 * expands it: inline, else an `export` earlier in the RUN, else the ENV/ARG in effect (lookupAt's
 * scoping). Exports, ENV and ARG count only when they reach go (sudo without -E drops them).
 */
function setting(model: DockerfileModel, b: GoInvocation, name: string): { value: string; expandedAt: InstructionModel } | undefined {
  const inline = b.assignments.filter((a) => a.name === name).pop();
  if (inline) return { value: unquoteWord(model.text.slice(inline.word.start + name.length + 1, inline.word.end), model.escape), expandedAt: b.instruction };
  const exported = exportedBefore(b, name);
  if (exported !== undefined) return { value: exported, expandedAt: b.instruction };
  if (!b.inherits(name)) return undefined;
  const declared = declarationAt(model, b.instruction, name);
  return declared?.value === undefined ? undefined : { value: declared.value, expandedAt: declared.instruction };
}

/** The xx-go that sets GOOS and GOARCH for a go command, and the RUN it is in. */
interface XxGo {
  instruction: InstructionModel;
  command: ShellCommand;
  /** How messages name it: `xx-go build`, `xx-go --wrap`. */
  what: string;
}

/**
 * The tonistiigi/xx `xx-go` that sets GOOS and GOARCH from $TARGETPLATFORM for this go command: the
 * command itself (`xx-go build`), else the last `xx-go --wrap` before it, in its RUN or an earlier one
 * of the stage or a stage it starts FROM (the wrapper writes them to go's environment file).
 */
function xxGoFor(b: GoInvocation): XxGo | undefined {
  if (b.program === "xx-go") return { instruction: b.instruction, command: b.command, what: `xx-go ${b.subcommand}` };
  const wraps = (c: ShellCommand): boolean => {
    const [program, option] = unwrapCommand(c).words;
    return program?.value.split("/").pop() === "xx-go" && option?.value === "--wrap";
  };
  let found: XxGo | undefined;
  for (const s of stageChain(b.stage).reverse()) {
    for (const i of s.instructions) {
      if (i.keyword !== "RUN" || (s === b.stage && i.index > b.instruction.index)) continue;
      const before = i === b.instruction ? i.commands.slice(0, i.commands.indexOf(b.command)) : i.commands;
      const wrap = before.filter(wraps).at(-1);
      if (wrap) found = { instruction: i, command: wrap, what: "xx-go --wrap" };
    }
  }
  return found;
}

/**
 * Whether the target platform reaches xx-go: xx-info reads $TARGETPLATFORM, else $TARGETPAIR, else
 * $TARGETOS and $TARGETARCH, and without them takes the machine it runs on (uname -m).
 */
function targetReaches(model: DockerfileModel, xx: XxGo): boolean {
  const lookup = lookupAt(model, xx.instruction);
  const { inherits } = unwrapCommand(xx.command);
  const reaches = (name: string) => (inherits(name) && lookup(name) !== undefined) || unwrapCommand(xx.command).assignments.some((a) => a.name === name);
  return reaches("TARGETPLATFORM") || reaches("TARGETPAIR") || (reaches("TARGETOS") && reaches("TARGETARCH"));
}

/** Prefix the command with GOOS/GOARCH from the target args, declaring the args in the stage when needed. */
function targetFix(model: DockerfileModel, b: GoInvocation): Fix | undefined {
  const prefix = envAssignmentEdit(b, "GOOS=$TARGETOS GOARCH=$TARGETARCH");
  if (prefix === undefined || b.instruction.json !== null) return undefined;
  // In `sh -c '...'` the script's own shell expands $TARGETOS, so the variables must reach it (su - drops them).
  const script = b.command.script;
  if (script && ["TARGETOS", "TARGETARCH"].some((n) => scriptEnvironment(script).droppedBy(n) !== undefined)) return undefined;
  const edits: Fix["edits"] = [prefix];
  const lookup = lookupAt(model, b.instruction);
  const undeclared = ["TARGETOS", "TARGETARCH"].filter((n) => lookup(n) === undefined);
  if (undeclared.length > 0) {
    // Declared once for the stage, before its first go build: every fix of the stage makes this same edit.
    const first = goBuilds(model).find((g) => g.stage === b.stage)?.instruction ?? b.instruction;
    const lineStart = lineStartOf(model, first.start);
    edits.push({ start: lineStart, end: lineStart, text: `ARG ${undeclared.join(" ")}\n` });
  }
  return { description: "pass GOOS=$TARGETOS GOARCH=$TARGETARCH to go build", edits };
}
