/**
 * Build, push and size benchmark for `slimgo build`, side by side with its peers in one run:
 *   warm rebuild after a one-line change and cold build: bare `go build` (the lower bound),
 *   `slimgo build --oci-layout`, `podman build` of the Dockerfile `slimgo init` writes (cache
 *   mounts) and of a classic multi-stage Dockerfile; push: `slimgo build --push` vs `skopeo copy`
 *   of the same image; size: the image's compressed bytes vs the gzipped binary.
 * Every figure is the median of N runs. Targets are printed as PASS/MISS, never asserted.
 * Run: npx tsc -p . && node dist/bench/build.js [--runs N] [--programs notes,multi-cmd] [--skip cold,push] [--edit longer|same-length]
 * See bench/README.md for what each number means.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PODMAN_GLOBAL_FLAGS, ULIMIT_FLAGS, podman, runTool, type PodmanResult } from "../test/support/podman.js";
import { startRegistry, type TestRegistry } from "../test/support/registry.js";
import { ensureStandInImages } from "../test/support/standins.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SLIMGO = join(REPO_ROOT, "bin/slimgo.js");
const BUILD_TIMEOUT_MS = 900_000;

const WARM_VS_GO_TARGET = 1.3;
const WARM_VS_PODMAN_TARGET = 3;
const SIZE_TARGET_BYTES = 300 * 1000;

type Section = "warm" | "cold" | "push";

interface Program {
  name: string;
  source: string;
  /** Main package, relative to the module root, as go and slimgo take it. */
  pkg: string;
}

const PROGRAMS: Record<string, Program> = {
  notes: { name: "notes", source: join(REPO_ROOT, "examples/notes"), pkg: "." },
  "multi-cmd": { name: "multi-cmd ./cmd/api", source: join(REPO_ROOT, "test/fixtures/multi-cmd"), pkg: "./cmd/api" },
};

/**
 * longer: each edit makes the string longer, so the linker moves everything after it (the binary's
 * layout shifts, as with most code changes). same-length: the string keeps its length, so the
 * binary keeps its layout (as when a constant changes).
 */
type EditKind = "longer" | "same-length";

interface Options {
  runs: number;
  programs: Program[];
  skip: Set<Section | "size">;
  edit: EditKind;
}

function parseArgs(argv: string[]): Options {
  let runs = Number(process.env.BENCH_RUNS ?? 3);
  let programs = ["notes"];
  const skip = new Set<Section | "size">();
  let edit: EditKind = "longer";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--runs" && value) {
      runs = Number(value);
      i++;
    } else if (arg === "--programs" && value) {
      programs = value.split(",");
      i++;
    } else if (arg === "--edit" && (value === "longer" || value === "same-length")) {
      edit = value;
      i++;
    } else if (arg === "--skip" && value) {
      for (const s of value.split(",")) {
        if (s !== "warm" && s !== "cold" && s !== "push" && s !== "size") usage(`unknown section ${s} in --skip`);
        skip.add(s);
      }
      i++;
    } else {
      usage(`unknown argument ${arg}`);
    }
  }
  if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a positive integer, got ${runs}`);
  for (const p of programs) if (!PROGRAMS[p]) usage(`unknown program ${p}; choose from ${Object.keys(PROGRAMS).join(", ")}`);
  return { runs, programs: programs.map((p) => PROGRAMS[p] as Program), skip, edit };
}

function usage(problem: string): never {
  console.error(`bench/build: ${problem}`);
  console.error("usage: node dist/bench/build.js [--runs N] [--programs notes,multi-cmd] [--skip warm,cold,push,size] [--edit longer|same-length]");
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Running and timing commands

interface Outcome {
  ok: boolean;
  seconds: number;
  result: PodmanResult;
}

interface Invocation {
  cmd: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
}

function describe(inv: Invocation): string {
  const env = Object.entries(inv.env ?? {}).map(([k, v]) => `${k}=${v} `).join("");
  return `${env}${inv.cmd} ${inv.args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ")}`;
}

