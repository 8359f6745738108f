import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG209",
    name: "expose",
    severity: "error",
    description: "EXPOSE with a port outside 0-65535, a host:container mapping, or an unknown protocol.",
    docs: "docs/rules/SG209.md",
    peers: { hadolint: ["DL3011"], buildkit: ["ExposeInvalidFormat", "ExposeProtoCasing"], trivy: ["DS008"] },
  },
  check(ctx) {
    for (const ins of ctx.model.instructions) {
      if (ins.keyword !== "EXPOSE") continue;
      for (const raw of ins.args) {
        const arg = raw.replace(/^["']|["']$/g, "");
        if (arg.includes("$")) continue;
        if (/^[\d.]*:\d/.test(arg)) {
          ctx.report({ at: ins, message: `EXPOSE ${arg} maps a host port, which EXPOSE cannot do: write only the container port (publish with -p at run time)` });
          continue;
        }
        const m = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(arg);
        if (!m) {
          ctx.report({ at: ins, message: `EXPOSE ${arg} is not a port: write PORT, PORT/tcp or PORT/udp` });
          continue;
        }
        const ports = [m[1], m[2]].filter((p): p is string => p !== undefined).map(Number);
        if (ports.some((p) => p > 65535)) ctx.report({ at: ins, message: `EXPOSE ${arg}: ports range from 0 to 65535` });
        const proto = m[3];
        if (proto !== undefined && !["tcp", "udp", "sctp"].includes(proto.toLowerCase())) ctx.report({ at: ins, message: `EXPOSE ${arg}: unknown protocol "${proto}", use tcp, udp or sctp` });
        else if (proto !== undefined && proto !== proto.toLowerCase()) ctx.report({ at: ins, message: `EXPOSE ${arg}: write the protocol in lower case (${proto.toLowerCase()})` });
      }
    }
  },
};
