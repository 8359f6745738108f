/**
 * slimgo build starts go build from the program's last binary (src/build/go-output-cache.ts), so
 * that go does not link again when nothing changed. Whatever is kept, the image must be the one a
 * build with an empty cache gives.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const copy = moduleCopies();
const temp = tempDirs();
const UP_TO_DATE = "up to date, not linked again";

describe("slimgo build and the last binary of each program", { skip: skipUnless("go") }, () => {
  const build = async (moduleDir: string, cache: string, extraEnv: Record<string, string> = {}, extra: string[] = [], asProgram = false) => {
    const out = join(await temp.make("slimgo-gobin-out-"), "layout");
    const r = await runSlimgo(["build", ".", "--oci-layout", out, "--json", "--verbose", ...extra], {
      cwd: moduleDir,
      env: { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_CACHE_DIR: cache, ...extraEnv },
      asProgram,
    });
    assert.equal(r.code, 0, r.stderr);
    return { digest: (JSON.parse(r.stdout) as { programs: { digest: string }[] }).programs[0]!.digest, upToDate: r.stderr.includes(UP_TO_DATE), stderr: r.stderr };
  };

  for (const [name, env, asProgram] of [
    ["with the early go build Node starts", {}, false],
    ["with the early go build sh starts", {}, true],
    ["without it", { SLIMGO_NO_SPECULATION: "1" }, false],
  ] as const) {
    test(`${name}: unchanged source is not linked again, a change is, and the images are a clean build's`, async () => {
      const moduleDir = await copy("root-main");
      const cache = await temp.make("slimgo-gobin-cache-");
      const first = await build(moduleDir, cache, env, [], asProgram);
      assert.equal(first.upToDate, false, "nothing kept yet");

      const again = await build(moduleDir, cache, env, [], asProgram);
      assert.equal(again.upToDate, true, again.stderr);
      assert.equal(again.digest, first.digest);

      const main = join(moduleDir, "main.go");
      await writeFile(main, (await readFile(main, "utf8")).replace('"rootmain %s (%s)\\n"', '"rootmain, changed %s (%s)\\n"'));
      const changed = await build(moduleDir, cache, env, [], asProgram);
      assert.equal(changed.upToDate, false, "a change links again");
      assert.notEqual(changed.digest, first.digest);
      assert.equal(changed.digest, (await build(moduleDir, await temp.make("slimgo-gobin-empty-"), env)).digest);

      const otherFlags = await build(moduleDir, cache, env, ["--version", "9.9.9"], asProgram);
      assert.equal(otherFlags.upToDate, false, "another -X value links again");
      assert.equal(otherFlags.digest, (await build(moduleDir, await temp.make("slimgo-gobin-empty-"), env, ["--version", "9.9.9"])).digest);
    });
  }

  test("a kept binary that is not a Go binary any more is replaced, and the image is right", async () => {
    const moduleDir = await copy("root-main");
    const cache = await temp.make("slimgo-gobin-cache-");
    const first = await build(moduleDir, cache, { SLIMGO_NO_SPECULATION: "1" });
    const kept = join(cache, "go-binaries");
    const files = await readdir(kept);
    assert.equal(files.length, 1, "one binary kept for the one program");
    await writeFile(join(kept, files[0]!), "#!/bin/sh\necho not go\n");
    const rebuilt = await build(moduleDir, cache, { SLIMGO_NO_SPECULATION: "1" });
    assert.equal(rebuilt.upToDate, false);
    assert.equal(rebuilt.digest, first.digest);
  });
});