/** Runs one command and times it; a failure prints the command and its stderr and returns ok=false. */
async function timed(inv: Invocation): Promise<Outcome> {
  const t0 = performance.now();
  let result: PodmanResult;
  try {
    result = await runTool(inv.cmd, inv.args, { cwd: inv.cwd, env: inv.env, allowFailure: true, timeoutMs: BUILD_TIMEOUT_MS });
  } catch (e) {
    result = { stdout: "", stderr: e instanceof Error ? e.message : String(e), code: -1 };
  }
  const seconds = (performance.now() - t0) / 1000;
  const ok = result.code === 0;
  if (!ok) {
    const tail = result.stderr.trim().split("\n").slice(-25).join("\n");
    console.error(`  FAILED (exit ${result.code}): ${describe(inv)}${inv.cwd ? `  [in ${inv.cwd}]` : ""}\n${indent(tail)}`);
  }
  return { ok, seconds, result };
}

function indent(text: string): string {
  return text.split("\n").map((l) => `    | ${l}`).join("\n");
}

interface Row {
  section: Section;
  program: string;
  tool: ToolName;
  label: string;
  samples: number[];
  failures: number;
}

type ToolName = "go" | "node-start" | "slimgo" | "slimgo-node" | "slimgo-watch" | "slimgo-watch-gzip" | "podman-init" | "podman-classic" | "slimgo-nochange" | "slimgo-push" | "skopeo";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

// ---------------------------------------------------------------------------------------------
// The program under test: a temp copy with a line the bench edits before every build

const EDIT_FILE = "zz_bench_edit.go";

function editSource(line: string): string {
  return (
    "package main\n\n// Written by bench/build.ts: the line with println is the one-line change between builds.\n\n" +
    'import "os"\n\nfunc init() {\n\tif os.Getenv("SLIMGO_BENCH_NEVER_SET") == "yes" {\n' +
    `\t\tprintln(${JSON.stringify(line)})\n\t}\n}\n`
  );
}

class Workspace {
  readonly root: string;
  readonly moduleDir: string;
  readonly pkgDir: string;
  /** Caches that warm, push and size share: Go's build cache and slimgo's layer cache. */
  readonly warmCaches: { gocache: string; slimgo: string };
  /** TMPDIR for warm podman builds; buildah keeps the cache mounts' contents under it. */
  readonly warmPodmanTmp: string;
  private edits = 0;

  constructor(
    readonly program: Program,
    private readonly editKind: EditKind,
  ) {
    this.root = mkdtempSync(join(tmpdir(), "slimgo-bench-"));
    this.moduleDir = join(this.root, "module");
    cpSync(program.source, this.moduleDir, { recursive: true });
    this.pkgDir = join(this.moduleDir, program.pkg);
    this.warmCaches = { gocache: this.dir("warm-gocache"), slimgo: this.dir("warm-slimgo-cache") };
    this.warmPodmanTmp = this.dir("warm-podman-tmp");
    this.edit();
  }

  /** Changes one line of the main package, so the next build must compile and link again. */
  edit(): void {
    this.edits++;
    const line = this.editKind === "longer" ? `bench edit ${this.edits} ${"+".repeat(this.edits)}` : `bench edit ${String(this.edits).padStart(6, "0")}`;
    writeFileSync(join(this.pkgDir, EDIT_FILE), editSource(line));
  }

