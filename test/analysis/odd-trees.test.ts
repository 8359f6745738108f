/**
 * Odd module trees a user may have: the analysis gives a sensible result, or the CLI one `slimgo:`
 * line naming the file and what to do (exit 2), never an internal error or a hang.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { analyze } from "../../src/analysis/index.js";
import { runSlimgo } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";

const temps = tempDirs();
let cacheDir: string;
before(async () => {
  cacheDir = await temps.make("slimgo-cache-");
  process.env.SLIMGO_CACHE_DIR = cacheDir;
});

async function moduleOf(files: Record<string, string>): Promise<string> {
  const root = await temps.make("slimgo-odd-");
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
  return root;
}

const VENDORED_APP = {
  "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v1.0.0\n",
  "main.go": 'package main\n\nimport "example.com/lib"\n\nfunc main() { lib.Hello() }\n',
  "vendor/modules.txt": "# example.com/lib v1.0.0\n## explicit\nexample.com/lib\n",
};

describe("vendor/modules.txt lists a package whose directory is missing", () => {
  test("the scanner finds the program, as go list does, and counts the package as not on disk", async () => {
    const extras: Record<string, string>[] = [{}, { "vendor/example.com/README": "only part of vendor/ was copied\n" }, { "vendor/example.com/lib": "a file, not a directory\n" }];
    for (const extra of extras) {
      const root = await moduleOf({ ...VENDORED_APP, ...extra });
      const a = await analyze(root, { engine: "scanner" });
      assert.equal(a.primary?.importPath, "example.com/app", JSON.stringify(extra));
      assert.equal(a.vendored, true);
    }
  });

  test("slimgo build stops with go's own error naming the import, not an internal error", async () => {
    const root = await moduleOf(VENDORED_APP);
    const r = await runSlimgo(["build", "--oci-layout", join(root, "oci")], { cwd: root, env: { SLIMGO_CACHE_DIR: cacheDir } });
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|ENOENT/);
    assert.match(r.stderr, /^slimgo: go build of \. for linux\/\w+ failed:\s+main\.go:3:8: cannot find package "\." in:\s+\S+vendor\/example\.com\/lib$/m);
  });

  test("slimgo lint runs the Go-aware rules instead of skipping them with scandir's error", async () => {
    const root = await moduleOf({ ...VENDORED_APP, Dockerfile: 'FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT ["/app"]\n' });
    const r = await runSlimgo(["lint"], { cwd: root, env: { SLIMGO_CACHE_DIR: cacheDir } });
    assert.doesNotMatch(r.stderr, /ENOENT|scandir|rules that need the module are skipped/);
  });
});
