/**
 * The version, commit, time and source slimgo stamps into binaries and labels, read from a real
 * git repository; and that a second lookup in the same process (a watch rebuild) sees every move
 * of HEAD although it runs fewer git commands.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readVersionInfo } from "../../src/build/version-info.js";
import { copyModule, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();

async function repo(): Promise<{ dir: string; git: (...args: string[]) => string }> {
  const dir = await temp.make("slimgo-version-");
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      encoding: "utf8",
      env: { ...process.env, GIT_COMMITTER_DATE: "2024-05-01T10:00:00Z", GIT_AUTHOR_DATE: "2024-05-01T10:00:00Z" },
    }).trim();
  git("init", "-q");
  await writeFile(join(dir, "main.go"), "package main\n");
  git("add", ".");
  git("commit", "-qm", "first");
  return { dir, git };
}

const noEpoch = { ...process.env, SOURCE_DATE_EPOCH: undefined };

describe("version info from git", { skip: skipUnless("git") }, () => {
  test("tag, commit, commit time and origin, without the origin's credentials", async () => {
    const { dir, git } = await repo();
    git("tag", "v1.2.3");
    git("remote", "add", "origin", "https://user:secret@git.example.com/team/svc.git");
    const info = await readVersionInfo(dir, undefined, noEpoch);
    assert.equal(info.version, "v1.2.3");
    assert.equal(info.commit, git("rev-parse", "HEAD"));
    assert.equal(info.created, "2024-05-01T10:00:00Z");
    assert.equal(info.source, "https://git.example.com/team/svc");
    assert.equal((await readVersionInfo(dir, undefined, { ...noEpoch, SOURCE_DATE_EPOCH: "1700000000" })).created, "2023-11-14T22:13:20Z");
  });

  test("a later lookup sees an edit, a new commit and a new remote after a commit", async () => {
    const { dir, git } = await repo();
    const first = await readVersionInfo(dir, undefined, noEpoch);
    assert.equal(first.version, git("rev-parse", "--short", "HEAD"));

    await writeFile(join(dir, "main.go"), "package main\n\nfunc main() {}\n");
    const edited = await readVersionInfo(dir, undefined, noEpoch);
    assert.equal(edited.version, `${first.version}-dirty`);
    assert.equal(edited.commit, first.commit);

    git("remote", "add", "origin", "git@git.example.com:team/svc.git");
    git("commit", "-qam", "second");
    const committed = await readVersionInfo(dir, undefined, noEpoch);
    assert.equal(committed.commit, git("rev-parse", "HEAD"));
    assert.notEqual(committed.commit, first.commit);
    assert.equal(committed.version, git("rev-parse", "--short", "HEAD"));
    assert.equal(committed.source, "https://git.example.com/team/svc");

    git("tag", "v2.0.0");
    assert.equal((await readVersionInfo(dir, undefined, noEpoch)).version, "v2.0.0");
  });

  test("with --version, a new commit is still seen", async () => {
    const { dir, git } = await repo();
    const first = await readVersionInfo(dir, "1.0.0", noEpoch);
    assert.equal(first.version, "1.0.0");
    git("commit", "-q", "--allow-empty", "-m", "second");
    const second = await readVersionInfo(dir, "1.0.0", noEpoch);
    assert.equal(second.commit, git("rev-parse", "HEAD"));
    assert.notEqual(second.commit, first.commit);
  });

  test("outside git: version dev, commit unknown, created at the epoch", async () => {
    const dir = await temp.make("slimgo-version-nogit-");
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await readVersionInfo(dir, undefined, noEpoch), { version: "dev", commit: "unknown", created: "1970-01-01T00:00:00Z" });
    }
  });

  test("a module in a subdirectory of the repository, and a repository named by GIT_DIR, are read", async () => {
    const { dir, git } = await repo();
    const sub = join(dir, "services", "api");
    await mkdir(sub, { recursive: true });
    assert.equal((await readVersionInfo(sub, undefined, noEpoch)).commit, git("rev-parse", "HEAD"));

    const elsewhere = await temp.make("slimgo-version-gitdir-");
    const viaGitDir = await readVersionInfo(elsewhere, "1.0.0", { ...noEpoch, GIT_DIR: join(dir, ".git") });
    assert.equal(viaGitDir.commit, git("rev-parse", "HEAD"));
    assert.equal(viaGitDir.created, "2024-05-01T10:00:00Z");
  });

  test("a module in a subdirectory is versioned by its own tags (services/api/v1.2.0), not by another module's, else by the repository's", async () => {
    const { dir, git } = await repo();
    const api = join(dir, "services", "api");
    const web = join(dir, "services", "web");
    await mkdir(api, { recursive: true });
    await mkdir(web, { recursive: true });
    await mkdir(join(dir, "backend"));
    git("tag", "v0.9.0");
    git("commit", "-q", "--allow-empty", "-m", "api");
    git("tag", "services/api/v1.2.0");
    git("commit", "-q", "--allow-empty", "-m", "web");
    git("tag", "services/web/v2.0.0");
    const short = git("rev-parse", "--short", "HEAD");
    assert.equal((await readVersionInfo(api, undefined, noEpoch)).version, `v1.2.0-1-g${short}`);
    assert.equal((await readVersionInfo(web, undefined, noEpoch)).version, "v2.0.0");
    assert.equal((await readVersionInfo(join(dir, "backend"), undefined, noEpoch)).version, `v0.9.0-2-g${short}`, "no tag of its own: the repository's, not services/web's");
    assert.equal((await readVersionInfo(dir, undefined, noEpoch)).version, `v0.9.0-2-g${short}`, "the module at the top: neither submodule's tag");
    await writeFile(join(dir, "main.go"), "package main\n\nfunc main() {}\n");
    assert.equal((await readVersionInfo(api, undefined, noEpoch)).version, `v1.2.0-1-g${short}-dirty`);
  });

  test("a repository another user owns (CI containers): slimgo build stops before compiling and names both ways out, which then work", { skip: process.getuid?.() !== 0 ? "needs root to give the repository to another user" : skipUnless("go") }, async () => {
    const dir = await copyModule("cli-tool");
    temp.track(dir);
    const git = (...args: string[]) => execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" }).trim();
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "first");
    git("tag", "v2.0.0");
    execFileSync("chown", ["-R", "4321:4321", dir]);
    const layout = join(await temp.make("slimgo-version-layout-"), "layout");
    const noSpeculation = { SLIMGO_NO_SPECULATION: "1", GOFLAGS: "" };

    const refused = await runSlimgo(["build", ".", "--oci-layout", layout], { cwd: dir, env: noSpeculation });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`git refuses to read the repository at ${dir}: another user owns it .*git config --global --add safe\\.directory ${dir}, or build without VCS stamping \\(GOFLAGS=-buildvcs=false`));
    assert.doesNotMatch(refused.stderr, /compiling/);
    assert.equal(existsSync(layout), false);

    const withoutVcs = await runSlimgo(["build", ".", "--oci-layout", layout, "--version", "2.0.0", "--json", "-q"], { cwd: dir, env: { ...noSpeculation, GOFLAGS: "-buildvcs=false" } });
    assert.equal(withoutVcs.code, 0, withoutVcs.stderr);
    assert.equal(JSON.parse(withoutVcs.stdout).version.version, "2.0.0");

    // safe.directory given through git's environment, not the machine's ~/.gitconfig.
    const trusted = await runSlimgo(["build", ".", "--oci-layout", layout, "--json", "-q"], { cwd: dir, env: { ...noSpeculation, GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "safe.directory", GIT_CONFIG_VALUE_0: dir } });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(JSON.parse(trusted.stdout).version.version, "v2.0.0");
  });
});
