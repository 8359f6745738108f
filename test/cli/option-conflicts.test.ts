/**
 * Options that cannot both be honoured are usage errors (exit 2) naming both, before any work:
 * one of them used to be dropped without a word.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";

const fixture = moduleCopies();
const temp = tempDirs();

async function refused(args: string[], message: RegExp, cwd?: string): Promise<void> {
  const r = await runSlimgo(args, { cwd });
  const what = `slimgo ${args.join(" ")}`;
  assert.equal(r.code, 2, `${what}:\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, message, what);
  assert.doesNotMatch(r.stderr, /internal error|compiling|analysed/, `${what}: refused before any work`);
}

test("init: --stdout, --dry-run and --diff are each their own output, and --main, --shell have no effect beside --all, --runtime", async () => {
  const dir = await fixture("multi-cmd");
  const both = (a: string, b: string) => new RegExp(`^slimgo: option '${a}' cannot be used with option '${b}'$`, "m");
  await refused(["init", "--diff", "--stdout", dir], both("--stdout", "--diff"));
  await refused(["init", "--stdout", "--dry-run", dir], both("--stdout", "--dry-run"));
  await refused(["init", "--stdout", "--json", dir], both("--stdout", "--json"));
  await refused(["init", "--dry-run", "--diff", dir], both("--dry-run", "--diff"));
  await refused(["init", "--all", "--main", "./cmd/api", dir], both("--main <pkg>", "--all"));
  await refused(["init", "--runtime", "distroless", "--shell", dir], both("--shell", "--runtime <name>"));
  assert.deepEqual((await readdir(dir)).filter((f) => /Dockerfile|dockerignore|compose|bake/.test(f)), [], "nothing written");

  // Still fine: --json renders --dry-run and --diff.
  const json = await runSlimgo(["init", "--json", "--dry-run", "--main", "./cmd/api", dir]);
  assert.equal(json.code, 0, json.stderr);
});

test("lint: --json beside --format, and --dry-run without --fix", async () => {
  const dir = await temp.make("slimgo-conflicts-lint-");
  await refused(["lint", "--json", "--format", "sarif", "Dockerfile"], /^slimgo: option '--format <format>' cannot be used with option '--json'$/m, dir);
  await refused(["lint", "--dry-run", "Dockerfile"], /^slimgo: option '--dry-run' cannot be used without option '--fix': slimgo lint --fix --dry-run shows the fixes as a diff$/m, dir);
});

test("verify: --json beside --format", async () => {
  await refused(["verify", "--format", "sarif", "--json", "oci:/nonexistent"], /^slimgo: option '--format <format>' cannot be used with option '--json'$/m);
});

test("build: --quiet beside --verbose; the other commands have no --verbose, which changed nothing there", async () => {
  await refused(["build", "-q", "--verbose", "x"], /^slimgo: option '-q, --quiet' cannot be used with option '--verbose'$/m);
  for (const command of ["init", "lint", "inspect", "verify"]) {
    await refused([command, "--verbose", "x"], /^slimgo: unknown option '--verbose'$/m);
  }
});

test("build: --all beside main package directories, and --name without a local output", async () => {
  const dir = await fixture("multi-cmd");
  const layout = join(await temp.make("slimgo-conflicts-build-"), "out");
  await refused(["build", "--all", "./cmd/api", "--oci-layout", layout], /^slimgo: option '--all' cannot be used with main package directories \(\.\/cmd\/api\): --all builds every main package of the module; give the module directory, or drop --all$/m, dir);
  await refused(["build", "./cmd/api", "--name", "api", "--push", "127.0.0.1:9/acme/api"], /^slimgo: option '--name api' names the image in --tarball, --oci-layout and --load, and none is given: --push names the pushed image$/m, dir);
  await refused(["build", "./cmd/api", "--name", "api"], /^slimgo: option '--name api' names the image in --tarball, --oci-layout and --load, and none is given$/m, dir);
});
