import { resolve } from "node:path";
import { parseGoMod } from "../../analysis/gomod.js";
import { compareGoVersions } from "../../analysis/go-version.js";
import { isDirectoryReplacement, isOutsideModule, replacementDir } from "../../analysis/local-replaces.js";
import type { GoModFile, GoModReplace, GoModRequire } from "../../analysis/types.js";
import { copyPaths, goBuilds, goModMode, isModDownload, isSourceCopy, lineStartOf, stageChain, type GoInvocation } from "../model/queries.js";
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
    const mod = moduleOf(ctx);
    if (mod && !downloadsAnything(ctx, mod)) return;
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
      if (!download && builds.filter((b) => b.stage === stage && b.instruction.index > sourceCopy.index).every((b) => buildsFromVendor(ctx, mod, b))) continue;
      const fix = download ? moveDownloadFix(ctx, mod, stage, sourceCopy, download) : undefined;
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

/** go.mod as the build sees it: the module analysis's, else the build context's own go.mod, with the directory replacements are relative to. */
interface BuildModule {
  goMod: GoModFile;
  /** Absolute module root, when known. */
  root: string | undefined;
}

function moduleOf(ctx: RuleContext): BuildModule | undefined {
  if (ctx.module) return { goMod: ctx.module.goMod, root: ctx.module.root };
  const text = ctx.readFile("go.mod");
  if (text === undefined) return undefined;
  try {
    return { goMod: parseGoMod(text), root: ctx.contextDir };
  } catch {
    return undefined; // SG111 and the build report a go.mod go cannot read.
  }
}

/** The replacements by a directory that apply to go.mod's requirements. */
function directoryReplaces(goMod: GoModFile): GoModReplace[] {
  return goMod.replaces.filter(isDirectoryReplacement);
}

/**
 * Whether go mod download has something to fetch: a requirement that no directory replaces. From go
 * 1.17 on, go.mod lists every module the build needs, so a module whose requirements are all
 * replaced by directories needs nothing downloaded; before that, the replacements' own requirements
 * count too (read from the build context, and also fetched unless go.mod replaces them by a
 * directory; one that cannot be read counts as something to fetch).
 */
function downloadsAnything(ctx: RuleContext, mod: BuildModule): boolean {
  const local = directoryReplaces(mod.goMod);
  const replaced = (r: GoModRequire) => local.some((l) => l.oldPath === r.path && (l.oldVersion === undefined || l.oldVersion === r.version));
  if (mod.goMod.requires.some((r) => !replaced(r))) return true;
  if (mod.goMod.requires.length === 0 || compareGoVersions(mod.goMod.go ?? "0", "1.17") >= 0) return false;
  for (const r of local) {
    if (mod.root === undefined || isOutsideModule(mod.root, r.newPath)) return true;
    const text = ctx.readFile(`${replacementDir(mod.root, r.newPath)}/go.mod`);
    if (text === undefined) return true;
    try {
      if (parseGoMod(text).requires.some((req) => !replaced(req))) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * Whether a go build reads its modules from vendor/ and so downloads none: -mod=vendor on the
 * command line or in GOFLAGS, or, with neither naming another -mod, vendor/modules.txt in the
 * context and go.mod saying go 1.14 or later (go's default there). go mod download ignores vendor/
 * and fetches every requirement, so moving it first would add downloads the build never needed.
 */
function buildsFromVendor(ctx: RuleContext, mod: BuildModule | undefined, build: GoInvocation): boolean {
  const mode = goModMode(ctx.model, build);
  if (mode !== undefined) return mode === "vendor";
  const vendored = ctx.module?.vendored ?? ctx.fileExists("vendor/modules.txt") === true;
  return vendored && mod?.goMod.go !== undefined && compareGoVersions(mod.goMod.go, "1.14") >= 0;
}

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

function moveDownloadFix(ctx: RuleContext, mod: BuildModule | undefined, stage: StageModel, sourceCopy: InstructionModel, download: InstructionModel): Fix | undefined {
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
  const replacementCopies = replacementCopyLines(ctx, mod, dest);
  if (replacementCopies === undefined) return undefined;
  const goSum = ctx.fileExists("go.sum") === false ? "" : " go.sum";
  const insertAt = lineStartOf(model, sourceCopy.start);
  const downloadStart = lineStartOf(model, download.start);
  let downloadEnd = download.end;
  const newline = model.text.indexOf("\n", downloadEnd);
  downloadEnd = newline < 0 ? model.text.length : newline + 1;
  let moved = model.text.slice(downloadStart, downloadEnd);
  if (!moved.endsWith("\n")) moved += "\n";
  const copies = [`COPY go.mod${goSum} ${dest}`, ...replacementCopies].map((c) => `${c}\n`).join("");
  return {
    description: `copy go.mod/go.sum${replacementCopies.length > 0 ? " and those of the modules it replaces by a directory" : ""} and download modules before copying the source`,
    edits: [
      { start: insertAt, end: insertAt, text: `${copies}${moved}` },
      { start: downloadStart, end: downloadEnd, text: "" },
    ],
  };
}

/**
 * go mod download reads the go.mod of each module go.mod replaces by a directory (`=> ./greeting`):
 * a COPY of it (and its go.sum, when there is one) for each, to the same place under `dest`. [] when
 * there are none; undefined when they cannot be copied from here: the build context is not the
 * module root, or a replacement lies outside it (SG111 reports that one).
 */
function replacementCopyLines(ctx: RuleContext, mod: BuildModule | undefined, dest: string): string[] | undefined {
  const local = mod ? directoryReplaces(mod.goMod) : [];
  if (local.length === 0) return [];
  const root = mod?.root;
  if (root === undefined || ctx.contextDir === undefined || resolve(ctx.contextDir) !== resolve(root)) return undefined;
  const lines: string[] = [];
  for (const r of local) {
    if (isOutsideModule(root, r.newPath)) return undefined;
    const dir = replacementDir(root, r.newPath);
    if (dir === ".") continue; // the module itself: its go.mod is copied already
    if (/[\s*?[\]$\\"']/.test(dir)) return undefined;
    const sum = ctx.fileExists(`${dir}/go.sum`) === true ? ` ${dir}/go.sum` : "";
    const line = `COPY ${dir}/go.mod${sum} ${dest}${dir}/`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}
