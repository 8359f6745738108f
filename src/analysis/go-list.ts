import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { BuildContext } from "./build-constraints.js";
import { toPosix, type PackageFiles } from "./package-graph.js";

const run = promisify(execFile);

interface GoListPackage {
  Dir?: string;
  ImportPath?: string;
  Name?: string;
  GoFiles?: string[];
  CgoFiles?: string[];
  Standard?: boolean;
  Module?: { Path?: string; Main?: boolean };
}

export interface GoListOptions {
  goBinary: string;
  vendored: boolean;
  /** Whether a go.work applies; otherwise GOWORK=off so a stray workspace cannot change the answer. */
  useWorkspace: boolean;
  timeoutMs?: number;
}

/**
 * Asks `go list -e -json ./...` which packages of the module a linux build compiles and which
 * files each has. Offline and read-only: GOPROXY=off, -mod=vendor or -mod=readonly, GOTOOLCHAIN=local.
 * Throws when go is missing or fails; the caller falls back to the scanner.
 */
export async function listPackagesWithGo(root: string, modulePath: string, ctx: BuildContext, options: GoListOptions): Promise<PackageFiles[]> {
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
  // No -deps: the module's own packages all match ./..., and the graph between them comes from their imports.
  const args = ["list", "-e", "-json=Dir,ImportPath,Name,GoFiles,CgoFiles,Standard,Module"];
  if (ctx.tags?.length) args.push(`-tags=${ctx.tags.join(",")}`);
  args.push("./...");
  const { stdout } = await run(options.goBinary, args, { cwd: root, env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 256 * 1024 * 1024 });
  const out: PackageFiles[] = [];
  for (const pkg of parseConcatenatedJson(stdout)) {
    if (pkg.Standard || !pkg.Dir || !pkg.ImportPath || !pkg.Name) continue;
    const inModule = pkg.ImportPath === modulePath || pkg.ImportPath.startsWith(`${modulePath}/`);
    if (!inModule || pkg.Module?.Path !== modulePath) continue;
    const dir = toPosix(path.relative(root, pkg.Dir)) || ".";
    const files = [...(pkg.GoFiles ?? []), ...(pkg.CgoFiles ?? [])].sort().map((f) => (dir === "." ? f : `${dir}/${f}`));
    if (files.length > 0) out.push({ importPath: pkg.ImportPath, dir, files });
  }
  return out.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/** `go list -json` prints one object after another; top-level braces are the only ones at column 0. */
export function parseConcatenatedJson(text: string): GoListPackage[] {
  const body = text.trim();
  if (!body) return [];
  return JSON.parse(`[${body.replace(/\n\}\n\{/g, "\n},\n{")}]`) as GoListPackage[];
}
