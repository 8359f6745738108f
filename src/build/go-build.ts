import { execFile } from "node:child_process";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inputError } from "../errors.js";
import type { Platform } from "../image/types.js";
import type { GoToolchain } from "./go-toolchain.js";
import { goEnvFor, platformKey } from "./platforms.js";
import { HEALTH_PROBE_SOURCE_LINES } from "../dockerfile/health-probe.js";

export interface GoBuildRequest {
  moduleRoot: string;
  /** Package to build: "." or "./cmd/api". */
  target: string;
  binary: string;
  platform: Platform;
  /** Values for `-X`, in order. */
  xflags: string[];
  extraLdflags: string[];
  extraFlags: string[];
  extraEnv: Record<string, string>;
  /** cgo on: links the C library, so the base image must carry the same one. */
  cgo?: boolean;
  /** Build tags, e.g. timetzdata when the image carries no zoneinfo. */
  tags: string[];
  outDir: string;
}

export interface GoBuildResult {
  platform: Platform;
  path: string;
  size: number;
  ms: number;
}

/** `go build` with the recipe's flags: static, trimmed paths, stripped, version variables set. */
export async function goBuild(go: GoToolchain, req: GoBuildRequest): Promise<GoBuildResult> {
  const dir = join(req.outDir, platformKey(req.platform).replace(/\//g, "-"));
  await mkdir(dir, { recursive: true });
  const out = join(dir, req.binary);
  const ldflags = ["-s", "-w", ...req.xflags.map((x) => `-X=${x}`), ...req.extraLdflags].join(" ");
  const args = ["build", "-trimpath", `-ldflags=${ldflags}`, ...(req.tags.length ? [`-tags=${req.tags.join(",")}`] : []), ...req.extraFlags, "-o", out, req.target];
  const env = { ...process.env, CGO_ENABLED: req.cgo ? "1" : "0", GOTOOLCHAIN: "local", ...goEnvFor(req.platform), ...req.extraEnv };
  const t0 = performance.now();
  await runGo(go, args, req.moduleRoot, env, `${req.target} for ${platformKey(req.platform)}`);
  const { size } = await stat(out);
  return { platform: req.platform, path: out, size, ms: performance.now() - t0 };
}

/** Compiles the shell-free health probe for a platform (standard library only, no module needed). */
export async function buildHealthProbe(go: GoToolchain, platform: Platform, outDir: string): Promise<string> {
  const dir = join(outDir, `probe-${platformKey(platform).replace(/\//g, "-")}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "main.go"), `${HEALTH_PROBE_SOURCE_LINES.join("\n")}\n`);
  const out = join(dir, "healthcheck");
  const env = { ...process.env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GO111MODULE: "on", GOFLAGS: "", ...goEnvFor(platform) };
  await runGo(go, ["build", "-trimpath", "-ldflags=-s -w", "-o", out, "main.go"], dir, env, `health probe for ${platformKey(platform)}`);
  return out;
}

function runGo(go: GoToolchain, args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(go.binary, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const detail = stderr.trim().split("\n").slice(0, 20).join("\n") || err.message;
      reject(inputError(`go build of ${what} failed:\n${detail}`));
    });
  });
}

/** Runs `tasks` with at most `limit` at once, keeping results in order. */
export async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}
