import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { reasonFor } from "../fsutil/output-path.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { cacheDir } from "./cache-dir.js";
import { inputError } from "../errors.js";
import { goOutputFromCwd } from "../fsutil/display-path.js";
import type { Platform } from "../image/types.js";
import type { GoToolchain } from "./go-toolchain.js";
import { goEnvFor, platformKey } from "./platforms.js";
import { HEALTH_PROBE_SOURCE_LINES } from "../dockerfile/health-probe.js";
import { claimGoBuild, OUTPUT, recordGoBuild, type GoBuildPlan } from "./speculation.js";
import { keepOutput, leftAsSeeded, seedOutput } from "./go-output-cache.js";
import { goGcEnv } from "./go-gc-env.js";
import { goQuotedField } from "./go-quoted.js";
import { groupStopped, signalGroup, stopGroupAtExit } from "../fsutil/temp-cleanup.js";
import { shellCommand } from "../shell/quote.js";
import { MODULE_FETCH_SETTINGS } from "../analysis/module-fetch-settings.js";

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
  /**
   * The module has vendor/modules.txt: built from vendor/ (-mod=vendor, which a go line before
   * 1.14 does not imply) with the workspace off (go build -mod=vendor refuses workspace mode, and a
   * go.work above would otherwise send go to the network for what vendor/ holds), as the Dockerfile
   * from slimgo init does.
   */
  vendored?: boolean;
  /** Build tags, e.g. timetzdata when the image carries no zoneinfo. */
  tags: string[];
  outDir: string;
  /** Aborted when another part of the build failed: the go build is stopped. */
  signal?: AbortSignal;
  /** Told the go build as a shell line to run from the module root, before it runs. */
  onCommand?: (line: string) => void;
}

export interface GoBuildResult {
  platform: Platform;
  path: string;
  size: number;
  ms: number;
  /** The go build was started when slimgo started, from the last build's plan (see speculation.ts). */
  startedEarly: boolean;
  /** go found the last binary of this program up to date and did not link (see go-output-cache.ts). */
  upToDate: boolean;
  /**
   * The go build as a shell line from the module root, with what decides the binary (platform,
   * cgo, go-env, flags) and without what does not: the output path, the machine's GC settings, the
   * module fetch settings (a GOPROXY may hold a login). For the image's history.
   */
  command: string;
}

