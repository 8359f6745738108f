import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

// slimgo build starts the last build's go build before it has loaded (src/build/speculation.ts).
// Whatever it guessed, the image must be the one a build without the head start gives.

const copy = moduleCopies();
const temp = tempDirs();
const tempDir = temp.make;

const STARTED_EARLY = "started with slimgo, from the last build's plan";

describe("slimgo build's early go build", { skip: skipUnless("go") }, () => {
  let moduleDir: string;
  let env: Record<string, string>;
  let run = 0;

  const build = async (extra: string[] = [], extraEnv: Record<string, string> = {}) => {
    const out = join(moduleDir, "..", `${moduleDir.split("/").pop()}-out-${run++}`);
    temp.track(out);
    const r = await runSlimgo(["build", ".", "--oci-layout", out, "--json", "--verbose", ...extra], { cwd: moduleDir, env: { ...env, ...extraEnv } });
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

  test("a plan file that names another program is not run", async () => {
    const marker = join(env.TMPDIR!, "planted-plan-ran");
    const planDir = join(env.SLIMGO_CACHE_DIR!, "go-build-plans");
    const planFile = join(planDir, `${createHash("sha256").update(moduleDir).digest("hex").slice(0, 32)}.json`);
    assert.ok(existsSync(planFile), "the earlier builds recorded a plan here");
    await writeFile(planFile, JSON.stringify({ go: "/usr/bin/touch", cwd: moduleDir, args: ["build", marker, "\0output"], env: {} }));
    const r = await build();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.early, false);
    assert.equal(existsSync(marker), false, "touch did not run");
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
});
