import type { ModuleAnalysis } from "../../analysis/types.js";
import { programsBuilt } from "../model/go-build-context.js";
import { goVersionOfTag, isGolangImage } from "../model/images.js";
import { editableWords, envForCommand, expandGoArgument, goBuilds, goFlagValue, goFlags, hasGoFlag, rootImage, stageChain, stageSetsEnv, type GoInvocation } from "../model/queries.js";
import type { DockerfileModel } from "../model/types.js";
import type { Rule, TextEdit } from "../types.js";
import { displayModuleLine } from "../../fsutil/display-path.js";

export const rule: Rule = {
  meta: {
    id: "SG105",
    name: "build-flags",
    severity: "info",
    description: "go build without -trimpath (reproducible binaries) or without -ldflags \"-s -w\" (smaller binaries).",
    docs: "docs/rules/SG105.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    for (const b of goBuilds(ctx.model)) {
      if (b.subcommand === "install" && b.args.some((a) => a.value.includes("@"))) continue;
      // GOFLAGS as this go command sees it: inline, exported, go env -w, or ENV/ARG in scope.
      // Go before 1.13 has no -trimpath: `go build -trimpath` fails there ("flag provided but not defined").
      const trimpath = hasGoFlag(b.args, "trimpath") || /(^|\s)-trimpath(\s|$)/.test(envForCommand(ctx.model, b, "GOFLAGS") ?? "") || goBefore113(b);
      const given = goFlags(b.args, "ldflags");
      const last = given.at(-1);
      const expanded = last && expandGoArgument(ctx.model, b, last.word, last.value);
      // -ldflags="$LDFLAGS" from an ARG without a default may hold -s -w: known only at build time. A
      // variable inside a word (-X main.version=$VERSION) cannot add flags.
      const mayHoldFlags = expanded?.unknown === true && /(^|\s)\$\{?\w+\}?(?=\s|$)/.test(last!.value);
      if (trimpath && mayHoldFlags) continue;
      const ldflags = expanded?.value;
      const stripped = ldflags !== undefined && (mayHoldFlags || hasStrip(ldflags));
      if (trimpath && stripped) continue;
      const missing: string[] = [];
      const edits: TextEdit[] = [];
      const zoneinfoViaGoroot = trimpath ? undefined : zoneinfoOnlyFromGoroot(ctx.model, b, ctx.module);
      // A fix that left -trimpath out would leave the finding standing; the message says what to do first.
      const canEdit = editableWords(b.instruction, b.command) && zoneinfoViaGoroot === undefined;
      let insert = "";
      if (!trimpath) {
        missing.push("-trimpath");
        if (canEdit) insert += " -trimpath";
      }
      if (!stripped) {
        const lacking = ldflags === undefined ? [] : ["-s", "-w"].filter((f) => !new RegExp(`(^|\\s)${f}(\\s|$)`).test(ldflags));
        missing.push(lacking.length > 0 ? `${lacking.join(" ")} in its -ldflags` : '-ldflags="-s -w"');
        if (canEdit && ldflags === undefined) insert += ' -ldflags="-s -w"';
      }
      if (insert !== "") edits.push({ start: b.subWord.end, end: b.subWord.end, text: insert });
      ctx.report({
        at: b.instruction,
        message: `${b.program} ${b.subcommand} without ${missing.join(" and ")}: ${!trimpath ? "-trimpath makes the binary independent of the build directory" : ""}${!trimpath && !stripped ? "; " : ""}${!stripped ? "-s -w drops symbol and DWARF tables (about a third of the size)" : ""}${!stripped && given.slice(0, -1).some((g) => hasStrip(g.value)) ? `; an earlier -ldflags has them, but ${b.program} ${b.subcommand} uses only the last: merge them into one` : ""}${zoneinfoViaGoroot !== undefined ? `; not fixed for you: the binary runs in this Go image and loads time zones (${zoneinfoViaGoroot}), which it may find only in $GOROOT/lib/time/zoneinfo.zip, where a -trimpath binary does not look (its runtime.GOROOT() is empty): set ENV ZONEINFO to that file or import time/tzdata first` : ""}`,
        ...(edits.length > 0 ? { fix: { description: `add ${edits.map((e) => e.text.trim()).join(" ")}`, edits } } : {}),
      });
    }
  },
};

/**
 * Where a program this build makes loads time zones (file:line), when the binary runs in the image
 * that built it (the build's stage is the final stage or one it starts FROM) and nothing but the
 * toolchain's zoneinfo.zip is known to serve them: no ZONEINFO or GOROOT in the image, no
 * time/tzdata or -tags timetzdata. Go finds that file through runtime.GOROOT(), which -trimpath
 * leaves empty, so adding -trimpath there can turn a working time.LoadLocation into "unknown time zone".
 */
function zoneinfoOnlyFromGoroot(model: DockerfileModel, b: GoInvocation, module: ModuleAnalysis | undefined): string | undefined {
  const final = model.finalStage;
  if (module === undefined || final === undefined || !stageChain(final).includes(b.stage)) return undefined;
  if (/timetzdata/.test(goFlagValue(b.args, "tags") ?? "")) return undefined;
  if (stageSetsEnv(model, final, "ZONEINFO") || stageSetsEnv(model, final, "GOROOT")) return undefined;
  const zone = programsBuilt(b, module)
    .map((p) => p.facts.needs.zoneinfo)
    .find((z) => z.needed && !z.embeddedTzdata);
  const at = zone?.evidence[0];
  return zone === undefined ? undefined : at ? displayModuleLine(module.root, at) : "time.LoadLocation";
}

/** Whether the build runs in a golang image whose tag names a Go older than 1.13 (golang:1.12-alpine). */
function goBefore113(b: GoInvocation): boolean {
  const root = rootImage(b.stage);
  const [major, minor] = (goVersionOfTag(isGolangImage(root) ? root.tag : undefined) ?? "").split(".").map(Number);
  return major === 1 && minor !== undefined && minor < 13;
}

function hasStrip(ldflags: string): boolean {
  return /(^|\s)-s(\s|$)/.test(ldflags) && /(^|\s)-w(\s|$)/.test(ldflags);
}
