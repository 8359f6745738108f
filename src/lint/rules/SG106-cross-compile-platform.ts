import { argDeclarations, envDeclarations, lookupAt } from "../model/build.js";
import { goBuilds, lineStartOf, stageChain, type GoInvocation } from "../model/queries.js";
import type { DockerfileModel } from "../model/types.js";
import type { Fix, Rule } from "../types.js";

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
    for (const b of goBuilds(model)) {
      if (b.subcommand === "install" && b.args.some((a) => a.value.includes("@"))) continue;
      const onBuildPlatform = stageChain(b.stage).some((s) => /BUILDPLATFORM/.test(s.platform ?? ""));
      const goarch = settings(model, b, "GOARCH");
      const goos = settings(model, b, "GOOS");
      if (onBuildPlatform) {
        const missing: string[] = [];
        if (!goos.some((v) => /TARGETOS|TARGETPLATFORM/.test(v))) missing.push("GOOS=$TARGETOS");
        if (!goarch.some((v) => /TARGETARCH|TARGETPLATFORM/.test(v))) missing.push("GOARCH=$TARGETARCH");
        if (missing.length > 0 && !goarch.some((v) => !v.includes("$"))) {
          const fix = goos.length === 0 && goarch.length === 0 ? targetFix(model, b) : undefined;
          ctx.report({
            at: b.instruction,
            message: `this stage runs on $BUILDPLATFORM but go ${b.subcommand} does not set ${missing.join(" ")}, so every platform gets a binary for the build machine: declare ARG TARGETOS TARGETARCH and pass them`,
            ...(fix ? { fix } : {}),
          });
          continue;
        }
      }
      const hardcoded = goarch.find((v) => v !== "" && !v.includes("$"));
      if (multiPlatform && hardcoded !== undefined) {
        ctx.report({ at: b.instruction, message: `GOARCH is hard-coded to "${hardcoded}" in a multi-platform Dockerfile: use GOARCH=$TARGETARCH` });
        continue;
      }
      const lookup = lookupAt(model, b.instruction);
      for (const name of ["TARGETOS", "TARGETARCH"]) {
        const used = [...goos, ...goarch].some((v) => new RegExp(`\\$\\{?${name}\\b`).test(v));
        if (used && lookup(name) === undefined) {
          ctx.report({ at: b.instruction, message: `$${name} is used but not declared in this stage, so it is empty: add "ARG ${name}" after FROM` });
        }
      }
    }
  },
};

/** Raw values a variable is set to for this command: inline, `export`, ENV or ARG in the stage chain. */
function settings(model: DockerfileModel, b: GoInvocation, name: string): string[] {
  const out: string[] = [];
  for (const a of b.assignments) if (a.name === name) out.push(rawValue(model.text.slice(a.word.start, a.word.end), name));
  for (const c of b.instruction.commands) {
    if (c === b.command) break;
    if (c.name === "export") for (const w of c.words.slice(1)) if (w.value.startsWith(name + "=")) out.push(w.value.slice(name.length + 1));
  }
  for (const s of stageChain(b.stage)) {
    for (const i of s.instructions) {
      if (s === b.stage && i.index > b.instruction.index) break;
      const decls = i.keyword === "ENV" ? envDeclarations(i, model) : i.keyword === "ARG" ? argDeclarations(i, model) : [];
      for (const d of decls) if (d.name === name && d.value !== undefined) out.push(d.value);
    }
  }
  return out;
}

function rawValue(word: string, name: string): string {
  return word.slice(name.length + 1).replace(/^["']|["']$/g, "");
}

/** Prefix the command with GOOS/GOARCH from the target args, declaring the args in the stage when needed. */
function targetFix(model: DockerfileModel, b: GoInvocation): Fix | undefined {
  const at = b.envInsertAt;
  if (at === undefined || b.instruction.json !== null) return undefined;
  const edits: Fix["edits"] = [{ start: at, end: at, text: "GOOS=$TARGETOS GOARCH=$TARGETARCH " }];
  const lookup = lookupAt(model, b.instruction);
  const undeclared = ["TARGETOS", "TARGETARCH"].filter((n) => lookup(n) === undefined);
  if (undeclared.length > 0) {
    const lineStart = lineStartOf(model, b.instruction.start);
    const eol = model.text.includes("\r\n") ? "\r\n" : "\n";
    edits.push({ start: lineStart, end: lineStart, text: `ARG ${undeclared.join(" ")}${eol}` });
  }
  return { description: "pass GOOS=$TARGETOS GOARCH=$TARGETARCH to go build", edits };
}
