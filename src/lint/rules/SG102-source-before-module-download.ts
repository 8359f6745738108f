import { copyPaths, goBuilds, isModDownload, isSourceCopy, lineStartOf, stageChain } from "../model/queries.js";
import type { DockerfileModel, InstructionModel, StageModel } from "../model/types.js";
import type { Fix, Rule, RuleContext } from "../types.js";

export const rule: Rule = {
  meta: {
    id: "SG102",
    name: "source-before-module-download",
    severity: "warning",
    description: "Go source is copied before modules are downloaded, so every source edit re-downloads all modules.",
    docs: "docs/rules/SG102.md",
    peers: {},
    fixable: true,
  },
  check(ctx) {
    if (ctx.module && ctx.module.goMod.requires.length === 0) return;
    const builds = goBuilds(ctx.model);
    for (const stage of ctx.model.stages) {
      const sourceCopy = stage.instructions.find(isSourceCopy);
      if (!sourceCopy) continue;
      const modCopiedFirst = stage.instructions.some((i) => i.index < sourceCopy.index && i.keyword === "COPY" && copyPaths(i).sources.some((s) => /(^|\/)go\.mod$/.test(s)));
      if (modCopiedFirst || modulesBroughtIn(stage, sourceCopy)) continue;
      const download = stage.instructions.find((i) => i.keyword === "RUN" && i.commands.some(isModDownload));
      if (download && download.index < sourceCopy.index) continue;
      const laterBuild = builds.find((b) => b.stage === stage && b.instruction.index > sourceCopy.index);
      if (!download && !laterBuild) continue;
      if (!download && laterBuild && laterBuild.instruction.mounts.some((m) => m.type === "cache" && /\/pkg\/mod\/?$/.test(m.target ?? ""))) continue;
      const fix = download ? moveDownloadFix(ctx, stage, sourceCopy, download) : undefined;
      ctx.report({
        at: sourceCopy,
        message: download
          ? `source is copied before "go mod download" (line ${download.range.line}), so any source change re-downloads every module: COPY go.mod go.sum first, download, then copy the source`
          : `source is copied before modules are downloaded, so "go build" re-downloads every module on each source change: COPY go.mod go.sum and RUN go mod download first`,
        ...(fix ? { fix } : {}),
      });
    }
  },
};

function downloads(stage: StageModel): boolean {
  return stage.instructions.some((i) => i.keyword === "RUN" && i.commands.some(isModDownload));
}

/** The module cache is already there: downloaded in a stage this one is built FROM, or copied from one (COPY --from=modules /go/pkg /go/pkg). */
function modulesBroughtIn(stage: StageModel, sourceCopy: InstructionModel): boolean {
  if (stageChain(stage).slice(1).some(downloads)) return true;
  return stage.copyFrom.some(
    (e) => e.instruction.index < sourceCopy.index && e.stage !== undefined && e.stage !== stage && stageChain(e.stage).some(downloads) && copyPaths(e.instruction).sources.some((s) => "/go/pkg/mod/".startsWith(stripSlash(s) + "/")),
  );
}

function stripSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** The absolute WORKDIR in effect at `at` (undefined when a relative or variable one makes it unknown). */
function workdirAt(stage: StageModel, at: InstructionModel): string | undefined {
  let dir: string | undefined;
  for (const i of stage.instructions) {
    if (i.index >= at.index) break;
    if (i.keyword !== "WORKDIR") continue;
    const arg = i.args.join(" ").trim();
    dir = arg.startsWith("/") && !arg.includes("$") ? stripSlash(arg) : undefined;
  }
  return dir;
}

function moveDownloadFix(ctx: RuleContext, stage: StageModel, sourceCopy: InstructionModel, download: InstructionModel): Fix | undefined {
  const model: DockerfileModel = ctx.model;
  if (!download.commands.every(isModDownload) || download.json !== null) return undefined;
  // Moving the download above these would run it in another directory, as another user, or
  // without the variables (GOPROXY, GOFLAGS) it was written to see.
  const between = stage.instructions.filter((i) => i.index > sourceCopy.index && i.index < download.index);
  if (between.some((i) => ["WORKDIR", "USER", "ENV", "ARG", "SHELL"].includes(i.keyword))) return undefined;
  // go mod download reads go.mod in the working directory: the copy must land there.
  let dest = copyPaths(sourceCopy).dest;
  if (dest === "." || dest === "") dest = "./";
  if (dest !== "./" && stripSlash(dest) !== workdirAt(stage, sourceCopy)) return undefined;
  if (!dest.endsWith("/")) dest += "/";
  const goSum = ctx.fileExists("go.sum") === false ? "" : " go.sum";
  const insertAt = lineStartOf(model, sourceCopy.start);
  const downloadStart = lineStartOf(model, download.start);
  let downloadEnd = download.end;
  const newline = model.text.indexOf("\n", downloadEnd);
  downloadEnd = newline < 0 ? model.text.length : newline + 1;
  let moved = model.text.slice(downloadStart, downloadEnd);
  if (!moved.endsWith("\n")) moved += "\n";
  const eol = model.text.includes("\r\n") ? "\r\n" : "\n";
  return {
    description: "copy go.mod/go.sum and download modules before copying the source",
    edits: [
      { start: insertAt, end: insertAt, text: `COPY go.mod${goSum} ${dest}${eol}${moved}` },
      { start: downloadStart, end: downloadEnd, text: "" },
    ],
  };
}
