import { healthcheckInstruction } from "../../dockerfile/health-probe.js";
import { finalStageProgram } from "../model/go-build-context.js";
import { stageChain } from "../model/queries.js";
import type { Fix, Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG120",
    name: "missing-healthcheck",
    severity: "info",
    description: "The Go program has a health endpoint or a health flag of its own (from its source), but the image has no HEALTHCHECK: docker, podman and compose cannot tell when it is ready.",
    docs: "docs/rules/SG120.md",
    peers: { trivy: ["DS026"] },
    fixable: true,
    needsModule: true,
  },
  check(ctx) {
    const started = finalStageProgram(ctx.model, ctx.module);
    if (!started) return;
    const { final, program, path } = started;
    // HEALTHCHECK NONE is a decision, and a base image's own check is inherited: only a chain with none at all counts.
    if (stageChain(final).some((s) => s.instructions.some((i) => i.keyword === "HEALTHCHECK"))) return;
    const flag = program.facts.healthFlag;
    const endpoint = program.facts.healthEndpoints[0];
    if (flag) {
      const at = displayModuleLine(ctx.module!.root, flag.evidence);
      const command = [path, `-${flag.name}`];
      ctx.report({
        at: final.from,
        message: `${program.binary} probes its own health with -${flag.name} (${at}), but the image has no HEALTHCHECK, so docker, podman and compose's depends_on: service_healthy cannot tell when it is ready: add HEALTHCHECK CMD [${command.map((c) => JSON.stringify(c)).join(", ")}]`,
        fix: healthcheckFix(ctx.model.text, final.instructions, command),
      });
    } else if (endpoint) {
      const at = displayModuleLine(ctx.module!.root, endpoint.evidence);
      ctx.report({
        at: final.from,
        message: `${program.binary} serves ${endpoint.path} (${at}), but the image has no HEALTHCHECK, so docker, podman and compose's depends_on: service_healthy cannot tell when it is ready: add one that needs no shell, ${program.facts.tlsServer ? "a -health flag in the program (it serves TLS, which a plain-HTTP probe cannot check)" : "a -health flag in the program or a small static probe (slimgo init writes one)"}`,
      });
    }
  },
};

/** Inserts the HEALTHCHECK, with slimgo init's timing, on the line before the stage's first ENTRYPOINT or CMD, else after its last instruction. */
function healthcheckFix(text: string, instructions: readonly { keyword: string; start: number; end: number }[], command: string[]): Fix {
  const line = healthcheckInstruction(command);
  const before = instructions.find((i) => i.keyword === "ENTRYPOINT" || i.keyword === "CMD");
  if (before) {
    const lineStart = text.lastIndexOf("\n", before.start - 1) + 1;
    return { description: "add a HEALTHCHECK that runs the binary's own probe", edits: [{ start: lineStart, end: lineStart, text: `${line}\n` }] };
  }
  const lineEnd = text.indexOf("\n", instructions.at(-1)!.end);
  const edit = lineEnd === -1 ? { start: text.length, end: text.length, text: `\n${line}\n` } : { start: lineEnd + 1, end: lineEnd + 1, text: `${line}\n` };
  return { description: "add a HEALTHCHECK that runs the binary's own probe", edits: [edit] };
}
