/**
 * `slimgo build --watch`: the watcher on its own (real files, no Go), then the real CLI on a copied
 * fixture with real go builds into a real OCI layout.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { closeSync, openSync, renameSync, writeFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { describeChanges, isEditorOrHiddenPath, MAX_HEAD_STARTS, rebuildOnChange, watchModule, type ChangeBatch } from "../../src/build/watch.js";
import { copyModule, SLIMGO_BIN } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { startRegistry } from "../support/registry.js";
import { hasTool, skipUnless } from "../support/tools.js";

const temps: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "slimgo-watch-"));
  temps.push(d);
  return d;
}

/** Resolves with the next value pushed, or rejects after `ms`. */
class Inbox<T> {
  private items: T[] = [];
  private waiter?: (item: T) => void;
  push(item: T): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(item);
    } else this.items.push(item);
  }
  next(ms: number, what: string): Promise<T> {
    const ready = this.items.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      // Unref'd: a wait that lost a race must not keep the test process alive.
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no ${what} within ${ms} ms`));
      }, ms).unref();
      this.waiter = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
    });
  }
  /** Whatever arrives until nothing has for `quietMs` (at most `maxMs` in all). */
  async settle(quietMs: number, maxMs: number): Promise<T[]> {
    const deadline = Date.now() + maxMs;
    for (let seen = -1; seen !== this.items.length && Date.now() < deadline; ) {
      seen = this.items.length;
      await sleep(quietMs);
    }
    return this.items.splice(0);
  }
  /** Asserts nothing arrives for `ms`. */
  async none(ms: number, what: string): Promise<void> {
    await sleep(ms);
    assert.deepEqual(this.items, [], `expected no ${what}`);
  }
}

describe("watchModule", () => {
  test("skips hidden paths, editor files and vim's probe; keeps source and nested paths", () => {
    const cases: [string, boolean][] = [
      [".git/index", true],
      ["pkg/.idea/workspace.xml", true],
      [".main.go.swp", true],
      ["main.go.swp", true],
      ["main.go~", true],
      [".#main.go", true],
      ["#main.go#", true],
      ["4913", true],
      [".main.go.slimgo-123-abc", true],
      ["main.go", false],
      ["cmd/api/main.go", false],
      ["go.sum", false],
      ["static/index.html", false],
    ];
    for (const [path, ignored] of cases) assert.equal(isEditorOrHiddenPath(path), ignored, path);
  });

  test("describes changes briefly", () => {
    assert.equal(describeChanges(["main.go"]), "main.go");
    assert.equal(describeChanges(["a.go", "b.go"]), "a.go and b.go");
    assert.equal(describeChanges(["a.go", "b.go", "c.go"]), "a.go, b.go and c.go");
    assert.equal(describeChanges(["a.go", "b.go", "c.go", "d.go"]), "a.go, b.go and 2 more");
  });

  test("sees every save by temp file and rename, and in-place writes after them", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "main.go"), "package main\n");
    const batches = new Inbox<ChangeBatch>();
    const watcher = watchModule(dir, { onChange: (b) => batches.push(b) });
    try {
      for (let i = 0; i < 3; i++) {
        await writeFile(join(dir, ".main.go.tmp"), `package main // ${i}\n`);
        await rename(join(dir, ".main.go.tmp"), join(dir, "main.go"));
        assert.deepEqual((await batches.next(2000, `batch for save ${i}`)).files, ["main.go"]);
      }
      await writeFile(join(dir, "main.go"), "package main // in place\n", { flag: "a" });
      assert.deepEqual((await batches.next(2000, "batch for the in-place write")).files, ["main.go"]);
    } finally {
      watcher.close();
    }
  });

  test("a temp file that comes and goes is no change; a deletion is one", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "main.go"), "package main\n");
    await writeFile(join(dir, "old.go"), "package main\n");
    const batches = new Inbox<ChangeBatch>();
    const watcher = watchModule(dir, { onChange: (b) => batches.push(b) });
    try {
      // What `sed -i` does: a temp file beside the original, renamed over it at once (synchronous
      // here: the watcher shares this event loop, and a loaded machine must not stretch the gap).
      writeFileSync(join(dir, "sedAbC123"), "package main // edited\n");
      renameSync(join(dir, "sedAbC123"), join(dir, "main.go"));
      assert.deepEqual((await batches.next(2000, "batch for sed -i")).files, ["main.go"]);
      await rm(join(dir, "old.go"));
      assert.deepEqual((await batches.next(2000, "batch for the deletion")).files, ["old.go"]);
    } finally {
      watcher.close();
    }
  });

  test("watches directories created after it started; ignores output paths and .git", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, ".git"));
    await mkdir(join(dir, "out"));
    const batches = new Inbox<ChangeBatch>();
    const watcher = watchModule(dir, { ignore: [join(dir, "out"), join(dir, "app.tar")], onChange: (b) => batches.push(b) });
    try {
      await mkdir(join(dir, "internal", "store"), { recursive: true });
      const created = await batches.next(2000, "batch for the new directory");
      assert.ok(created.files.includes("internal"), `got ${created.files.join(", ")}`);
      await writeFile(join(dir, "internal", "store", "store.go"), "package store\n");
      assert.deepEqual((await batches.next(2000, "batch for a file in the new directory")).files, ["internal/store/store.go"]);
      // Under load the write can arrive as two events (create, then modify) in two batches.
      for (const late of await batches.settle(200, 1000)) assert.deepEqual(late.files, ["internal/store/store.go"]);

      await writeFile(join(dir, ".git", "index"), "x");
      await writeFile(join(dir, "out", "index.json"), "{}");
      await writeFile(join(dir, "app.tar"), "x");
      await writeFile(join(dir, "main.go~"), "x");
      await batches.none(300, "batch for ignored paths");
    } finally {
      watcher.close();
    }
  });

  test("changes during a rebuild give exactly one more rebuild, with all of them", async () => {
    const dir = await tempDir();
    const calls: string[][] = [];
    const started = new Inbox<void>();
    let release = () => {};
    const loop = rebuildOnChange(dir, {
      rebuild: async (batch) => {
        calls.push(batch.files);
        started.push();
        await new Promise<void>((r) => (release = r));
      },
    });
    try {
      await writeFile(join(dir, "a.go"), "package main\n");
      await started.next(2000, "first rebuild");
      assert.equal(loop.building, true);
      await writeFile(join(dir, "b.go"), "package main\n");
      await sleep(60);
      await writeFile(join(dir, "c.go"), "package main\n");
      await sleep(60);
      release();
      await started.next(2000, "second rebuild");
      release();
      await started.none(300, "third rebuild");
      assert.deepEqual(calls, [["a.go"], ["b.go", "c.go"]]);
    } finally {
      release();
      await loop.stop();
    }
  });

  test("an event that leaves the files as the last rebuild saw them gives no rebuild; a real change does", async () => {
    const dir = await tempDir();
    const file = join(dir, "a.go");
    await writeFile(file, "package main\n");
    await chmod(file, 0o644);
    const rebuilt = new Inbox<string[]>();
    const unchanged = new Inbox<string[]>();
    const loop = rebuildOnChange(dir, { rebuild: async (batch) => rebuilt.push(batch.files), unchanged: (batch) => unchanged.push(batch.files) });
    try {
      // Before any rebuild, a chmod to the mode it has leaves the file as the watch found it.
      await chmod(file, 0o644);
      assert.deepEqual(await unchanged.next(2000, "unchanged batch for the first chmod"), ["a.go"]);
      await writeFile(file, "package main\n\nfunc main() {}\n");
      assert.deepEqual(await rebuilt.next(2000, "rebuild for the write"), ["a.go"]);
      // chmod to the mode it has: an attribute event, with the content, time and mode unchanged.
      await chmod(file, 0o644);
      assert.deepEqual(await unchanged.next(2000, "unchanged batch for the chmod"), ["a.go"]);
      await rebuilt.none(200, "rebuild for the chmod");
      await chmod(file, 0o600);
      assert.deepEqual(await rebuilt.next(2000, "rebuild for the mode change"), ["a.go"]);
      await writeFile(file, "package main\n\nfunc main() { println() }\n");
      assert.deepEqual(await rebuilt.next(2000, "rebuild for the second write"), ["a.go"]);
    } finally {
      await loop.stop();
    }
  });
});

