/**
 * A `slimgo build` stopped by a signal (Ctrl-C in a terminal, SIGTERM from a CI runner) leaves
 * nothing behind: no temp dirs, no partial files beside its outputs, no go build running on. The
 * go it runs is a wrapper that hangs in `go build` once told to, so the signal lands mid-compile.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { moduleCopies, runSlimgo, SLIMGO_BIN } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Running, not a zombie waiting for whoever inherited it to reap it (as `ps` shows Z). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return alive(pid);
  return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
}

async function until(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Starts slimgo in its own process group (as a terminal runs it): run as a program (its sh part
 * first) when `asProgram`, else as `node bin/slimgo.js`. `stderr()` is what it has written so far.
 */
function startSlimgo(args: string[], cwd: string, env: Record<string, string>, asProgram = false) {
  const child = spawn(asProgram ? SLIMGO_BIN : process.execPath, asProgram ? args : [SLIMGO_BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { pid: child.pid!, exited, stderr: () => stderr };
}

/** A go -toolexec program under which go's compiles and asm hang, as long ones would; their pids go to `tools.pids`. */
async function hangingTools(root: string, options: { ignoreInterrupt?: boolean } = {}) {
  const script = join(root, "toolexec");
  const pids = join(root, "tools.pids");
  // go asks each tool for its version (-V=full) before building: those answer.
  const trap = options.ignoreInterrupt ? "trap '' INT\n" : "";
  await writeFile(script, `#!/bin/sh\ncase "$*" in *-V=full*) exec "$@";; esac\n${trap}echo $$ >> "${pids}"\nexec sleep 120\n`);
  await chmod(script, 0o755);
  const started = async () => (await readFile(pids, "utf8").catch(() => "")).trim().split("\n").filter(Boolean).map(Number);
  /** The pids of those that still run; they are killed, so that a failed test leaves none behind. */
  const stillRunning = async () => {
    const found: number[] = [];
    for (const pid of await started()) if (await running(pid)) found.push(pid);
    for (const pid of found) process.kill(pid, "SIGKILL");
    return found;
  };
  return { goflags: `-toolexec=${script}`, pids, started, stillRunning };
}

describe("slimgo build stopped by a signal", { skip: skipUnless("go"), concurrency: 1 }, () => {
  const copy = moduleCopies();
  const temp = tempDirs();

  /** A module, a private TMPDIR and cache, and a go that hangs in `go build` while `hang` exists. */
  async function setup() {
    const moduleDir = await copy("root-main");
    const root = await temp.make("slimgo-interrupt-");
    const tmp = join(root, "tmp");
    await mkdir(tmp);
    const hang = join(root, "hang");
    const pids = join(root, "go-build.pids");
    const wrapper = join(root, "go");
    await writeFile(wrapper, `#!/bin/sh\nif [ "$1" = build ] && [ -e "${hang}" ]; then echo $$ >> "${pids}"; exec sleep 120; fi\nexec go "$@"\n`);
    await chmod(wrapper, 0o755);
    const env = { TMPDIR: tmp, SLIMGO_GO: wrapper, SLIMGO_CACHE_DIR: join(root, "cache"), SOURCE_DATE_EPOCH: "1700000000" };
    return { moduleDir, root, tmp, hang, pids, env, out: join(root, "out") };
  }

  /** Starts `slimgo build` in its own process group (as a terminal runs it), waits for go build to hang, then signals. */
  async function interrupt(s: Awaited<ReturnType<typeof setup>>, env: Record<string, string>, signal: NodeJS.Signals, toGroup: boolean) {
    await writeFile(s.hang, "");
    const child = startSlimgo(["build", ".", "--oci-layout", join(s.out, "oci"), "--tarball", join(s.out, "image.tar")], s.moduleDir, { ...s.env, ...env });
    await until(async () => (await readFile(s.pids, "utf8").catch(() => "")).trim() !== "", 60_000, "go build to start");
    // The compile is under way, and slimgo has made its temp dirs.
    await until(async () => (await readdir(s.tmp)).some((e) => e.startsWith("slimgo-build-")), 30_000, "slimgo's build dir");
    process.kill(toGroup ? -child.pid : child.pid, signal);
    const ended = await Promise.race([child.exited, sleep(30_000).then(() => undefined)]);
    assert.ok(ended, `slimgo build still running 30 s after ${signal}:\n${child.stderr()}`);
    const goPids = (await readFile(s.pids, "utf8")).trim().split("\n").map(Number);
    return { ended, goPids, stderr: child.stderr() };
  }

  async function assertNothingLeft(s: Awaited<ReturnType<typeof setup>>, goPids: number[]) {
    await until(() => goPids.every((p) => !alive(p)), 10_000, `go build (${goPids.join(", ")}) to end`);
    assert.deepEqual((await readdir(s.tmp)).filter((e) => e.startsWith("slimgo-")), [], "slimgo's temp dirs are removed");
    const blobs = await readdir(join(s.env.SLIMGO_CACHE_DIR, "blobs")).catch(() => []);
    assert.deepEqual(blobs.filter((b) => b.startsWith(".")), [], "no partial blobs in the cache");
    assert.deepEqual(await readdir(s.out).catch(() => []), [], "no output, and nothing beside where it would be");
  }

  test("Ctrl-C during the compile of a build started early from the last plan: slimgo dies of SIGINT, nothing is left, go is stopped", async () => {
    const s = await setup();
    // A first build from the module dir records the plan the next one starts before loading.
    const first = await runSlimgo(["build", ".", "-q"], { cwd: s.moduleDir, env: s.env });
    assert.equal(first.code, 0, first.stderr);
    const { ended, goPids } = await interrupt(s, {}, "SIGINT", true);
    assert.equal(ended.signal, "SIGINT", "dies of the signal, as a shell expects of Ctrl-C");
    // The early go build runs in its own process group, which the terminal's Ctrl-C does not reach.
    assert.equal(goPids.length, 1, "the early go build was the compile");
    await assertNothingLeft(s, goPids);
  });

  test("SIGTERM sent to slimgo alone (a CI runner's cancel): go is stopped too, and nothing is left", async () => {
    const s = await setup();
    const { ended, goPids } = await interrupt(s, { SLIMGO_NO_SPECULATION: "1" }, "SIGTERM", false);
    assert.equal(ended.signal, "SIGTERM");
    await assertNothingLeft(s, goPids);
  });

  // go build dies of SIGINT at once and leaves the tools it runs (same process group, not
  // signalled) compiling into its work dir: slimgo stops go's whole group and waits for it.
  for (const [name, { signal, toGroup, ignoreInterrupt }] of Object.entries({
    "SIGTERM to slimgo alone": { signal: "SIGTERM", toGroup: false, ignoreInterrupt: false },
    "Ctrl-C": { signal: "SIGINT", toGroup: true, ignoreInterrupt: false },
    // It is killed once slimgo's wait (5 s) is over.
    "SIGTERM to slimgo alone, with a compile that ignores SIGINT": { signal: "SIGTERM", toGroup: false, ignoreInterrupt: true },
  } as const)) {
    test(`${name} while go runs a compile: the compile has ended when slimgo dies, and nothing is left`, async () => {
      const s = await setup();
      const tools = await hangingTools(s.root, { ignoreInterrupt });
      const env = { ...s.env, SLIMGO_GO: "go", GOCACHE: join(s.root, "gocache"), GOFLAGS: tools.goflags, SLIMGO_NO_SPECULATION: "1" };
      const child = startSlimgo(["build", ".", "--oci-layout", join(s.out, "oci")], s.moduleDir, env);
      await until(async () => (await tools.started()).length > 0, 60_000, "go's first compile");
      await until(async () => (await readdir(s.tmp)).some((e) => e.startsWith("slimgo-build-")), 30_000, "slimgo's build dir");
      process.kill(toGroup ? -child.pid : child.pid, signal);
      assert.equal((await child.exited).signal, signal, child.stderr());
      const left = await readdir(s.tmp, { recursive: true });
      assert.deepEqual(await tools.stillRunning(), [], "no compile go started runs on once slimgo has died");
      assert.deepEqual(left, [], "TMPDIR is empty when slimgo has died");
    });
  }

  const cases = {
    "Ctrl-C while the real go compiles (started by Node)": { start: "node", signal: "SIGINT", toGroup: true },
    "Ctrl-C while the real go compiles (started early by Node from the last plan)": { start: "node-early", signal: "SIGINT", toGroup: true },
    "Ctrl-C while the real go compiles (started early by the sh prelude)": { start: "sh-early", signal: "SIGINT", toGroup: true },
    // Compiles under way when slimgo stops go's process group write their outputs after slimgo's
    // first removal: slimgo waits for the whole group, then removes again.
    "SIGTERM to slimgo alone while the real go compiles two platforms": { start: "node", signal: "SIGTERM", toGroup: false },
  } as const;
  for (const [name, { start, signal, toGroup }] of Object.entries(cases)) {
    test(`${name}: go's own go-build work dirs are gone too`, async () => {
      const s = await setup();
      const early = start !== "node";
      const env: Record<string, string> = { ...s.env, SLIMGO_GO: "go", GOCACHE: join(s.root, "gocache"), ...(early ? {} : { SLIMGO_NO_SPECULATION: "1" }) };
      if (early) {
        const first = await runSlimgo(["build", ".", "-q"], { cwd: s.moduleDir, env: { ...env, GOCACHE: join(s.root, "gocache-first") } });
        assert.equal(first.code, 0, first.stderr);
      }
      // An empty GOCACHE: go compiles the standard library for seconds, and its work dir exists meanwhile.
      const args = ["build", ".", "--oci-layout", join(s.out, "oci"), ...(toGroup ? [] : ["--platform", "linux/amd64,linux/arm64"])];
      const child = startSlimgo(args, s.moduleDir, env, start === "sh-early");
      const goWorkDirs = async () => (await readdir(s.tmp, { recursive: true })).filter((e) => /(^|\/)go-build\d+$/.test(e));
      await until(async () => (await goWorkDirs()).length > 0, 60_000, "go's work dir");
      if (!toGroup) {
        // Well into the compile: go has made action dirs (b001, ...) and has more to make.
        const actionDirs = async () => (await readdir(s.tmp, { recursive: true })).filter((e) => /go-build\d+\/b\d+$/.test(e));
        await until(async () => (await actionDirs()).length >= 20, 60_000, "go's action dirs");
      }
      // Node has taken the early build over once its own build dir exists (before that, a Ctrl-C
      // leaves the early build to finish and remove its dir itself).
      await until(async () => (await readdir(s.tmp)).some((e) => e.startsWith("slimgo-build-")), 30_000, "slimgo's build dir");
      process.kill(toGroup ? -child.pid : child.pid, signal);
      assert.equal((await child.exited).signal, signal, child.stderr());
      // At once: slimgo waits for what it stopped before it dies, so nothing is made after.
      assert.deepEqual(await readdir(s.tmp, { recursive: true }), [], "TMPDIR is empty when slimgo has died");
      // Nor a moment later, when whatever was still running would have written.
      await sleep(500);
      assert.deepEqual(await readdir(s.tmp, { recursive: true }), [], "TMPDIR stays empty");
    });
  }
});

describe("slimgo build failing for one platform while go compiles for another", { skip: skipUnless("go") || (availableParallelism() < 2 && "the platforms build one after the other on one CPU") }, () => {
  const copy = moduleCopies();
  const temp = tempDirs();

  for (const [compile, ignoreInterrupt] of [["a compile", false], ["a compile that ignores SIGINT", true]] as const) {
  test(`${compile}: the other platform's compile has ended when slimgo exits, go's error is the one told, and nothing is left`, async () => {
    const moduleDir = await copy("root-main");
    const root = await temp.make("slimgo-platform-fails-");
    const tmp = join(root, "tmp");
    await mkdir(tmp);
    const tools = await hangingTools(root, { ignoreInterrupt });
    // The arm64 builds fail once the amd64 one is compiling.
    const wrapper = join(root, "go");
    await writeFile(wrapper, `#!/bin/sh\nif [ "$1" = build ] && [ "$GOARCH" = arm64 ]; then\n  while [ ! -s "${tools.pids}" ]; do sleep 0.05; done\n  echo "./main.go:1:1: syntax error (arm64 only)" >&2; exit 1\nfi\nexec go "$@"\n`);
    await chmod(wrapper, 0o755);
    const env = { TMPDIR: tmp, SLIMGO_GO: wrapper, GOCACHE: join(root, "gocache"), GOFLAGS: tools.goflags, SLIMGO_CACHE_DIR: join(root, "cache"), SLIMGO_NO_SPECULATION: "1" };
    const result = await runSlimgo(["build", ".", "--platform", "linux/amd64,linux/arm64", "--oci-layout", join(root, "out")], { cwd: moduleDir, env });
    const left = await readdir(tmp, { recursive: true });
    assert.deepEqual(await tools.stillRunning(), [], "no compile go started runs on once slimgo has exited");
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /go build of \. for linux\/arm64 failed:\n\.\/main\.go:1:1: syntax error \(arm64 only\)/);
    assert.deepEqual(left, [], "TMPDIR is empty when slimgo has exited");
  });
  }
});
