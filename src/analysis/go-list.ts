import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { BuildContext } from "./build-constraints.js";
import type { KeptPackage } from "./dependency-scan-store.js";
import { isThirdParty, moduleCachePackage, shownDependencyDir, vendoredPackage } from "./dependency-source.js";
import { toPosix, type PackageFiles, type SourceCache } from "./package-graph.js";

const run = promisify(execFile);

interface GoListPackage {
  Dir?: string;
  ImportPath?: string;
  Name?: string;
  GoFiles?: string[];
  CgoFiles?: string[];
  Standard?: boolean;
  Module?: GoListModule;
}

interface GoListModule {
  Path?: string;
  Version?: string;
  Dir?: string;
  Main?: boolean;
  Replace?: GoListModule;
}

export interface GoListing {
  /** The module's own packages. */
  packages: PackageFiles[];
  /** Third-party packages they import, directly or not, whose source is on disk; files as evidence shows them. */
  dependencies: PackageFiles[];
}

export interface GoListOptions {
  goBinary: string;
  vendored: boolean;
  /** Whether a go.work applies; otherwise GOWORK=off so a stray workspace cannot change the answer. */
  useWorkspace: boolean;
  timeoutMs?: number;
}

/**
 * Asks `go list -e -deps -json ./...` which packages of the module and of its dependencies a linux
 * build compiles and which files each has. Offline and read-only: GOPROXY=off, -mod=vendor or
 * -mod=readonly, GOTOOLCHAIN=local. A dependency missing from the module cache is left out, as the
 * scanner leaves it out. `cache` learns where dependency files outside the module are.
 * Throws when go is missing or fails; the caller falls back to the scanner.
 */
export async function listPackagesWithGo(root: string, modulePath: string, ctx: BuildContext, options: GoListOptions, cache: SourceCache): Promise<GoListing> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOOS: ctx.goos,
    GOARCH: ctx.goarch,
    CGO_ENABLED: ctx.cgo ? "1" : "0",
    GOPROXY: "off",
    GOFLAGS: options.vendored ? "-mod=vendor" : "-mod=readonly",
    GOTOOLCHAIN: "local",
    GOSUMDB: "off",
    // go names directories from its working directory as $PWD spells it (else the path with links resolved); the paths below are made relative to root.
    PWD: root,
  };
  if (!options.useWorkspace) env.GOWORK = "off";
  // -deps adds the dependencies' packages (the standard library's too, skipped here); go list loads them either way.
  const args = ["list", "-e", "-deps", "-json=Dir,ImportPath,Name,GoFiles,CgoFiles,Standard,Module"];
  if (ctx.tags?.length) args.push(`-tags=${ctx.tags.join(",")}`);
  args.push("./...");
  const { stdout } = await run(options.goBinary, args, { cwd: root, env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 256 * 1024 * 1024 });
  const packages: PackageFiles[] = [];
  const dependencies: PackageFiles[] = [];
  for (const pkg of parseConcatenatedJson(stdout)) {
    if (pkg.Standard || !pkg.Dir || !pkg.ImportPath || !pkg.Name) continue;
    const names = [...(pkg.GoFiles ?? []), ...(pkg.CgoFiles ?? [])].sort();
    if (names.length === 0) continue;
    const inModule = pkg.ImportPath === modulePath || pkg.ImportPath.startsWith(`${modulePath}/`);
    if (inModule && pkg.Module?.Path === modulePath) {
      const dir = toPosix(path.relative(root, pkg.Dir)) || ".";
      packages.push({ importPath: pkg.ImportPath, dir, files: names.map((f) => (dir === "." ? f : `${dir}/${f}`)) });
    } else if (isThirdParty(pkg.ImportPath)) {
      const version = moduleVersion(pkg.Module);
      const dir = shownDependencyDir(root, pkg.Dir, version);
      const files = names.map((f) => `${dir}/${f}`);
      const kept = keptPackage(pkg, version, options.vendored);
      names.forEach((f, i) => cache.locate(files[i]!, path.join(pkg.Dir!, f), kept));
      dependencies.push({ importPath: pkg.ImportPath, dir, files });
    }
  }
  return { packages: packages.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0)), dependencies };
}

/** The module version whose cache directory holds a package (after go.mod's replace), for evidence; none for a replacement directory. */
function moduleVersion(module: GoListModule | undefined): { module: string; version: string; moduleDir: string } | undefined {
  const m = module?.Replace ?? module;
  return m?.Path && m.Version && m.Dir ? { module: m.Path, version: m.Version, moduleDir: m.Dir } : undefined;
}

/** Which scans a dependency package may keep: a vendored copy's, or a module cache directory's (not a replacement or workspace directory's). */
function keptPackage(pkg: GoListPackage, version: ReturnType<typeof moduleVersion>, vendored: boolean): KeptPackage | undefined {
  if (vendored) return pkg.Module?.Path && pkg.Module.Version ? vendoredPackage({ path: pkg.Module.Path, version: pkg.Module.Version }, pkg.ImportPath!) : undefined;
  return version ? moduleCachePackage(pkg.Dir!) : undefined;
}

/** `go list -json` prints one object after another; top-level braces are the only ones at column 0. */
export function parseConcatenatedJson(text: string): GoListPackage[] {
  const body = text.trim();
  if (!body) return [];
  return JSON.parse(`[${body.replace(/\n\}\n\{/g, "\n},\n{")}]`) as GoListPackage[];
}