describe("the rebuild loop's head start", () => {
  test("starts once per save while idle, and the rebuild learns that it saw every change", async () => {
    const dir = await tempDir();
    const order: string[] = [];
    const built = new Inbox<boolean>();
    let release = () => {};
    const loop = rebuildOnChange(dir, {
      headStart: () => {
        order.push("head start");
        return true;
      },
      rebuild: async (_batch, headStarted) => {
        order.push("rebuild");
        built.push(headStarted);
        await new Promise<void>((r) => (release = r));
      },
    });
    try {
      // One save, several events (create and write), all queued before the watcher runs again.
      const file = join(dir, "a.go");
      writeFileSync(file, "package main\n");
      assert.equal(await built.next(2000, "first rebuild"), true, "the head start came after the last change");
      assert.deepEqual(order, ["head start", "rebuild"]);

      // Changes while a rebuild runs start nothing: the next rebuild starts its own.
      await writeFile(file, "package main\n\nfunc main() {}\n");
      await sleep(60);
      release();
      assert.equal(await built.next(2000, "second rebuild"), false);
      assert.deepEqual(order, ["head start", "rebuild", "rebuild"]);
      release();
    } finally {
      release();
      await loop.stop();
    }
  });

  test("a change after the last head start, or a refused head start, leaves the start to the rebuild", async () => {
    const dir = await tempDir();
    let starts = 0;
    let accept = true;
    const built = new Inbox<boolean>();
    const loop = rebuildOnChange(dir, {
      debounceMs: 150,
      headStart: () => {
        starts++;
        return accept;
      },
      rebuild: async (_batch, headStarted) => built.push(headStarted),
    });
    try {
      // A stream of changes, one per turn: head starts stop after MAX_HEAD_STARTS, and the
      // later changes are not covered.
      for (let i = 0; i < MAX_HEAD_STARTS + 3; i++) {
        writeFileSync(join(dir, `f${i}.go`), "package main\n");
        await sleep(10);
      }
      assert.equal(await built.next(2000, "rebuild after a stream"), false);
      assert.equal(starts, MAX_HEAD_STARTS);

      accept = false;
      writeFileSync(join(dir, "g.go"), "package main\n");
      assert.equal(await built.next(2000, "rebuild after a refused head start"), false);
      assert.equal(starts, MAX_HEAD_STARTS + 1, "a new batch may head start again");
    } finally {
      await loop.stop();
    }
  });
});

