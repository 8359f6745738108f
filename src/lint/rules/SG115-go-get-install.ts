import type { ModuleAnalysis } from "../../analysis/types.js";
import { goVersionOfTag, isGolangImage } from "../model/images.js";
import { envForCommand, goInvocations, goPackageArgs, rootImage, type GoInvocation } from "../model/queries.js";
import type { Fix, Rule } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG115",
    name: "go-get-install",
    severity: "error",
    description: "go get used to install a tool: since Go 1.18 it only edits go.mod and builds nothing, so the tool is never installed.",
    docs: "docs/rules/SG115.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    for (const g of goInvocations(ctx.model)) {
      if (g.subcommand !== "get" || !modulesOnly(ctx.model, g)) continue;
      const packages = goPackageArgs(g.args);
      const tools = packages.filter((p) => !p.value.startsWith("."));
      if (tools.length === 0) {
        if (packages.length > 0) {
          ctx.report({
            at: g.instruction,
            message: `go get ${packages.map((p) => p.value).join(" ")} fetches dependencies by editing go.mod inside the image: use go mod download, which only reads go.mod and go.sum and caches as a step of its own`,
          });
        }
        continue;
      }
      const fix = installFix(g, tools, ctx.module);
      ctx.report({
        at: g.instruction,
        message: `go get ${tools.map((t) => t.value).join(" ")} installs nothing since Go 1.18 (it only edits go.mod, and fails outside a module), so the tool is missing when a later step runs it: ${fix ? fix.description : `use go install ${tools.map((t) => `${t.value.replace(/@.*$/, "")}@<version>`).join(" ")}, with a release to pin`}`,
        ...(fix ? { fix } : {}),
      });
    }
  },
};

/**
 * Module mode, with a Go that has dropped installing from go get: 1.18 or later, or a Go the
 * image tag does not pin (golang:latest, another image); not with GO111MODULE=off (GOPATH mode still installs).
 */
function modulesOnly(model: Parameters<typeof envForCommand>[0], g: GoInvocation): boolean {
  if (envForCommand(model, g, "GO111MODULE") === "off") return false;
  const root = rootImage(g.stage);
  const version = isGolangImage(root) ? goVersionOfTag(root.tag) : undefined;
  if (version === undefined) return true;
  const [major, minor] = version.split(".").map(Number) as [number, number];
  return major > 1 || minor >= 18;
}

/**
 * `go get` → `go install`, when every package says which version to build: its own `@version`, or the
 * go.mod beside the Dockerfile requires its module (run in the module, go install then builds the
 * version go.mod pins, the tools.go way). -u and -d (which go install does not take) are dropped.
 */
function installFix(g: GoInvocation, tools: GoInvocation["args"], module: ModuleAnalysis | undefined): Fix | undefined {
  if (g.instruction.json !== null) return undefined;
  const pinnedByGoMod = (pkg: string) => module?.goMod.requires.some((r) => pkg === r.path || pkg.startsWith(`${r.path}/`)) ?? false;
  for (const t of tools) {
    const at = t.value.lastIndexOf("@");
    if (at < 0 ? !pinnedByGoMod(t.value) : ["latest", "upgrade", "patch", "none"].includes(t.value.slice(at + 1))) return undefined;
  }
  const flags = g.args.filter((a) => a.value.startsWith("-"));
  if (flags.some((f) => !/^-(u|d|v|x)$/.test(f.value))) return undefined;
  const edits = [{ start: g.subWord.start, end: g.subWord.end, text: "install" }];
  for (const f of flags) if (f.value === "-u" || f.value === "-d") edits.push({ start: f.start, end: nextWordStart(g, f), text: "" });
  const shown = tools.map((t) => t.value).join(" ");
  return { description: `use go install ${shown}${tools.some((t) => !t.value.includes("@")) ? " (the version go.mod requires)" : ""}`, edits };
}

/** Where the word after `flag` starts, so removing the flag takes its trailing space with it. */
function nextWordStart(g: GoInvocation, flag: GoInvocation["args"][number]): number {
  const i = g.args.indexOf(flag);
  return g.args[i + 1]?.start ?? flag.end;
}
