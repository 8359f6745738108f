/**
 * `analyze(dir)`: facts about a Go module, each with evidence (file:line relative to the module root).
 * Which packages and files are in the build comes from `go list` when Go is installed, else from
 * slimgo's own scanner; line-level facts always come from the scanner reading those files. The
 * program's run-time needs also count the third-party packages it imports whose source is on disk
 * (vendor/, the module cache, a replacement directory); every other fact is the module's own code.
 * Never runs user code, never touches the network.
 */
import path from "node:path";
import { inputError } from "../errors.js";
import { readBuildConfigLines, timetzdataTagEvidence } from "./build-config.js";
import { hostGoarch, type BuildContext } from "./build-constraints.js";
import { evidenceAt } from "./evidence.js";
import { dependencyLocator } from "./dependency-source.js";
import { saveKeptScans } from "./dependency-scan-store.js";
import { listPackagesWithGo, type GoListing } from "./go-list.js";
import { parseGoMod } from "./gomod.js";
import { readRequiredFile } from "./module-files.js";
import { displayPath } from "../fsutil/display-path.js";
import { readGoWork } from "./gowork.js";
import { binaryName, choosePrimary } from "./main-packages.js";
import { listPackagesByScanning, programGraph, scannedDependencies, SourceCache, type DependencyLookup, type PackageFiles } from "./package-graph.js";
import { programFacts } from "./program-facts.js";
import type { AnalysisEngine, GoWorkFile, MainPackage, ModuleAnalysis } from "./types.js";
import { readVendor } from "./vendor.js";
import { buildConfigVersionVariables } from "./version-vars.js";
import { buildWithoutCgo, importsC } from "./cgo-fallback.js";

export type * from "./types.js";
import { findModuleRoot } from "./module-root.js";
export { findModuleRoot, moduleRootAbove } from "./module-root.js";
export { parseGoMod } from "./gomod.js";
export { parseGoWork } from "./gowork.js";
export { evalGoBuild, evalPlusBuild, fileNameIncluded, type BuildContext } from "./build-constraints.js";
export { scanGoSource, type GoSourceFile } from "./go-source.js";

export interface AnalyzeOptions {
  /** "auto" (default): `go list`, else (no Go, or go list fails) the scanner with a warning. "go-list": `go list` only, an input error when it fails. */
  engine?: "auto" | "go-list" | "scanner";
  /** The go binary to run (default "go" on PATH). */
  goBinary?: string;
  /** Target architecture for build constraints (default: this machine's). GOOS is always linux. */
  goarch?: string;
}

