import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { planFile } from "../../src/build/go-build-plan.js";
import { moduleCopies, runSlimgo, SLIMGO_BIN } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

// slimgo build starts the last build's go build before it has loaded (src/build/speculation.ts):
// run as a program, bin/slimgo.js's sh part starts it before Node; run as `node bin/slimgo.js`,
// Node starts it first thing. Whatever it guessed, the image must be the one a build without the
// head start gives.

const copy = moduleCopies();
const temp = tempDirs();
const tempDir = temp.make;

const STARTED_EARLY = "started with slimgo, from the last build's plan";

for (const asProgram of [false, true]) describe(`slimgo build's early go build, run ${asProgram ? "as a program (sh starts go)" : "as node bin/slimgo.js"}`, { skip: asProgram ? skipUnless("go", "setsid") : skipUnless("go") }, () => {
  let moduleDir: string;
  let env: Record<string, string>;
  let run = 0;

  const build = async (extra: string[] = [], extraEnv: Record<string, string> = {}) => {
    const out = join(moduleDir, "..", `${moduleDir.split("/").pop()}-out-${run++}`);
    temp.track(out);
    const r = await runSlimgo(["build", ".", "--oci-layout", out, "--json", "--verbose", ...extra], { cwd: moduleDir, env: { ...env, ...extraEnv }, asProgram });
    const digest = r.code === 0 ? (JSON.parse(r.stdout) as { programs: { digest: string }[] }).programs[0]!.digest : undefined;
    return { ...r, digest, early: r.stderr.includes(STARTED_EARLY) };
  };
  const setMessage = async (message: string) => {
    const file = join(moduleDir, "main.go");
    const source = await readFile(file, "utf8");
    await writeFile(file, source.replace(/"rootmain [^"]*\\n"/, `"${message} %s (%s)\\n"`));
  };

  test("a rebuild after a source change uses the head start and gives the image a normal build gives", async () => {
    moduleDir = await copy("root-main");
    env = { SLIMGO_CACHE_DIR: await tempDir("slimgo-spec-cache-"), SOURCE_DATE_EPOCH: "1700000000", TMPDIR: await tempDir("slimgo-spec-tmp-") };
    const first = await build();
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.early, false, "nothing to replay on the first build");

    await setMessage("changed");
    const second = await build();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.early, true, second.stderr);
    assert.notEqual(second.digest, first.digest, "the change is in the image");

    const plain = await build([], { SLIMGO_NO_SPECULATION: "1" });
    assert.equal(plain.early, false);
    assert.equal(plain.digest, second.digest, "same image as without the head start");
  });

  test("different flags discard the head start", async () => {
    const guessed = await build(["--version", "9.9.9"]);
    assert.equal(guessed.code, 0, guessed.stderr);
    assert.equal(guessed.early, false, "the last plan had another -X main.version");
    const plain = await build(["--version", "9.9.9"], { SLIMGO_NO_SPECULATION: "1" });
    assert.equal(plain.digest, guessed.digest);
    const again = await build(["--version", "9.9.9"]);
    assert.equal(again.early, true, "the plan now has 9.9.9");
    assert.equal(again.digest, guessed.digest);
  });

  test("a compile error is reported the same way with and without the head start", async () => {
    const file = join(moduleDir, "main.go");
    const good = await readFile(file, "utf8");
    await writeFile(file, good.replace("func main() {", "func main() {\n\tundefinedThing()"));
    try {
      const early = await build(["--version", "9.9.9"]);
      const plain = await build(["--version", "9.9.9"], { SLIMGO_NO_SPECULATION: "1" });
      assert.equal(early.code, 2);
      assert.equal(plain.code, 2);
      assert.match(early.stderr, /main\.go:\d+:\d+: undefined: undefinedThing/);
      assert.equal(early.stderr.replace(/\s+$/, ""), plain.stderr.replace(/\s+$/, ""));
    } finally {
      await writeFile(file, good);
    }
  });

  test("a plan file that would run another program is not run", async () => {
    const marker = join(env.TMPDIR!, "planted-plan-ran");
    const file = planFile(moduleDir, env);
    const recorded = await readFile(file, "utf8");
    assert.match(recorded, /^slimgo go build plan 1\n/, "the earlier builds recorded a plan here");
    const [first, cwd, kept] = recorded.split("\n");
    const planted = [
      // A command where a variable should be: env would run it (touch MARKER go build OUTPUT).
      [first, cwd, kept, "/usr/bin/touch", marker, "--", "build", ""],
      // Arguments that are not a go build.
      [first, cwd, kept, "--", "run", "touch.go", ""],
    ];
    for (const lines of planted) {
      await writeFile(file, `${lines.join("\n")}\n`);
      const r = await build();
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.early, false);
      assert.equal(existsSync(marker), false, "touch did not run");
    }
  });

  test("an early go build killed by a signal is run again the usual way, and the image is right", async () => {
    const tools = await tempDir("slimgo-spec-go-");
    const killNext = join(tools, "kill-next-build");
    // Stands in for go: the next `go build` after killNext appears dies of SIGKILL, as an OOM kill would.
    const wrapper = join(tools, "go");
    await writeFile(wrapper, `#!/bin/sh\nif [ "$1" = build ] && [ -e "${killNext}" ]; then rm -f "${killNext}"; kill -KILL $$; fi\nexec go "$@"\n`, { mode: 0o755 });
    const withWrapper = { SLIMGO_GO: wrapper };
    assert.equal((await build([], withWrapper)).code, 0, "records a plan that runs the wrapper");

    await setMessage("killed early");
    await writeFile(killNext, "");
    const r = await build([], withWrapper);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(killNext), false, "the early build ran, and was killed");
    assert.equal(r.early, false, "the killed build's result is not used");
    const plain = await build([], { ...withWrapper, SLIMGO_NO_SPECULATION: "1" });
    assert.equal(r.digest, plain.digest);
  });

  test("a build that stops before compiling leaves no go build running and nothing in TMPDIR", async () => {
    const r = await build(["--platform", "plan9/amd64"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--platform plan9\/amd64/);
    // The speculative build's process group is killed at exit and its temp dir removed.
    assert.deepEqual((await readdir(env.TMPDIR!)).filter((n) => n.startsWith("slimgo-speculative-")), []);
  });

  test(`the early go build is started by ${asProgram ? "sh, before Node" : "Node"}`, async () => {
    const tools = await tempDir("slimgo-spec-parent-");
    const parents = join(tools, "parents");
    // Stands in for go, noting the program that started it.
    const wrapper = join(tools, "go");
    await writeFile(wrapper, `#!/bin/sh\n[ "$1" = build ] && cat /proc/$PPID/comm >>"${parents}"\nexec go "$@"\n`, { mode: 0o755 });
    assert.equal((await build([], { SLIMGO_GO: wrapper })).code, 0, "records a plan that runs the wrapper");
    await writeFile(parents, "");
    await setMessage("whose parent");
    const r = await build([], { SLIMGO_GO: wrapper });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.early, true, r.stderr);
    assert.deepEqual((await readFile(parents, "utf8")).trim().split("\n"), [asProgram ? "sh" : "node"]);
  });

  if (asProgram) {
    test("sh finds the plan Node recorded, from a symlinked directory and with the cache under XDG_CACHE_HOME", async () => {
      const linkDir = join(await tempDir("slimgo-spec-link-"), "app");
      await symlink(moduleDir, linkDir);
      const xdg = await tempDir("slimgo-spec-xdg-");
      const parents = join(xdg, "parents");
      const wrapper = join(xdg, "go");
      await writeFile(wrapper, `#!/bin/sh\n[ "$1" = build ] && cat /proc/$PPID/comm >>"${parents}"\nexec go "$@"\n`, { mode: 0o755 });
      // As a shell started in the link would run it: PWD names the link.
      const { SLIMGO_CACHE_DIR: _ownCache, ...withoutCacheDir } = env;
      const run = () =>
        runSlimgo(["build", ".", "--oci-layout", join(xdg, `out-${run.count++}`), "--verbose"], {
          cwd: linkDir,
          env: { ...withoutCacheDir, XDG_CACHE_HOME: xdg, PWD: linkDir, SLIMGO_GO: wrapper },
          asProgram,
        });
      run.count = 0;
      assert.equal((await run()).code, 0);
      await writeFile(parents, "");
      await setMessage("through a link");
      const r = await run();
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stderr.includes(STARTED_EARLY), r.stderr);
      assert.equal((await readFile(parents, "utf8")).trim(), "sh");
    });

    test("killed before Node has taken it over, slimgo leaves no temp dir behind once the early go build ends", { timeout: 120_000 }, async () => {
      const tools = await tempDir("slimgo-spec-early-kill-");
      const pidFile = join(tools, "slimgo.pid");
      const killNext = join(tools, "kill-slimgo-next");
      // Stands in for go: the next time, it kills slimgo (whose pid the test writes) before Node can
      // take the build over, then builds, so the build outlives it.
      const wrapper = join(tools, "go");
      await writeFile(
        wrapper,
        `#!/bin/sh\nif [ "$1" = build ] && [ -e "${killNext}" ]; then rm -f "${killNext}"; while [ ! -s "${pidFile}" ]; do :; done; kill -KILL "$(cat "${pidFile}")"; fi\nexec go "$@"\n`,
        { mode: 0o755 },
      );
      assert.equal((await build([], { SLIMGO_GO: wrapper })).code, 0, "records a plan that runs the wrapper");
      await setMessage("killed at once");
      await writeFile(killNext, "");
      const child = spawn(SLIMGO_BIN, ["build", ".", "--oci-layout", join(tools, "out")], { cwd: moduleDir, env: { ...process.env, ...env, SLIMGO_GO: wrapper }, stdio: "ignore" });
      await writeFile(pidFile, String(child.pid));
      const signal = await new Promise((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
      assert.equal(signal, "SIGKILL");
      assert.equal(existsSync(killNext), false, "the early build had started");
      const leftovers = async () => (await readdir(env.TMPDIR!)).filter((n) => n.startsWith("slimgo-speculative-"));
      for (let i = 0; i < 600 && (await leftovers()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(await leftovers(), []);
    });

    test("an early go build whose sh dies before it can report is not waited for", { timeout: 60_000 }, async () => {
      const tools = await tempDir("slimgo-spec-orphan-");
      const killNext = join(tools, "kill-parent-next");
      // Stands in for go: the next time, it kills the sh that started it, so no exit status is ever
      // written, and goes on as a long compile would.
      const wrapper = join(tools, "go");
      await writeFile(wrapper, `#!/bin/sh\nif [ "$1" = build ] && [ -e "${killNext}" ]; then rm -f "${killNext}"; kill -KILL $PPID; sleep 30; fi\nexec go "$@"\n`, { mode: 0o755 });
      assert.equal((await build([], { SLIMGO_GO: wrapper })).code, 0);
      await setMessage("orphaned");
      await writeFile(killNext, "");
      const r = await build([], { SLIMGO_GO: wrapper });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(existsSync(killNext), false, "the early build ran");
      assert.equal(r.early, false, "its result is not used");
      assert.deepEqual(await goBuildsWritingInto(env.TMPDIR!), [], "the orphaned go build was stopped");
      const plain = await build([], { SLIMGO_GO: wrapper, SLIMGO_NO_SPECULATION: "1" });
      assert.equal(r.digest, plain.digest);
    });
  }
});

/** Processes whose command line names a speculative build's output under `tmp`. */
async function goBuildsWritingInto(tmp: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(`${tmp}/slimgo-speculative-`)) found.push(cmdline.replace(/\0/g, " ").trim());
  }
  return found;
}