/** `go build` with the recipe's flags: static, trimmed paths, stripped, version variables set. */
export async function goBuild(go: GoToolchain, req: GoBuildRequest): Promise<GoBuildResult> {
  const dir = join(req.outDir, platformKey(req.platform).replace(/\//g, "-"));
  await mkdir(dir, { recursive: true });
  const out = join(dir, req.binary);
  const ldflags = ["-s", "-w", ...req.xflags.map(xField), ...req.extraLdflags].join(" ");
  const goflags = goflagsSeenByGo({ ...process.env, ...req.extraEnv });
  const plan: GoBuildPlan = {
    go: go.binary,
    cwd: req.moduleRoot,
    // Before the user's flags: a -mod there wins.
    args: ["build", "-trimpath", `-ldflags=${ldflags}`, ...(req.tags.length ? [`-tags=${req.tags.join(",")}`] : []), ...(req.vendored ? ["-mod=vendor"] : []), ...executableBuildmode(goflags), ...req.extraFlags, "-o", OUTPUT, req.target],
    // The platform's settings last: the binary is built for the platform its image names.
    env: { CGO_ENABLED: req.cgo ? "1" : "0", GOTOOLCHAIN: "local", ...(req.vendored ? { GOWORK: "off" } : {}), ...goGcEnv(go.version), ...goCacheInstead().env, ...req.extraEnv, ...goEnvFor(req.platform) },
  };
  const what = `${req.target} for ${platformKey(req.platform)}`;
  req.onCommand?.(shellCommand(plan.env, [go.binary, ...plan.args.map((a) => (a === OUTPUT ? req.binary : a))]));
  const t0 = performance.now();
  const early = await claimGoBuild(plan, out, req.signal);
  req.signal?.throwIfAborted();
  if (early && !early.ok) throw goBuildFailed(what, goOutputFromCwd(early.stderr, req.moduleRoot));
  let upToDate = early?.upToDate ?? false;
  if (!early) {
    const seeded = seedOutput(plan, out);
    await runGo(go, plan.args.map((a) => (a === OUTPUT ? out : a)), req.moduleRoot, await withGoTmpDir({ ...process.env, ...plan.env }, dir), what, req.signal);
    upToDate = leftAsSeeded(out, seeded);
  }
  if (!upToDate) keepOutput(plan, out);
  await recordGoBuild(plan);
  const { size } = await stat(out);
  return { platform: req.platform, path: out, size, ms: early ? early.ms : performance.now() - t0, startedEarly: Boolean(early), upToDate, command: recordedCommand(plan, req) };
}

function recordedCommand(plan: GoBuildPlan, req: GoBuildRequest): string {
  const fetchSettings: readonly string[] = MODULE_FETCH_SETTINGS;
  const goEnv = Object.entries(req.extraEnv).filter(([k]) => !fetchSettings.includes(k));
  const env = { CGO_ENABLED: plan.env.CGO_ENABLED!, ...Object.fromEntries(goEnv), ...goEnvFor(req.platform) };
  const outputAt = plan.args.indexOf(OUTPUT);
  return shellCommand(env, ["go", ...plan.args.filter((_, i) => i !== outputAt && i !== outputAt - 1)]);
}

/**
 * `-buildmode=exe` when GOFLAGS names another build mode (`-buildmode=pie`, as distributions
 * recommend for the programs they package, in the environment or set with go env -w): a PIE binary
 * needs the dynamic loader, which slimgo's base lacks, so the image would fail to start ("no such
 * file or directory"). A flag on go's command line wins over GOFLAGS. Without one there, nothing is
 * added (an explicit -buildmode=exe gives another binary than none).
 */
function executableBuildmode(goflags: string): string[] {
  const modes = [...goflags.matchAll(/(?:^|\s)--?buildmode=(\S*)/g)].map((m) => m[1]);
  return modes.length > 0 && modes.at(-1) !== "exe" ? ["-buildmode=exe"] : [];
}

function goflagsSeenByGo(env: NodeJS.ProcessEnv): string {
  return goSetting(env, "GOFLAGS");
}

/**
 * A go setting as go reads it: the variable when it is not empty, else what `go env -w KEY=...`
 * wrote to go's env file ($GOENV, else $XDG_CONFIG_HOME/go/env, else ~/.config/go/env).
 */
function goSetting(env: NodeJS.ProcessEnv, key: "GOFLAGS" | "GOCACHE"): string {
  if (env[key]) return env[key]!;
  const configDir = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, ".config") : undefined);
  const file = env.GOENV ? (env.GOENV === "off" ? undefined : env.GOENV) : configDir && join(configDir, "go", "env");
  if (!file) return "";
  try {
    const line = readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith(`${key}=`)).at(-1);
    return line?.slice(key.length + 1).trim() ?? "";
  } catch {
    return "";
  }
}

/** `-X=symbol=value` as one field of -ldflags, so that a version with spaces ("1.0 beta") stays one value. */
function xField(assignment: string): string {
  const field = goQuotedField(`-X=${assignment}`);
  if (field === undefined) throw inputError(`-X ${assignment}: go cannot take a value with spaces and both ' and " in -ldflags: leave out one kind of quote (check --version)`);
  return field;
}

/**
 * The shell-free health probe for a platform (standard library only, no module needed). Go does
 * not cache linked binaries, so the probe is kept in slimgo's cache, keyed by toolchain, platform
 * and source: a rebuild does not link it again.
 */