interface WatchLine {
  elapsedMs: number;
  changed: string[];
  programs: { binary: string; digest: string; published: { kind: string; reference: string; digest: string }[] }[];
}

/**
 * A loaded machine may deliver one save as two events on either side of a build's start: the watch
 * then builds the same source again, and that line (an error for a broken save, else the same
 * digest, as builds are reproducible) can arrive after a test has moved on.
 */
function repeatOf(last: WatchLine | "error"): (line: WatchLine) => boolean {
  return (line) => ("error" in line ? last === "error" : last !== "error" && line.programs[0]?.published[0]?.digest === last.programs[0]?.published[0]?.digest);
}

/** `slimgo build --watch` as a user runs it, with its stdout read line by line. */
/** go's syntax error in dir's main.go, named as slimgo names it: from the working directory, which dir (a temp dir) is outside, so absolute. */
function syntaxErrorIn(dir: string): RegExp {
  return new RegExp(`(^|\\s)${join(dir, "main.go").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: syntax error`, "m");
}

function startWatch(dir: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [SLIMGO_BIN, "build", dir, "--watch", ...args], {
    env: { ...process.env, NO_COLOR: "1", SOURCE_DATE_EPOCH: "1700000000", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  const lines = new Inbox<string>();
  let stderr = "";
  createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    stderr: () => stderr,
    /** The next build's line, passing over those `skip` says are late repeats of an earlier save's build. */
    async nextBuild(ms: number, what: string, skip: (line: WatchLine) => boolean = () => false): Promise<WatchLine> {
      const deadline = Date.now() + ms;
      try {
        const ended = exited.then(({ code, signal }) => Promise.reject(new Error(`no ${what}: slimgo exited (${code ?? signal})`)));
        ended.catch(() => undefined);
        for (;;) {
          const line = JSON.parse(await Promise.race([lines.next(Math.max(deadline - Date.now(), 1), what), ended])) as WatchLine;
          if (!skip(line)) return line;
        }
      } catch (err) {
        throw new Error(`${(err as Error).message}; stderr:\n${stderr}`);
      }
    },
    async noBuild(ms: number, what: string, skip: (line: WatchLine) => boolean = () => false): Promise<void> {
      const built = (await lines.settle(ms, ms)).map((l) => JSON.parse(l) as WatchLine).filter((l) => !skip(l));
      assert.deepEqual(built, [], `expected no ${what}`);
    },
    /** Build lines that follow until the watch is quiet for `quietMs`. */
    settle: async (quietMs: number) => (await lines.settle(quietMs, 30_000)).map((l) => JSON.parse(l) as WatchLine),
    async exit(ms: number) {
      return Promise.race([exited, sleep(ms, undefined, { ref: false }).then(() => assert.fail(`slimgo build --watch still running after ${ms} ms`))]);
    },
  };
}

/** The digest the layout's index.json holds for a ref name, and skopeo's view of it where skopeo is installed. */
async function layoutDigest(layout: string, ref: string): Promise<string> {
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const entries = index.manifests.filter((m) => m.annotations?.["org.opencontainers.image.ref.name"] === ref);
  assert.equal(entries.length, 1, `one entry for ${ref} in ${layout}/index.json`);
  const digest = entries[0]!.digest;
  if (hasTool("skopeo")) {
    const inspect = JSON.parse((await runTool("skopeo", ["inspect", `oci:${layout}:${ref}`])).stdout) as { Digest: string };
    assert.equal(inspect.Digest, digest);
  }
  return digest;
}

async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => /\.slimgo-|\.partial|\.tmp$/.test(e));
}

