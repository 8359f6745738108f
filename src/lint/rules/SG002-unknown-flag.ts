import { argumentsFormOf } from "../fixes/exec-form.js";
import type { DockerfileModel, InstructionModel } from "../model/types.js";
import type { Rule } from "../types.js";

/**
 * The flags BuildKit's Dockerfile frontend accepts, by instruction (labs ones too, so a
 * `# syntax=…-labs` file is not reported). Every other instruction takes none.
 */
const FLAGS: Record<string, readonly string[]> = {
  FROM: ["platform"],
  RUN: ["mount", "network", "security", "device"],
  COPY: ["from", "chown", "chmod", "link", "parents", "exclude"],
  ADD: ["chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack", "parents"],
  HEALTHCHECK: ["interval", "timeout", "start-period", "start-interval", "retries"],
};

export const rule: Rule = {
  meta: {
    id: "SG002",
    name: "unknown-flag",
    severity: "error",
    description: "A --flag the instruction does not take, such as a misspelt COPY --chwon or a shell-form CMD --port 8080 whose first word the builder reads as a flag.",
    docs: "docs/rules/SG002.md",
    peers: {},
  },
  check(ctx) {
    for (const ins of ctx.model.instructions) {
      const known = FLAGS[ins.keyword];
      if (known) {
        for (const flag of ins.flags) {
          if (known.includes(flag.name)) continue;
          ctx.report({
            at: flag.range,
            message: `${ins.keyword} has no flag --${flag.name}, so docker build and podman build stop with an error: ${ins.keyword} takes ${known.map((f) => `--${f}`).join(", ")}`,
          });
        }
        continue;
      }
      const leading = leadingFlags(ins);
      if (leading.length === 0) continue;
      const rest = ins.args.slice(leading.length).join(" ");
      const dropped = `podman build drops ${leading.length === 1 ? "it" : "them"}${rest === "" ? "" : ` and keeps "${rest}"`}`;
      ctx.report({
        at: ins,
        message: `${ins.keyword} takes no flags, but its line starts with ${leading.join(" ")}: docker build stops with "unknown flag: ${flagName(leading[0]!)}", and ${dropped}; ${advice(ctx.model, ins)}`,
      });
    }
  },
};

/** The words at the start of a shell-form instruction that the builder's parser takes for flags (up to `--` or the first other word). */
function leadingFlags(ins: InstructionModel): string[] {
  if (ins.json !== null) return [];
  const flags: string[] = [];
  for (const word of ins.args) {
    if (word === "--" || !word.startsWith("--")) break;
    flags.push(word);
  }
  return flags;
}

function flagName(word: string): string {
  return word.slice(2).split("=")[0]!;
}

function advice(model: DockerfileModel, ins: InstructionModel): string {
  const form = ins.keyword === "CMD" ? argumentsFormOf(model, ins)?.array : undefined;
  if (ins.keyword === "CMD") return `if these are the ENTRYPOINT's arguments, write them in exec form${form ? `: CMD ${form}` : ""}`;
  if (ins.keyword === "ENTRYPOINT") return "name the program first, in exec form (a JSON array)";
  return "remove the flag";
}