export async function buildHealthProbe(go: GoToolchain, platform: Platform, outDir: string, signal?: AbortSignal): Promise<string> {
  const source = `${HEALTH_PROBE_SOURCE_LINES.join("\n")}\n`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...goCacheInstead().env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GO111MODULE: "on", GOFLAGS: "", ...goEnvFor(platform) };
  // An empty GOFLAGS leaves go the one in its env file.
  const args = ["build", "-trimpath", "-ldflags=-s -w", ...executableBuildmode(goflagsSeenByGo(env)), "-o", OUTPUT, "main.go"];
  const goVariables = Object.entries(env).filter(([k]) => k.startsWith("GO") || k === "CGO_ENABLED").sort(([a], [b]) => (a < b ? -1 : 1));
  const key = createHash("sha256").update(JSON.stringify([go.binary, go.version, go.goroot, goVariables, args, source])).digest("hex");
  const cached = join(cacheDir(), "health-probes", key.slice(0, 32));
  if (await stat(cached).then((s) => s.isFile(), () => false)) return cached;
  const dir = join(outDir, `probe-${platformKey(platform).replace(/\//g, "-")}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "main.go"), source);
  const out = join(dir, "healthcheck");
  await runGo(go, args.map((a) => (a === OUTPUT ? out : a)), dir, await withGoTmpDir(env, dir), `health probe for ${platformKey(platform)}`, signal);
  try {
    await mkdir(dirname(cached), { recursive: true });
    await writeFilesAtomically([{ path: cached, content: await readFile(out), mode: 0o755 }]);
  } catch {
    // An unwritable cache only means linking the probe again next time.
  }
  return out;
}

let goCacheAnswer: { env: Record<string, string>; warning?: string } | undefined;

/**
 * go's build cache, when go cannot keep it where it would: with no GOCACHE (nor one go env -w
 * set), go uses $XDG_CACHE_HOME/go-build, else $HOME/.cache/go-build, and fails the build ("build
 * cache is required, but could not be located", "failed to initialize build cache") when neither
 * is set (env -i, some CI and service managers) or it cannot make the directory (a read-only or
 * another user's HOME). It then goes in slimgo's cache, as go-build, with a warning (in the first
 * answer only: once per process). The cache does not change what go builds.
 */
export function goCacheInstead(env: NodeJS.ProcessEnv = process.env): { env: Record<string, string>; warning?: string } {
  if (goSetting(env, "GOCACHE")) return { env: {} };
  if (goCacheAnswer) return { env: goCacheAnswer.env };
  const from = env.XDG_CACHE_HOME ? "$XDG_CACHE_HOME" : env.HOME ? "$HOME" : undefined;
  const dir = env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, "go-build") : env.HOME ? join(env.HOME, ".cache", "go-build") : undefined;
  let problem = dir === undefined ? "neither $XDG_CACHE_HOME nor $HOME is set" : undefined;
  if (dir !== undefined) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch (err) {
      problem = `${dir} (from ${from}) cannot be used: ${reasonFor(err as NodeJS.ErrnoException)}`;
    }
  }
  if (problem === undefined) return (goCacheAnswer = { env: {} });
  const instead = join(cacheDir(env), "go-build");
  return (goCacheAnswer = { env: { GOCACHE: instead }, warning: `go's build cache: ${problem}; go build keeps it in ${instead}: set GOCACHE to a directory you can write to choose another` });
}

/**
 * go's work dir (go-build*) goes inside slimgo's own temp dir, which slimgo removes however it ends:
 * a go stopped by a signal leaves its work dir behind. A GOTMPDIR the user set is kept.
 */
async function withGoTmpDir(env: NodeJS.ProcessEnv, dir: string): Promise<NodeJS.ProcessEnv> {
  if (env.GOTMPDIR) return env;
  const goTmp = join(dir, "gotmp");
  await mkdir(goTmp, { recursive: true });
  return { ...env, GOTMPDIR: goTmp };
}

/**
 * Runs go in a process group of its own; settles once go has exited, and when it was stopped (by
 * `signal`, or any signal), once all it started has too. go build dies of SIGINT at once (go 1.19
 * catches it for go run and go test only) and leaves its compile, asm and link running, writing
 * into its work dir: the whole group is stopped and waited for, so the work dir can go.
 */
function runGo(go: GoToolchain, args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, outside the terminal's: slimgo's signal handler stops it (see temp-cleanup.ts).
    const child = spawn(go.binary, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"], detached: true });
    const group = child.pid;
    const forgetGroup = group === undefined ? () => undefined : stopGroupAtExit(group, "SIGINT");
    const stop = () => {
      if (group !== undefined) signalGroup(group, "SIGINT");
    };
    signal?.addEventListener("abort", stop, { once: true });
    if (signal?.aborted) stop();
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < MAX_STDERR) stderr += d;
    });
    let ended = false;
    const end = (failure: string | undefined, stopped: boolean) => {
      if (ended) return;
      ended = true;
      signal?.removeEventListener("abort", stop);
      const settle = () => {
        forgetGroup();
        if (failure === undefined) return resolve();
        reject(signal?.aborted ? new Error(`go build of ${what} stopped: another part of the build failed`) : goBuildFailed(what, goOutputFromCwd(stderr, cwd), failure));
      };
      // A go that exited by itself has waited for all it started.
      if (group === undefined || !stopped) return settle();
      stop();
      void groupStopped(group).then(settle);
    };
    child.on("error", (err) => end(`${go.binary}: ${err.message}`, false));
    child.on("close", (code, killedBy) => end(code === 0 ? undefined : killedBy ? `go was killed by ${killedBy}` : `go exited with code ${code}`, killedBy !== null || signal?.aborted === true));
  });
}

/** More than go says about a failed build: only its first lines are shown. */
const MAX_STDERR = 1024 * 1024;

function goBuildFailed(what: string, stderr: string, fallback = "go build failed"): Error {
  const detail = stderr.trim().split("\n").slice(0, 20).join("\n") || fallback;
  return inputError(`go build of ${what} failed:\n${detail}`);
}

/** Runs `tasks` with at most `limit` at once, keeping results in order; none starts after one has failed. */
export async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let failed = false;
  // After a failure no task is started: the build has failed already.
  const worker = async () => {
    while (!failed && next < tasks.length) {
      const i = next++;
      try {
        results[i] = await tasks[i]!();
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}