describe("slimgo build --watch", { skip: skipUnless("go", "git"), concurrency: 1 }, () => {
  let dir = "";
  let layout = "";
  let source = "";
  let watch: ReturnType<typeof startWatch>;
  let last: WatchLine;

  before(async () => {
    dir = await copyModule("root-main");
    temps.push(dir);
    // A real repository (go build stamps VCS information from it), so .git/ has real files to touch.
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, stdio: "ignore" });
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "start");
    layout = join(dir, "out");
    source = await readFile(join(dir, "main.go"), "utf8");
    // Not -q: the progress on stderr shows when a rebuild has started.
    watch = startWatch(dir, ["--oci-layout", layout, "--json"]);
  });

  test("the first build prints a line with a digest and writes the layout", async () => {
    last = await watch.nextBuild(120_000, "first build");
    assert.deepEqual(last.changed, []);
    assert.equal(typeof last.elapsedMs, "number");
    const published = last.programs[0]!.published[0]!;
    assert.match(published.reference, /^oci:.*:localhost\/rootmain:latest@sha256:[0-9a-f]{64}$/);
    assert.equal(await layoutDigest(layout, "localhost/rootmain:latest"), published.digest);
    // Nothing is pushed, so the layers are stored uncompressed, and stderr says so.
    assert.match(watch.stderr(), /layers are stored uncompressed while watching/);
    const manifest = JSON.parse(await readFile(join(layout, "blobs", "sha256", published.digest.slice("sha256:".length)), "utf8")) as { layers: { mediaType: string }[] };
    assert.ok(manifest.layers.length > 0 && manifest.layers.every((l) => l.mediaType === "application/vnd.oci.image.layer.v1.tar"), JSON.stringify(manifest.layers));
  });

  test("a source change rebuilds and republishes: new digest, the file named, the layout updated", async () => {
    await writeFile(join(dir, "main.go"), source.replace('"rootmain %s (%s)\\n"', '"rootmain, rebuilt %s (%s)\\n"'));
    const first = await watch.nextBuild(60_000, "rebuild after editing main.go");
    assert.ok(first.elapsedMs > 0);
    // One save seen as two events on either side of the build's start builds twice (see the compile-error test).
    const again = await watch.settle(1000);
    const line = again.at(-1) ?? first;
    for (const l of [first, ...again]) assert.deepEqual(l.changed, ["main.go"]);
    // The summary is written to stderr just after the JSON line on stdout, so it can arrive a moment later.
    const summary = /rebuilt in \d+\.\d\d s \(main\.go changed\)/;
    const deadline = Date.now() + 5_000;
    while (!summary.test(watch.stderr()) && Date.now() < deadline) await sleep(10);
    assert.match(watch.stderr(), summary);
    const published = line.programs[0]!.published[0]!;
    assert.notEqual(published.digest, last.programs[0]!.published[0]!.digest);
    assert.equal(await layoutDigest(layout, "localhost/rootmain:latest"), published.digest);
    last = line;
  });

  test("a compile error is reported with go's file:line and the watch goes on; the fix builds again", async () => {
    const before = watch.stderr().length;
    await writeFile(join(dir, "main.go"), `${source}\nthis is not Go\n`);
    // --json: the failure is a line on stdout too, so an NDJSON reader sees it.
    const failed = (await watch.nextBuild(60_000, "the failed rebuild's line", repeatOf(last))) as unknown as { error: { message: string; exitCode: number }; changed: string[]; elapsedMs: number };
    assert.match(failed.error.message, /main\.go:\d+:\d+: syntax error/);
    assert.equal(failed.error.exitCode, 2, "the same error document as a one-shot --json run's");
    assert.deepEqual(failed.changed, ["main.go"]);
    assert.ok(failed.elapsedMs > 0);
    assert.match(watch.stderr().slice(before), syntaxErrorIn(dir));
    assert.equal(watch.child.exitCode, null, "still running");
    for (const l of (await watch.settle(1000)) as unknown as { error: { message: string } }[]) assert.match(l.error.message, /main\.go:\d+:\d+: syntax error/);
    await writeFile(join(dir, "main.go"), source);
    const first = await watch.nextBuild(60_000, "rebuild after the fix", repeatOf("error"));
    // A loaded machine may deliver one save as two events on either side of the build's start (the
    // build may have read a half-written file then): the watch builds again, for main.go alone.
    // The next test's "no build" needs those builds over.
    const again = await watch.settle(1000);
    const line = again.at(-1) ?? first;
    for (const l of [first, ...again]) assert.deepEqual(l.changed, ["main.go"]);
    assert.equal(await layoutDigest(layout, "localhost/rootmain:latest"), line.programs[0]!.published[0]!.digest);
    last = line;
  });

  test("changes under .git/, in the output layout and editor files set off no build", async () => {
    await writeFile(join(dir, ".git", "info", "exclude"), "*.log\n"); // go build reads .git: keep it valid
    await writeFile(join(layout, "stray"), "x");
    await writeFile(join(dir, "main.go~"), source);
    await writeFile(join(dir, ".main.go.swp"), "x");
    await watch.noBuild(1500, "build for ignored paths", repeatOf(last));
    await rm(join(layout, "stray"));
  });

  test("SIGTERM during a rebuild lets it finish, then exits 0 with nothing half-written", async () => {
    const compiles = () => watch.stderr().split("compiling ").length;
    const before = compiles();
    await writeFile(join(dir, "main.go"), source.replace('"ok"', '"still ok"'));
    const deadline = Date.now() + 10_000;
    while (compiles() === before && Date.now() < deadline) await sleep(10);
    assert.ok(compiles() > before, "the rebuild started");
    watch.child.kill("SIGTERM");
    const line = await watch.nextBuild(60_000, "the rebuild in progress", repeatOf(last));
    assert.deepEqual(line.changed, ["main.go"]);
    const { code, signal } = await watch.exit(30_000);
    assert.equal(signal, null);
    assert.equal(code, 0, watch.stderr());
    assert.equal(await layoutDigest(layout, "localhost/rootmain:latest"), line.programs[0]!.published[0]!.digest);
    assert.deepEqual(await leftovers(dir), []);
  });
});