export async function analyze(dir: string, options: AnalyzeOptions = {}): Promise<ModuleAnalysis> {
  const root = findModuleRoot(dir);
  const goModPath = path.join(root, "go.mod");
  const goMod = parseGoMod(readRequiredFile(goModPath, displayPath(goModPath), "make it readable"), displayPath(goModPath));
  const goWork = readGoWork(root);
  const vendor = readVendor(root);
  const warnings: string[] = [];
  // Files are first listed as a cgo build takes them; a program with cgo files is listed again with cgo
  // off, and when that build compiles (a pure-Go fallback under //go:build !cgo) it is the one planned.
  const ctx: BuildContext = {
    goos: "linux",
    goarch: options.goarch ?? hostGoarch(),
    cgo: true,
    goMinor: Number(/^1\.(\d+)/.exec(goMod.go ?? "1.16")?.[1] ?? 16),
  };
  const cache = new SourceCache(root);
  const useGoList = (options.engine ?? "auto") !== "scanner";
  // A vendored module builds with the workspace off (go build -mod=vendor refuses workspace mode): listed the same way.
  const listOptions = { goBinary: options.goBinary ?? "go", vendored: vendor.vendored, useWorkspace: goWork !== undefined && !vendor.vendored };

  let engine: AnalysisEngine = "scanner";
  let listed: GoListing | undefined;
  if (useGoList) {
    try {
      listed = await listPackagesWithGo(root, goMod.path, ctx, listOptions, cache);
      engine = "go-list";
    } catch (err) {
      if (options.engine === "go-list") throw inputError(`--engine go-list: ${goListFailure(err, false)}: install Go or fix what go list says, or use --engine auto (go list when it works, else slimgo's scanner)`);
      warnings.push(goListFailure(err));
    }
  }
  const warnOnce = (message: string) => void (warnings.includes(message) || warnings.push(message));
  const packages = listed?.packages ?? listPackagesByScanning(root, goMod.path, ctx, cache, warnOnce);
  const byImportPath = new Map(packages.map((p) => [p.importPath, p]));
  let withoutCgo: Map<string, PackageFiles> | undefined;
  if (packages.some((p) => p.files.some((f) => importsC(cache.get(f))))) {
    const staticCtx = { ...ctx, cgo: false };
    const again = engine === "go-list" ? (await listPackagesWithGo(root, goMod.path, staticCtx, listOptions, cache).catch(() => undefined))?.packages : undefined;
    withoutCgo = new Map((again ?? listPackagesByScanning(root, goMod.path, staticCtx, cache, warnOnce)).map((p) => [p.importPath, p]));
  }
  const dependency = listed ? listedDependencies(listed.dependencies) : scannedDependencies(dependencyLocator(root, goMod, vendor, workspaceDirs(root, goWork)), ctx, cache);

  const buildConfig = readBuildConfigLines(root);
  const tzdataTag = timetzdataTagEvidence(buildConfig);
  const requiredModules = new Set([...goMod.requires.map((r) => r.path), ...vendor.modules.map((m) => m.path)]);
  const mainPackages: MainPackage[] = [];
  for (const pkg of packages) {
    const files = pkg.files.map((f) => cache.get(f));
    if (!files.some((f) => f.packageName === "main")) continue;
    const withMain = files.find((f) => f.mainFuncLine !== undefined);
    if (!withMain) continue;
    const withCgo = programGraph(pkg, byImportPath, cache, dependency);
    const usesCgo = withoutCgo !== undefined && withCgo.files.some(importsC);
    const fallback = usesCgo ? buildWithoutCgo(withCgo, withoutCgo!, cache, dependency) : undefined;
    let facts = programFacts(fallback?.program ?? withCgo, requiredModules, tzdataTag);
    // A module known to need cgo (go-sqlite3) still does: its own fallback only fails at run time.
    if (fallback && facts.cgo.required) facts = programFacts(withCgo, requiredModules, tzdataTag);
    else if (fallback) facts.cgo.optional = fallback.evidence;
    mainPackages.push({
      dir: pkg.dir,
      importPath: pkg.importPath,
      binary: binaryName(pkg.importPath),
      evidence: evidenceAt(withMain, withMain.mainFuncLine!),
      facts,
    });
  }

  saveKeptScans();

  const { primary, reason } = choosePrimary(mainPackages, goMod.path);
  const analysis: ModuleAnalysis = {
    root,
    engine,
    goMod,
    vendored: vendor.vendored,
    mainPackages,
    primaryReason: reason,
    buildConfigVersionVariables: buildConfigVersionVariables(buildConfig),
    warnings,
  };
  if (goWork) analysis.goWork = goWork;
  if (vendor.evidence) analysis.vendorEvidence = vendor.evidence;
  if (primary) analysis.primary = primary;
  return analysis;
}

function listedDependencies(dependencies: PackageFiles[]): DependencyLookup {
  const byImportPath = new Map(dependencies.map((p) => [p.importPath, p]));
  return (importPath) => byImportPath.get(importPath);
}

/** The module directories of the go.work that applies (go list reads it too), absolute. */
function workspaceDirs(root: string, goWork: GoWorkFile | undefined): string[] {
  if (!goWork) return [];
  const workDir = path.dirname(path.resolve(root, goWork.file));
  return goWork.uses.map((u) => path.resolve(workDir, u.dir));
}

function goListFailure(err: unknown, fellBack = true): string {
  const e = err as { code?: unknown; stderr?: unknown; killed?: boolean; message?: string };
  const instead = fellBack ? ": used slimgo's scanner of Go source instead" : "";
  if (e.code === "ENOENT") return `go is not installed${fellBack ? `${instead} of go list` : ""}`;
  if (e.killed) return `go list timed out${instead}`;
  const detail = String(e.stderr || e.message || err).trim().split("\n").map((l) => l.trim()).join(" ").slice(0, 300);
  // Go before 1.21 rejects what newer go.mod files say; the image's builder is chosen from go.mod, not from this go.
  const tooOld = /unknown directive: toolchain|invalid go version '\d+\.\d+\.\d+[^']*': must match format/.test(detail)
    ? "; the go command here is older than Go 1.21, the first to read toolchain lines and go lines like 1.22.0: the Dockerfile's Go version comes from go.mod all the same"
    : "";
  return `go list failed (${detail})${instead}${tooOld}`;
}
