/**
 * Odd module trees a user may have: the analysis gives a sensible result, or the CLI one `slimgo:`
 * line naming the file and what to do (exit 2), never an internal error or a hang.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, chown, mkdir, symlink, writeFile } from "node:fs/promises";
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

const APP = {
  "go.mod": "module example.com/app\n\ngo 1.19\n",
  "main.go": 'package main\n\nfunc main() { println("hi") }\n',
};

describe("a directory where go reads a file", () => {
  test("a directory named go.mod or go.work is not a module or workspace, as go has it", async () => {
    const root = await moduleOf({ "go.mod/README": "not a go.mod\n", "main.go": APP["main.go"] });
    await assert.rejects(analyze(root, { engine: "scanner" }), { name: "SlimgoError", message: /^no go\.mod in .* or its parents: run slimgo in a Go module$/ });
    const withWork = await moduleOf({ ...APP, "go.work/README": "not a go.work\n" });
    assert.equal((await analyze(withWork, { engine: "scanner" })).goWork, undefined);
  });

  test("a directory named go.sum, Makefile or .goreleaser.yml is left alone, as go build leaves it", async () => {
    const root = await moduleOf({ ...APP, "go.sum/x": "", "Makefile/x": "", ".goreleaser.yml/x": "" });
    assert.equal((await analyze(root, { engine: "scanner" })).primary?.dir, ".");
  });

  test("a directory named vendor/modules.txt is one clear error, as go stops on it too", async () => {
    const root = await moduleOf({ ...APP, "vendor/modules.txt/x": "" });
    await assert.rejects(analyze(root, { engine: "scanner" }), {
      name: "SlimgoError",
      message: "vendor/modules.txt: is a directory, not a file, and go stops reading it too: remove it and run go mod vendor",
    });
  });
});

describe("symbolic links to Go files", () => {
  test("a main.go that links to a file is in the build, as go reads it; a dangling one is left to go build", async () => {
    const root = await moduleOf({ "go.mod": APP["go.mod"], "src/main.txt": APP["main.go"] });
    await symlink("src/main.txt", join(root, "main.go"));
    await symlink("nowhere.go", join(root, "dangling.go"));
    const a = await analyze(root, { engine: "scanner" });
    assert.equal(a.primary?.evidence.file, "main.go");
  });
});

describe("unreadable parts of the module (run as nobody: root reads everything)", { skip: process.getuid?.() !== 0 && "needs root to switch to nobody" }, () => {
  const nobody = { uid: 65534, gid: 65534 };

  async function nobodysModule(files: Record<string, string>): Promise<string> {
    const root = await moduleOf(files);
    for (const dir of [root, join(root, "cache")]) {
      await mkdir(dir, { recursive: true });
      await chown(dir, nobody.uid, nobody.gid);
    }
    return root;
  }

  test("a directory nobody can read is left out with a warning, and build goes on as go build . does", async () => {
    const root = await nobodysModule({ ...APP, "secret/secret.go": "package secret\n" });
    await chmod(join(root, "secret"), 0o000);
    const env = { HOME: root, GOCACHE: join(root, "cache", "go"), SLIMGO_CACHE_DIR: join(root, "cache") };
    const init = await runSlimgo(["init", "--dry-run", "--engine", "scanner"], { cwd: root, env, user: nobody });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, /^warning: cannot read secret\/ \(EACCES\): its packages are left out of the analysis$/m);
    const build = await runSlimgo(["build", "--oci-layout", join(root, "cache", "oci")], { cwd: root, env, user: nobody });
    assert.equal(build.code, 0, build.stderr);
  });

  test("a Go file nobody can read is one clear error naming it", async () => {
    const root = await nobodysModule({ ...APP, "locked.go": "package main\n" });
    await chmod(join(root, "locked.go"), 0o000);
    const r = await runSlimgo(["init", "--dry-run", "--engine", "scanner"], { cwd: root, env: { HOME: root, SLIMGO_CACHE_DIR: join(root, "cache") }, user: nobody });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), "slimgo: locked.go: cannot read it (EACCES), and go cannot either: make it readable");
  });
});
