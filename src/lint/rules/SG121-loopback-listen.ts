import { finalStageProgram } from "../model/go-build-context.js";
import { stageChain, stageSetsEnv } from "../model/queries.js";
import type { Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG121",
    name: "loopback-listen",
    severity: "warning",
    description: "The Go program the image runs listens on localhost or 127.0.0.1 only (from its source): published ports and other containers reach nothing, while a health check run inside passes.",
    docs: "docs/rules/SG121.md",
    peers: {},
    needsModule: true,
  },
  check(ctx) {
    const { model } = ctx;
    const started = finalStageProgram(model, ctx.module);
    if (!started) return;
    const { final, program, args } = started;
    // A fallback literal (`if addr == "" { addr = "localhost:8080" }`) stands behind the variable or flag that sets it.
    const service = program.facts.ports.find((p) => !p.fallback) ?? program.facts.ports[0];
    if (!service?.loopback) return;
    // A server on every interface beside it is the service; the loopback one (pprof) is kept inside on purpose.
    if (program.facts.ports.some((p) => !p.fallback && !p.loopback)) return;
    const setByEnv = service.source === "env" && service.envVar !== undefined && stageSetsEnv(model, final, service.envVar);
    const setByFlag = service.source === "flag" && args.some((a) => new RegExp(`^--?${service.flag}(=|$)`).test(a));
    if (setByEnv || setByFlag) return;
    const at = displayModuleLine(ctx.module!.root, service.evidence);
    const how = service.source === "env" ? `, or set ENV ${service.envVar}=:${service.port}` : service.source === "flag" ? `, or pass -${service.flag}=:${service.port} in the ENTRYPOINT` : "";
    const expose = stageChain(final).flatMap((s) => s.instructions).find((i) => i.keyword === "EXPOSE");
    ctx.report({
      at: expose ?? final.from,
      message: `${program.binary} listens on ${service.loopback} (${at}), the container's own loopback: docker run -p, compose ports and other containers reach nothing there, while a health check run inside passes; listen on :${service.port} (every interface)${how}`,
    });
  },
};
