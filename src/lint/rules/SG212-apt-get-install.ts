import { unwrapCommand } from "../model/command-wrappers.js";
import { editableWords, isShipped } from "../model/queries.js";
import type { DockerfileModel } from "../model/types.js";
import type { Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG212",
    name: "apt-get-install",
    severity: "warning",
    description: "apt-get install without -y (the build hangs or fails) or without --no-install-recommends (bigger image).",
    docs: "docs/rules/SG212.md",
    peers: { hadolint: ["DL3014", "DL3015"], trivy: ["DS021", "DS029"] },
    fixable: true,
  },
  check(ctx) {
    for (const ins of ctx.model.instructions) {
      if (ins.keyword !== "RUN") continue;
      for (const c of ins.commands) {
        const { words, assignments } = unwrapCommand(c);
        if (words[0]?.value !== "apt-get" && words[0]?.value !== "apt") continue;
        const install = words.findIndex((w) => w.value === "install");
        if (install < 0) continue;
        const values = words.map((w) => w.value);
        const yes = values.some((v) => v === "-y" || v === "--yes" || v === "--assume-yes" || v === "-qq" || /^-[a-z]*y[a-z]*$/.test(v)) || assignments.some((a) => a.name === "DEBIAN_FRONTEND") && values.includes("-y");
        const noRecommends = values.includes("--no-install-recommends") || values.some((v) => /APT::Install-Recommends=(false|0)/i.test(v));
        if (yes && noRecommends) continue;
        const missing = [!yes ? "-y" : "", !noRecommends ? "--no-install-recommends" : ""].filter(Boolean);
        const at = words[install];
        // Without recommends, curl, wget and git come without the CA certificates they need for https.
        const packages = packageNames(values.slice(install + 1));
        const tls = noRecommends || packages.includes("ca-certificates") ? undefined : packages.find((p) => RECOMMEND_CA_CERTIFICATES.has(p));
        const ssh = !noRecommends && packages.includes("git") && !packages.some((p) => p === "openssh-client" || p === "ssh") && usesSsh(ctx.model);
        const added = [...missing, ...(tls ? ["ca-certificates"] : []), ...(ssh ? ["openssh-client"] : [])];
        ctx.report({
          at: ins,
          message:
            `${words[0]?.value} install without ${missing.join(" and ")}: ${!yes ? "without -y the build stops at the prompt" : ""}${missing.length === 2 ? "; " : ""}${!noRecommends ? `recommended packages bloat ${isShipped(ctx.model, ctx.model.stages[ins.stage]!) ? "the image" : "this build stage (not shipped, but slower to build and cache)"}` : ""}` +
            (tls ? ` (with --no-install-recommends, also install ca-certificates, which ${tls} only recommends, or https fails with a certificate error)` : "") +
            (ssh ? " (and openssh-client, which git only recommends, for the ssh remote this Dockerfile uses)" : ""),
          ...(at && editableWords(ins, c) ? { fix: { description: `add ${added.join(" ")}`, edits: [{ start: at.end, end: at.end, text: " " + added.join(" ") }] } } : {}),
        });
      }
    }
  },
};

/**
 * Debian and Ubuntu packages that only Recommend ca-certificates (checked with apt-cache show on
 * Debian 12: curl through libcurl4, wget, git, aria2, libcurl4, libcurl3-gnutls), so that with
 * --no-install-recommends they fetch nothing over https.
 */
const RECOMMEND_CA_CERTIFICATES = new Set(["curl", "wget", "git", "aria2", "libcurl4", "libcurl3-gnutls"]);

/** Whether some RUN of the Dockerfile uses ssh: an ssh mount, or an ssh remote (`git@host:`, `ssh://`), for which git needs the ssh client it only recommends. */
function usesSsh(model: DockerfileModel): boolean {
  return model.instructions.some(
    (i) => i.keyword === "RUN" && (i.mounts.some((m) => m.type === "ssh") || i.commands.some((c) => c.words.some((w) => /^(git@[^:]+:|(git\+)?ssh:\/\/)|GIT_SSH/.test(w.value)))),
  );
}

/** apt-get options that take the next word as their value. */
const OPTIONS_WITH_VALUE = new Set(["-o", "--option", "-t", "--target-release", "--default-release", "-c", "--config-file", "-a", "--host-architecture"]);

/** The package names among apt-get install's arguments, without version, release or architecture (`git=1:2.39.2-1`, `curl/bookworm`, `wget:amd64`). */
function packageNames(args: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (OPTIONS_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith("-") && !/^\d*[<>]/.test(a)) names.push(a.replace(/[=/].*$/, "").replace(/:[a-z0-9]+$/, ""));
  }
  return names;
}