describe("slimgo build --watch with --push", { skip: skipUnless("go", "docker-registry", "skopeo") }, () => {
  test("keeps gzip layers: the registry gets what a one-shot push would send", async () => {
    const dir = await copyModule("root-main");
    temps.push(dir);
    const registry = await startRegistry();
    try {
      const watch = startWatch(dir, ["--push", `${registry.host}/watched`, "--insecure-registry", registry.host, "--json"]);
      const first = await watch.nextBuild(120_000, "first build and push");
      // SIGTERM is handled (exit 0) once the watch is set up, which it says after the first build's line.
      const deadline = Date.now() + 10_000;
      while (!/watching/.test(watch.stderr()) && Date.now() < deadline) await sleep(10);
      watch.child.kill("SIGTERM");
      assert.equal((await watch.exit(60_000)).code, 0);
      assert.doesNotMatch(watch.stderr(), /uncompressed/);
      const manifest = JSON.parse((await runTool("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/watched:latest`])).stdout) as { layers: { mediaType: string }[] };
      assert.ok(manifest.layers.every((l) => l.mediaType.endsWith("gzip")), JSON.stringify(manifest.layers));
      assert.match(first.programs[0]!.published[0]!.reference, new RegExp(`^${registry.host}/watched:latest@sha256:`));
    } finally {
      await registry.stop();
    }
  });
});

describe("slimgo build --watch with its output redirected into the module", { skip: skipUnless("go") }, () => {
  test("`> build.log 2>&1` in the module sets off no rebuilds of its own; a source change still rebuilds once", async () => {
    const dir = await copyModule("root-main");
    temps.push(dir);
    const log = join(dir, "build.log");
    const fd = openSync(log, "w");
    const child = spawn(process.execPath, [SLIMGO_BIN, "build", "--watch", "--oci-layout", join(dir, "out"), "--json"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", SOURCE_DATE_EPOCH: "1700000000" },
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const builds = async () => (await readFile(log, "utf8")).split("\n").filter((l) => l.startsWith("{"));
    /** Waits until the log holds `n` build lines, then until it has been quiet for `quietMs`; returns them all. */
    const buildsAfter = async (n: number, quietMs: number) => {
      const deadline = Date.now() + 120_000;
      while ((await builds()).length < n && child.exitCode === null && Date.now() < deadline) await sleep(50);
      let seen = await readFile(log, "utf8");
      for (let quietSince = Date.now(); Date.now() - quietSince < quietMs; await sleep(50)) {
        const now = await readFile(log, "utf8");
        if (now !== seen) [seen, quietSince] = [now, Date.now()];
      }
      return builds();
    };
    try {
      assert.equal((await buildsAfter(1, 1500)).length, 1, `one build, not one per line it logs:\n${await readFile(log, "utf8")}`);
      await writeFile(join(dir, "main.go"), (await readFile(join(dir, "main.go"), "utf8")).replace('"ok"', '"still ok"'));
      const after = await buildsAfter(2, 1500);
      // A loaded machine may deliver one save as two events on either side of the build's start.
      assert.ok(after.length === 2 || (after.length === 3 && after[2]!.includes('"changed":["main.go"]')), `the save, then nothing:\n${await readFile(log, "utf8")}`);
      assert.match(after[1]!, /"changed":\["main\.go"\]/);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });
});

describe("slimgo build --watch when the first build fails", { skip: skipUnless("go") }, () => {
  test("exits with the build's code and does not watch", async () => {
    const dir = await copyModule("root-main");
    temps.push(dir);
    await writeFile(join(dir, "main.go"), `${await readFile(join(dir, "main.go"), "utf8")}\nthis is not Go\n`);
    const layout = join(dir, "out");
    const watch = startWatch(dir, ["--oci-layout", layout, "--json", "-q"]);
    const { code } = await watch.exit(120_000);
    assert.equal(code, 2);
    assert.match(watch.stderr(), syntaxErrorIn(dir));
    assert.doesNotMatch(watch.stderr(), /watching/);
    // --json: stdout's NDJSON ends with the error's line, as a failed rebuild's would.
    const lines = (await watch.settle(200)) as unknown as { error: { message: string; exitCode: number } }[];
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.match(lines[0]!.error.message, /main\.go:\d+:\d+: syntax error/);
    assert.equal(lines[0]!.error.exitCode, 2);
    await assert.rejects(readFile(join(layout, "index.json")), { code: "ENOENT" });
  });
});

describe("slimgo build --watch when one platform fails", { skip: skipUnless("go") }, () => {
  test("the other platforms' go builds of that rebuild are stopped, and the watch goes on", async () => {
    const dir = await copyModule("root-main");
    temps.push(dir);
    const root = await tempDir();
    const [broken, pids, wrapper] = [join(root, "broken"), join(root, "go-build.pids"), join(root, "go")];
    // While `broken` exists, the arm64 build fails at once and the amd64 one compiles for two minutes.
    await writeFile(
      wrapper,
      `#!/bin/sh\nif [ "$1" = build ] && [ -e "${broken}" ]; then\n  if [ "$GOARCH" = arm64 ]; then echo "./main.go:1:1: syntax error (arm64 only)" >&2; exit 1; fi\n  echo $$ >> "${pids}"; exec sleep 120\nfi\nexec go "$@"\n`,
    );
    await chmod(wrapper, 0o755);
    const watch = startWatch(dir, ["--platform", "linux/amd64,linux/arm64", "--oci-layout", join(dir, "out"), "--json", "-q"], { SLIMGO_GO: wrapper });
    await watch.nextBuild(240_000, "first build");
    await writeFile(broken, "");
    const source = await readFile(join(dir, "main.go"), "utf8");
    await writeFile(join(dir, "main.go"), `${source}\n// edited\n`);
    const failed = (await watch.nextBuild(60_000, "the failed rebuild's line")) as unknown as { error: { message: string } };
    assert.match(failed.error.message, /syntax error \(arm64 only\)/);
    // The amd64 build may not have started before the failure; one that did is no longer running.
    const started = (await readFile(pids, "utf8").catch(() => "")).trim().split("\n").filter(Boolean).map(Number);
    const running = started.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(running, [], "no go build of the failed rebuild runs on");
    assert.equal(watch.child.exitCode, null, "still watching");
    await rm(broken);
    await writeFile(join(dir, "main.go"), source);
    await watch.nextBuild(60_000, "rebuild after the fix");
    watch.child.kill("SIGTERM");
    await watch.exit(30_000);
  });
});

describe("slimgo build --watch and a save during the first build", { skip: skipUnless("go") }, () => {
  test("the save is built right after the first build, into the image a one-shot build of it gives (--compression gzip)", async () => {
    const dir = await copyModule("root-main");
    temps.push(dir);
    const layout = join(dir, "out");
    const source = await readFile(join(dir, "main.go"), "utf8");
    const watch = startWatch(dir, ["--oci-layout", layout, "--json", "--compression", "gzip"]);
    // "compiling" comes after the watch is set up and before the first build has its binary.
    const deadline = Date.now() + 60_000;
    while (!/compiling/.test(watch.stderr()) && Date.now() < deadline) await sleep(5);
    await writeFile(join(dir, "main.go"), source.replace('"rootmain %s (%s)\\n"', '"rootmain, saved early %s (%s)\\n"'));
    const first = await watch.nextBuild(120_000, "first build");
    assert.deepEqual(first.changed, []);
    const second = await watch.nextBuild(60_000, "the build of the save made during the first");
    assert.deepEqual(second.changed, ["main.go"]);
    watch.child.kill("SIGTERM");
    assert.equal((await watch.exit(60_000)).code, 0);
    const oneShot = join(dir, "..", `${dir.split("/").pop()}-one-shot`);
    temps.push(oneShot);
    execFileSync(process.execPath, [SLIMGO_BIN, "build", dir, "--oci-layout", oneShot, "-q"], { env: { ...process.env, SOURCE_DATE_EPOCH: "1700000000", SLIMGO_NO_SPECULATION: "1" } });
    assert.equal(await layoutDigest(oneShot, "localhost/rootmain:latest"), second.programs[0]!.published[0]!.digest);
  });
});
