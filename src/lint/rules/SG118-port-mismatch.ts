import type { ListeningPort, MainPackage } from "../../analysis/types.js";
import { envDeclarations } from "../model/build.js";
import { finalStageProgram } from "../model/go-build-context.js";
import { stageChain } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, StageModel } from "../model/types.js";
import type { Fix, Rule } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG118",
    name: "port-mismatch",
    severity: "warning",
    description: "EXPOSE or the HEALTHCHECK names a port the Go program does not listen on (from its source, the image's ENV and the entrypoint's flags): the health check never passes.",
    docs: "docs/rules/SG118.md",
    peers: {},
    fixable: true,
    needsModule: true,
  },
  check(ctx) {
    const { model } = ctx;
    const started = finalStageProgram(model, ctx.module);
    if (!started) return;
    const { final, program } = started;
    const listening = effectivePorts(program, final, model, started.args, ctx.module!.root);
    if (!listening || listening.length === 0) return;
    const ports = new Set(listening.map((l) => l.port));
    const describe = `${program.binary} listens on ${listening.map((l) => `${l.port} (${l.why})`).join(" and ")}`;
    const only = ports.size === 1 ? [...ports][0]! : undefined;
    const instructions = stageChain(final).reverse().flatMap((s) => s.instructions);

    const exposes = instructions.filter((i) => i.keyword === "EXPOSE");
    const exposed = exposes.flatMap((i) => i.args.map((a) => ({ instruction: i, port: exposedPort(a), arg: a })));
    if (exposed.length > 0 && exposed.every((e) => e.port !== undefined && !ports.has(e.port))) {
      const first = exposed[0]!;
      ctx.report({
        at: first.instruction,
        message: `EXPOSE ${exposed.map((e) => e.arg).join(" ")}, but ${describe}: expose the port the program listens on`,
        ...(only !== undefined && exposed.length === 1 ? portFix(model, first.instruction, first.port!, only, "EXPOSE") : {}),
      });
    }

    const health = instructions.filter((i) => i.keyword === "HEALTHCHECK").at(-1);
    if (!health || (health.commands.length === 0 && health.json === null)) return;
    const words = health.json ?? health.commands.flatMap((c) => c.words.map((w) => w.value));
    // slimgo init's probe takes the variable's name and follows it at run time.
    if (listening.some((l) => l.envVar !== undefined && words.includes(l.envVar))) return;
    const probed = [...new Set(words.map(probedPort).filter((p): p is number => p !== undefined))];
    if (probed.length !== 1 || ports.has(probed[0]!)) return;
    ctx.report({
      at: health,
      message: `the HEALTHCHECK probes port ${probed[0]}, but ${describe}: the container never becomes healthy`,
      ...(only !== undefined ? portFix(model, health, probed[0]!, only, "HEALTHCHECK") : {}),
    });
  },
};

interface Listening {
  port: number;
  why: string;
  envVar?: string;
}

/** The ports the program listens on in this image; undefined when a variable, an argument or a config file may decide one. */
function effectivePorts(program: MainPackage, stage: StageModel, model: DockerfileModel, args: string[], root: string): Listening[] | undefined {
  if (program.facts.ports.some((p) => p.fallback)) return undefined;
  const env = new Map<string, string>();
  for (const s of stageChain(stage).reverse()) for (const i of s.instructions) if (i.keyword === "ENV") for (const d of envDeclarations(i, model)) env.set(d.name, d.value);
  const out: Listening[] = [];
  for (const p of program.facts.ports) {
    const at = displayModuleLine(root, p.evidence);
    const set = overridden(p, env, args);
    if (set === null) return undefined;
    const why = set?.why ?? (p.source === "env" ? `${p.envVar} unset, ${at}` : p.source === "flag" ? `-${p.flag} default, ${at}` : at);
    out.push({ port: set?.port ?? p.port, why, ...(p.envVar ? { envVar: p.envVar } : {}) });
  }
  return out;
}

/** The port an ENV or an entrypoint flag sets instead of the source's default; null when it is set to something not known. */
function overridden(p: ListeningPort, env: Map<string, string>, args: string[]): { port: number; why: string } | null | undefined {
  if (p.source === "env" && p.envVar && env.has(p.envVar)) {
    const port = portIn(env.get(p.envVar)!);
    return port === undefined ? null : { port, why: `ENV ${p.envVar}=${env.get(p.envVar)}` };
  }
  if (p.source === "flag" && p.flag) {
    for (let i = 0; i < args.length; i++) {
      const m = new RegExp(`^--?${p.flag}(?:=(.*))?$`).exec(args[i]!);
      if (!m) continue;
      const value = m[1] ?? args[i + 1] ?? "";
      const port = portIn(value);
      return port === undefined ? null : { port, why: `-${p.flag} ${value}` };
    }
  }
  return undefined;
}

/** 8080, ":8080", "0.0.0.0:8080", "[::]:8080". */
function portIn(value: string): number | undefined {
  const m = /^(?:.*:)?(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[1]) : NaN;
  return port > 0 && port <= 65535 ? port : undefined;
}

/** The port of an EXPOSE argument (`8080`, `8080/tcp`); undefined for ranges, udp and variables. */
function exposedPort(arg: string): number | undefined {
  const m = /^(\d{1,5})(\/tcp)?$/i.exec(arg);
  return m ? Number(m[1]) : undefined;
}

/** The local port a probe word names: `http://127.0.0.1:8080/healthz`, `localhost:8080`, `127.0.0.1:8080`. */
function probedPort(word: string): number | undefined {
  const m = /^(?:https?:\/\/)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]):(\d{1,5})(?:\/|$)/.exec(word);
  return m ? Number(m[1]) : undefined;
}

/** Replaces the one place the instruction names `from` as a port with `to`. */
function portFix(model: DockerfileModel, ins: InstructionModel, from: number, to: number, what: string): { fix: Fix } | {} {
  const text = model.text.slice(ins.start, ins.end);
  const re = new RegExp(`(?<![\\d.])${from}(?!\\d)`, "g");
  const hits = [...text.matchAll(re)];
  if (hits.length !== 1) return {};
  const start = ins.start + hits[0]!.index!;
  return { fix: { description: `${what} port ${to}`, edits: [{ start, end: start + String(from).length, text: String(to) }] } };
}