  /** A new empty directory inside the workspace (removed with it). */
  dir(name: string): string {
    const d = mkdtempSync(join(this.root, `${name}-`));
    return d;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

const GO_ENV = { CGO_ENABLED: "0", GOFLAGS: "" };

function goBuild(ws: Workspace, gocache: string, out: string): Invocation {
  return {
    cmd: "go",
    args: ["build", "-trimpath", "-ldflags=-s -w", "-o", out, ws.program.pkg],
    cwd: ws.moduleDir,
    env: { ...GO_ENV, GOCACHE: gocache },
  };
}

/** `slimgo build` as the installed command runs it (through bin/slimgo.js's sh part), or with `viaNode` as `node bin/slimgo.js build`. */
function slimgoBuild(ws: Workspace, caches: { gocache: string; slimgo: string }, output: string[], viaNode = false): Invocation {
  const args = ["build", ws.program.pkg, ...output, "--json", "-q"];
  return {
    cmd: viaNode ? process.execPath : SLIMGO,
    args: viaNode ? [SLIMGO, ...args] : args,
    cwd: ws.moduleDir,
    env: { GOCACHE: caches.gocache, SLIMGO_CACHE_DIR: caches.slimgo },
  };
}

const builtImageIds = new Set<string>();
/** What an interrupted run must still stop: watch processes and registries (see cleanUp in main). */
const liveWatchers = new Set<ReturnType<typeof spawn>>();
const liveRegistries = new Set<TestRegistry>();

/** A JSON line from slimgo, or undefined when it is not one (reported as a failed sample). */
function parseJsonLine(line: string): { error?: string } | undefined {
  try {
    return JSON.parse(line) as { error?: string };
  } catch {
    return undefined;
  }
}
let tagCounter = 0;

/**
 * `podman build --no-cache` with this machine's flags. TMPDIR is where buildah keeps
 * `--mount=type=cache` contents (TMPDIR/buildah-cache), so a fresh TMPDIR is an empty cache mount.
 */
function podmanBuild(ws: Workspace, dockerfile: string, tmp: string): Invocation {
  const tag = `localhost/slimgo-bench-${process.pid}-${++tagCounter}`;
  return {
    cmd: "podman",
    args: [
      ...PODMAN_GLOBAL_FLAGS,
      "build", "--isolation", "chroot", ...ULIMIT_FLAGS, "--layers=false", "--no-cache", "-q",
      "-f", dockerfile, "-t", tag, ws.moduleDir,
    ],
    env: { TMPDIR: tmp },
  };
}

function rememberImage(o: Outcome): void {
  const id = o.result.stdout.trim().split("\n").pop();
  if (o.ok && id && /^[0-9a-f]{12,64}$/.test(id)) builtImageIds.add(id);
}

function classicDockerfile(ws: Workspace): string {
  const sums = existsSync(join(ws.moduleDir, "go.sum")) ? "go.mod go.sum" : "go.mod";
  return [
    "# A classic multi-stage Dockerfile (no cache mounts), written by bench/build.ts.",
    "FROM golang:1.19-alpine AS build",
    "WORKDIR /src",
    `COPY ${sums} ./`,
    "RUN go mod download",
    "COPY . .",
    `RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ${ws.program.pkg}`,
    "",
    "FROM scratch",
    "COPY --from=build /out/app /app",
    "USER 65532:65532",
    'ENTRYPOINT ["/app"]',
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface ToolSpec {
  tool: ToolName;
  label: string;
  invocation: (sample: number) => Invocation;
  /** Instead of running `invocation`: measures a sample itself, right after the edit. */
  measure?: () => Promise<Outcome>;
  after?: (o: Outcome) => void;
}

async function sample(section: Section, ws: Workspace, specs: ToolSpec[], runs: number, rows: Row[]): Promise<void> {
  const byTool = new Map<ToolName, Row>();
  for (const s of specs) {
    const row: Row = { section, program: ws.program.name, tool: s.tool, label: s.label, samples: [], failures: 0 };
    byTool.set(s.tool, row);
    rows.push(row);
  }
  for (let i = 1; i <= runs; i++) {
    for (const s of specs) {
      ws.edit();
      const o = s.measure ? await s.measure() : await timed(s.invocation(i));
      s.after?.(o);
      const row = byTool.get(s.tool) as Row;
      if (o.ok) row.samples.push(o.seconds);
      else row.failures++;
      progress(`${section} ${ws.program.name} ${s.label} run ${i}/${runs}: ${o.ok ? `${o.seconds.toFixed(2)} s` : "failed"}`);
    }
  }
}

function progress(line: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

async function setUp(ws: Workspace): Promise<{ initDockerfile: string; classic: string } | undefined> {
  const init = await timed({
    cmd: process.execPath,
    args: [SLIMGO, "init", "--force", "--no-compose", "-q", ...(ws.program.pkg === "." ? [] : ["--main", ws.program.pkg]), ws.moduleDir],
  });
  const classic = join(ws.moduleDir, "Dockerfile.classic");
  writeFileSync(classic, classicDockerfile(ws));
  const initDockerfile = join(ws.moduleDir, "Dockerfile");
  return init.ok ? { initDockerfile, classic } : undefined;
}

async function warm(ws: Workspace, files: { initDockerfile: string; classic: string } | undefined, runs: number, rows: Row[]): Promise<void> {
  const caches = ws.warmCaches;
  const gocache = caches.gocache;
  const podmanTmp = ws.warmPodmanTmp;
  const out = ws.dir("warm-out");
  const specs: ToolSpec[] = [
    { tool: "go", label: "go build (bare)", invocation: () => goBuild(ws, gocache, join(out, "bin")) },
    // What starting any Node program costs: a one-shot build pays it before its go build can start.
    { tool: "node-start", label: "node -e 0 (Node's own start)", invocation: () => ({ cmd: process.execPath, args: ["-e", "0"] }) },
    {
      tool: "slimgo",
      label: "slimgo build --oci-layout",
      invocation: (i) => slimgoBuild(ws, caches, ["--oci-layout", join(out, `layout-${i}`)]),
    },
    // Without the sh part, Node starts the go build once it has started itself.
    {
      tool: "slimgo-node",
      label: "node bin/slimgo.js build --oci-layout",
      invocation: (i) => slimgoBuild(ws, caches, ["--oci-layout", join(out, `layout-node-${i}`)], true),
    },
  ];
  if (files) {
    specs.push(
      { tool: "podman-init", label: "podman build, slimgo init Dockerfile", invocation: () => podmanBuild(ws, files.initDockerfile, podmanTmp), after: rememberImage },
      { tool: "podman-classic", label: "podman build, classic Dockerfile", invocation: () => podmanBuild(ws, files.classic, podmanTmp), after: rememberImage },
    );
  }
  progress(`warm ${ws.program.name}: filling the caches once (not timed)`);
  // The classic Dockerfile has no cache to fill: with --no-cache every build starts from the base image.
  for (const s of specs.filter((x) => x.tool !== "podman-classic")) {
    ws.edit();
    const o = await timed(s.invocation(0));
    s.after?.(o);
  }
  // The watch's default (layers stored uncompressed, as the image stays local) and the gzip a one-shot build writes.
  const watchers = [
    { tool: "slimgo-watch" as const, label: "slimgo build --watch, save to image", watcher: await startWatch(ws, caches, join(out, "layout-watch"), []) },
    { tool: "slimgo-watch-gzip" as const, label: "slimgo build --watch --compression gzip", watcher: await startWatch(ws, caches, join(out, "layout-watch-gzip"), ["--compression", "gzip"]) },
  ];
  specs.splice(specs.findIndex((s) => s.tool === "slimgo") + 1, 0, ...watchers.flatMap(({ tool, label, watcher }) => (watcher ? [{ tool, label, invocation: () => watcher.invocation, measure: () => watcher.rebuild() }] : [])));
  try {
    await sample("warm", ws, specs, runs, rows);
  } finally {
    for (const w of watchers) w.watcher?.stop();
  }
}

/**
 * A `slimgo build --watch` kept stopped (SIGSTOP) while the other tools run, so their edits cost
 * it nothing; each sample edits, continues it and times the edit to its NDJSON line (the layout is
 * written by then). Edits made while it was stopped arrive together and give one build of the
 * current source.
 */
async function startWatch(ws: Workspace, caches: { gocache: string; slimgo: string }, layout: string, extraArgs: string[]) {
  const invocation: Invocation = {
    cmd: process.execPath,
    // Not -q: "watching" on stderr says the watch is set up, which is after the first build's line.
    args: [SLIMGO, "build", ws.program.pkg, "--watch", "--oci-layout", layout, "--json", ...extraArgs],
    cwd: ws.moduleDir,
    env: { GOCACHE: caches.gocache, SLIMGO_CACHE_DIR: caches.slimgo },
  };
  const child = spawn(invocation.cmd, invocation.args, { cwd: invocation.cwd, env: { ...process.env, ...invocation.env }, stdio: ["ignore", "pipe", "pipe"] });
  liveWatchers.add(child);
  child.on("exit", () => liveWatchers.delete(child));
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const lines: string[] = [];
  let waiter: (() => void) | undefined;
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    waiter?.();
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const nextLine = async (ms: number): Promise<string | undefined> => {
    const deadline = Date.now() + ms;
    while (lines.length === 0 && child.exitCode === null && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (waiter = r)), exited, new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
      // A pending 15-minute timer would keep the bench alive long after its table is printed.
      clearTimeout(timer);
    }
    return lines.shift();
  };
  const failed = (why: string): Outcome => {
    console.error(`  FAILED: ${describe(invocation)}: ${why}\n${indent(stderr.trim().split("\n").slice(-25).join("\n"))}`);
    return { ok: false, seconds: 0, result: { stdout: "", stderr, code: child.exitCode ?? -1 } };
  };
  const first = await nextLine(BUILD_TIMEOUT_MS);
  const deadline = Date.now() + 60_000;
  while (!/^watching /m.test(stderr) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const firstParsed = first === undefined ? undefined : parseJsonLine(first);
  if (!firstParsed || firstParsed.error !== undefined || !/^watching /m.test(stderr)) {
    failed(first !== undefined && !firstParsed ? `its first line is not JSON: ${first.slice(0, 200)}` : "no first build, or it did not start watching");
    child.kill("SIGKILL");
    return undefined;
  }
  child.kill("SIGSTOP");
  return {
    invocation,
    async rebuild(): Promise<Outcome> {
      const t0 = performance.now();
      child.kill("SIGCONT");
      const line = await nextLine(BUILD_TIMEOUT_MS);
      const seconds = (performance.now() - t0) / 1000;
      // After its line the watch prunes the cache: untimed, and not to be left for the next sample.
      await new Promise((r) => setTimeout(r, 300));
      child.kill("SIGSTOP");
      if (!line) return failed("no line after the edit");
      const parsed = parseJsonLine(line);
      if (!parsed) return failed(`not a JSON line: ${line.slice(0, 200)}`);
      if (parsed.error) return failed(parsed.error);
      return { ok: true, seconds, result: { stdout: line, stderr: "", code: 0 } };
    },
    stop(): void {
      child.kill("SIGCONT");
      child.kill("SIGTERM");
    },
  };
}

async function cold(ws: Workspace, files: { initDockerfile: string; classic: string } | undefined, runs: number, rows: Row[]): Promise<void> {
  const out = ws.dir("cold-out");
  const fresh: string[] = [];
  const freshDir = (name: string) => {
    const d = ws.dir(name);
    fresh.push(d);
    return d;
  };
  const specs: ToolSpec[] = [
    { tool: "go", label: "go build (bare)", invocation: () => goBuild(ws, freshDir("cold-gocache"), join(out, "bin")) },
    {
      tool: "slimgo",
      label: "slimgo build --oci-layout",
      invocation: (i) =>
        slimgoBuild(ws, { gocache: freshDir("cold-gocache"), slimgo: freshDir("cold-slimgo-cache") }, ["--oci-layout", join(out, `layout-${i}`)]),
    },
  ];
  if (files) {
    specs.push(
      { tool: "podman-init", label: "podman build, slimgo init Dockerfile", invocation: () => podmanBuild(ws, files.initDockerfile, freshDir("cold-podman-tmp")), after: rememberImage },
      { tool: "podman-classic", label: "podman build, classic Dockerfile", invocation: () => podmanBuild(ws, files.classic, freshDir("cold-podman-tmp")), after: rememberImage },
    );
  }
  // Each fresh cache is a few hundred MB; drop them as soon as the build that used them is done.
  const dropFresh = () => {
    for (const d of fresh.splice(0)) rmSync(d, { recursive: true, force: true });
  };
  await sample("cold", ws, specs.map((s) => ({ ...s, after: (o: Outcome) => { s.after?.(o); dropFresh(); } })), runs, rows);
}

interface LayoutImage {
  layout: string;
  refName: string;
}

/** Builds the current source once more into a layout that push and size read (not timed). */
async function referenceImage(ws: Workspace, caches: { gocache: string; slimgo: string }): Promise<LayoutImage | undefined> {
  const layout = join(ws.dir("reference"), "layout");
  const o = await timed(slimgoBuild(ws, caches, ["--oci-layout", layout]));
  if (!o.ok) return undefined;
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { annotations?: Record<string, string> }[] };
  const refName = index.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"];
  return refName ? { layout, refName } : undefined;
}

async function push(ws: Workspace, runs: number, rows: Row[], notes: string[]): Promise<LayoutImage | undefined> {
  const caches = ws.warmCaches;
  progress(`push ${ws.program.name}: building the reference image (not timed)`);
  const image = await referenceImage(ws, caches);
  if (!image) {
    notes.push(`push ${ws.program.name}: no reference image, push not measured`);
    return undefined;
  }
  const rowFor = (tool: ToolName, label: string): Row => {
    const row: Row = { section: "push", program: ws.program.name, tool, label, samples: [], failures: 0 };
    rows.push(row);
    return row;
  };
  const nochange = rowFor("slimgo-nochange", "slimgo build --oci-layout, no change");
  const skopeo = rowFor("skopeo", "skopeo copy oci: → registry");
  const slimgo = rowFor("slimgo-push", "slimgo build --push");
  const record = (row: Row, o: Outcome, i: number) => {
    if (o.ok) row.samples.push(o.seconds);
    else row.failures++;
    progress(`push ${ws.program.name} ${row.label} run ${i}/${runs}: ${o.ok ? `${o.seconds.toFixed(2)} s` : "failed"}`);
  };
  for (let i = 1; i <= runs; i++) {
    // The build part of `slimgo build --push` with the same (unchanged) source, to subtract.
    record(nochange, await timed(slimgoBuild(ws, caches, ["--oci-layout", join(ws.dir("nochange"), "layout")])), i);
    let registry: TestRegistry | undefined;
    try {
      registry = await startRegistry();
      liveRegistries.add(registry);
    } catch (e) {
      console.error(`  FAILED: starting docker-registry: ${e instanceof Error ? e.message : String(e)}`);
      skopeo.failures++;
      slimgo.failures++;
      continue;
    }
    try {
      // skopeo first: its blob-info cache could otherwise mount blobs from slimgo's repository.
      record(
        skopeo,
        await timed({
          cmd: "skopeo",
          args: ["copy", "-q", "--dest-tls-verify=false", `oci:${image.layout}:${image.refName}`, `docker://${registry.host}/bench-skopeo:latest`],
        }),
        i,
      );
      const o = await timed(
        slimgoBuild(ws, caches, ["--push", `${registry.host}/bench-slimgo`, "-t", "latest", "--insecure-registry", registry.host]),
      );
      record(slimgo, o, i);
      if (o.ok && i === 1) notes.push(`push ${ws.program.name}: slimgo ${pushSummary(o.result.stdout)}`);
    } finally {
      liveRegistries.delete(registry);
      await registry.stop();
    }
  }
  return image;
}

function pushSummary(stdout: string): string {
  try {
    const parsed = JSON.parse(stdout) as { programs?: { published?: { kind?: string; blobs?: unknown }[] }[] };
    const published = parsed.programs?.[0]?.published?.find((p) => p.blobs !== undefined);
    return published ? `blobs ${JSON.stringify(published.blobs)}` : "pushed (no blob counts in --json)";
  } catch {
    return "pushed (unreadable --json)";
  }
}

interface SizeReport {
  program: string;
  imageBytes: number;
  layers: number[];
  configBytes: number;
  binaryBytes: number;
  gzippedBinary: number;
  bareGzipped?: number;
}

async function size(ws: Workspace, image: LayoutImage | undefined, notes: string[]): Promise<SizeReport | undefined> {
  if (!image) {
    image = await referenceImage(ws, ws.warmCaches);
    if (!image) {
      notes.push(`size ${ws.program.name}: no image, size not measured`);
      return undefined;
    }
  }
  const blob = (digest: string) => join(image!.layout, "blobs", ...digest.split(":"));
  const index = JSON.parse(readFileSync(join(image.layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), "utf8")) as {
    config: { digest: string; size: number };
    layers: { digest: string; size: number }[];
  };
  const config = JSON.parse(readFileSync(blob(manifest.config.digest), "utf8")) as { config?: { Entrypoint?: string[] } };
  const entry = config.config?.Entrypoint?.[0]?.replace(/^\//, "");
  const last = manifest.layers[manifest.layers.length - 1];
  if (!entry || !last) {
    notes.push(`size ${ws.program.name}: image has no entrypoint or layers`);
    return undefined;
  }
  const extract = ws.dir("size-extract");
  const untar = await timed({ cmd: "tar", args: ["-xzf", blob(last.digest), "-C", extract, entry] });
  if (!untar.ok) return undefined;
  const binary = join(extract, entry);
  const report: SizeReport = {
    program: ws.program.name,
    imageBytes: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
    layers: manifest.layers.map((l) => l.size),
    configBytes: manifest.config.size,
    binaryBytes: readFileSync(binary).length,
    gzippedBinary: await gzippedBytes(binary),
  };
  // For reference: the bare `go build` binary (no -X, no embedded tzdata) gzipped the same way.
  const bare = join(ws.dir("size-bare"), "bin");
  const built = await timed(goBuild(ws, ws.warmCaches.gocache, bare));
  if (built.ok) report.bareGzipped = await gzippedBytes(bare);
  return report;
}

async function gzippedBytes(file: string): Promise<number> {
  const r = await runTool("sh", ["-c", 'gzip -6 -n -c "$1" | wc -c', "sh", file]);
  return Number(r.stdout.trim());
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(seconds: number | undefined): string {
  return seconds === undefined ? "-" : seconds.toFixed(2);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? "-" : `${(a / b).toFixed(2)}x`;
}

function kb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}

function medianOf(rows: Row[], section: Section, program: string, tool: ToolName): number | undefined {
  const row = rows.find((r) => r.section === section && r.program === program && r.tool === tool);
  return row && row.samples.length > 0 ? median(row.samples) : undefined;
}

function printTable(rows: Row[], runs: number): void {
  const header = ["section", "program", "tool", "median s", "min s", "max s", "ok/runs", "÷ go build", "÷ slimgo"];
  const lines: string[][] = [header];
  for (const r of rows) {
    const m = r.samples.length ? median(r.samples) : undefined;
    const base = r.section === "push" ? undefined : medianOf(rows, r.section, r.program, "go");
    const slim = medianOf(rows, r.section, r.program, r.section === "push" ? "slimgo-push" : "slimgo");
    lines.push([
      r.section,
      r.program,
      r.label,
      fmt(m),
      fmt(r.samples.length ? Math.min(...r.samples) : undefined),
      fmt(r.samples.length ? Math.max(...r.samples) : undefined),
      `${r.samples.length}/${runs}`,
      ratio(m, base),
      ratio(m, slim),
    ]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => (l[c] as string).length)));
  const numeric = new Set([3, 4, 5, 6, 7, 8]);
  for (const [n, l] of lines.entries()) {
    console.log(l.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join("  "));
    if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? "NOT MEASURED" : ok ? "PASS" : "MISS";
}

function printTargets(rows: Row[], sizes: SizeReport[], programs: Program[]): void {
  for (const p of programs) {
    const go = medianOf(rows, "warm", p.name, "go");
    const slim = medianOf(rows, "warm", p.name, "slimgo");
    const pod = medianOf(rows, "warm", p.name, "podman-init");
    const vsGo = go && slim ? slim / go : undefined;
    const vsPod = pod && slim ? pod / slim : undefined;
    console.log(
      `${p.name}: warm slimgo ÷ bare go build = ${vsGo?.toFixed(2) ?? "-"}x (target ≤ ${WARM_VS_GO_TARGET}x): ratio vs target: ${verdict(vsGo === undefined ? undefined : vsGo <= WARM_VS_GO_TARGET)}`,
    );
    console.log(
      `${p.name}: warm podman build (cache mounts) ÷ slimgo = ${vsPod?.toFixed(2) ?? "-"}x (target ≥ ${WARM_VS_PODMAN_TARGET}x faster): ratio vs target: ${verdict(vsPod === undefined ? undefined : vsPod >= WARM_VS_PODMAN_TARGET)}`,
    );
    const nodeStart = medianOf(rows, "warm", p.name, "node-start");
    const viaNode = medianOf(rows, "warm", p.name, "slimgo-node");
    if (go && slim && nodeStart !== undefined) {
      console.log(
        `${p.name}: a one-shot build spends ${Math.round((slim - go) * 1000)} ms beyond bare go build; its go build starts before Node does ` +
          `(bin/slimgo.js's sh part), whose own start (${Math.round(nodeStart * 1000)} ms) runs beside it` +
          (viaNode !== undefined ? `; started as node bin/slimgo.js, Node first: ${(viaNode / go).toFixed(2)}x bare go build` : ""),
      );
    }
    for (const [tool, what] of [
      ["slimgo-watch", "slimgo build --watch (save to image, uncompressed)"],
      ["slimgo-watch-gzip", "slimgo build --watch --compression gzip"],
    ] as const) {
      const watch = medianOf(rows, "warm", p.name, tool);
      if (watch === undefined) continue;
      const watchVsGo = go ? watch / go : undefined;
      const podVsWatch = pod ? pod / watch : undefined;
      console.log(
        `${p.name}: warm ${what} ÷ bare go build = ${watchVsGo?.toFixed(2) ?? "-"}x (target ≤ ${WARM_VS_GO_TARGET}x): ratio vs target: ${verdict(watchVsGo === undefined ? undefined : watchVsGo <= WARM_VS_GO_TARGET)}`,
      );
      console.log(
        `${p.name}: warm podman build (cache mounts) ÷ ${what} = ${podVsWatch?.toFixed(2) ?? "-"}x (target ≥ ${WARM_VS_PODMAN_TARGET}x faster): ratio vs target: ${verdict(podVsWatch === undefined ? undefined : podVsWatch >= WARM_VS_PODMAN_TARGET)}`,
      );
    }
    const pushed = medianOf(rows, "push", p.name, "slimgo-push");
    const nochange = medianOf(rows, "push", p.name, "slimgo-nochange");
    const skopeo = medianOf(rows, "push", p.name, "skopeo");
    if (pushed !== undefined && nochange !== undefined && skopeo !== undefined) {
      console.log(
        `${p.name}: push (no target): slimgo build --push ${fmt(pushed)} s = no-change build ${fmt(nochange)} s ${pushed >= nochange ? "+" : "-"} ${fmt(Math.abs(pushed - nochange))} s ` +
          `(a difference under the rows' min-max spread is noise); skopeo copy ${fmt(skopeo)} s`,
      );
    }
    const s = sizes.find((x) => x.program === p.name);
    const over = s ? s.imageBytes - s.gzippedBinary : undefined;
    console.log(
      `${p.name}: image − gzipped binary = ${over === undefined ? "-" : kb(over)} (target ≤ ${kb(SIZE_TARGET_BYTES)}): ratio vs target: ${verdict(over === undefined ? undefined : over <= SIZE_TARGET_BYTES)}`,
    );
  }
}

function printSizes(sizes: SizeReport[]): void {
  for (const s of sizes) {
    console.log(
      `${s.program}: image ${s.imageBytes} B (${kb(s.imageBytes)}) = config ${s.configBytes} B + layers [${s.layers.join(", ")}] B; ` +
        `binary in image ${s.binaryBytes} B, gzip -6 ${s.gzippedBinary} B (${kb(s.gzippedBinary)}); ` +
        `image − gzipped binary ${s.imageBytes - s.gzippedBinary} B` +
        (s.bareGzipped !== undefined ? `; bare go build binary gzip -6 ${s.bareGzipped} B (${kb(s.bareGzipped)})` : ""),
    );
  }
}

async function toolVersion(cmd: string, args: string[]): Promise<string> {
  try {
    const r = await runTool(cmd, args, { allowFailure: true, timeoutMs: 30_000 });
    return (r.stdout || r.stderr).trim().split("\n")[0] ?? "?";
  } catch {
    return "not installed";
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = new Date();
  console.log(`slimgo build benchmark, ${started.toISOString()}, median of ${opts.runs} run(s) each, edit: ${opts.edit}`);
  console.log(
    `node ${process.version}; ${await toolVersion("go", ["version"])}; ${await toolVersion("podman", ["--version"])}; ` +
      `${await toolVersion("skopeo", ["--version"])}; ${cpus().length} CPUs; load average at start ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  );
  const rows: Row[] = [];
  const sizes: SizeReport[] = [];
  const notes: string[] = [];
  let podmanReady = true;
  try {
    const report = await ensureStandInImages();
    if (report.built.length > 0) progress(`stand-in base images built: ${report.built.map((b) => b.name).join(", ")}`);
  } catch (e) {
    podmanReady = false;
    console.error(`  FAILED: stand-in base images (${e instanceof Error ? e.message : String(e)}); podman rows skipped`);
    notes.push("podman rows skipped: the stand-in base images could not be made");
  }

  const workspaces: Workspace[] = [];
  const cleanUp = async () => {
    for (const child of liveWatchers) {
      child.kill("SIGCONT");
      child.kill("SIGKILL");
    }
    await Promise.all([...liveRegistries].map((r) => r.stop().catch(() => undefined)));
    liveRegistries.clear();
    for (const ws of workspaces.splice(0)) ws.remove();
    if (builtImageIds.size > 0) await podman(["rmi", "-f", ...builtImageIds], { allowFailure: true, timeoutMs: 120_000 }).catch(() => undefined);
    builtImageIds.clear();
  };
  process.once("SIGINT", () => {
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    for (const program of opts.programs) {
      const ws = new Workspace(program, opts.edit);
      workspaces.push(ws);
      const files = podmanReady ? await setUp(ws) : undefined;
      if (podmanReady && !files) notes.push(`${program.name}: slimgo init failed, podman rows skipped`);
      if (!opts.skip.has("warm")) await warm(ws, files, opts.runs, rows);
      if (!opts.skip.has("cold")) await cold(ws, files, opts.runs, rows);
      let image: LayoutImage | undefined;
      if (!opts.skip.has("push")) image = await push(ws, opts.runs, rows, notes);
      if (!opts.skip.has("size")) {
        const s = await size(ws, image, notes);
        if (s) sizes.push(s);
      }
      ws.remove();
    }
  } finally {
    await cleanUp();
  }

  console.log("");
  printTable(rows, opts.runs);
  console.log("");
  if (sizes.length) printSizes(sizes);
  for (const n of notes) console.log(n);
  console.log("");
  printTargets(rows, sizes, opts.programs);
  const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(1);
  console.log(`\nload average at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}; took ${minutes} min`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
