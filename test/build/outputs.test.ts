/**
 * Where `slimgo build` writes on this machine (--oci-layout, --tarball, --sbom-dir): a destination
 * that cannot be written is a usage error before anything is compiled, missing parent directories
 * are created for every output alike, and a write that fails anyway names the option and path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { destinationsFor } from "../../src/publish/index.js";
import { emptyImage } from "../../src/image/mutate.js";
import { SlimgoError } from "../../src/errors.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();

test("a destination that cannot be written is refused before compiling, naming the option and path", async () => {
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-outputs-");
  await writeFile(join(out, "file"), "not a directory\n");
  await mkdir(join(out, "dir"));
  await mkdir(join(out, "other"));
  await writeFile(join(out, "other", "notes.txt"), "someone's files\n");
  const cases: [string[], RegExp][] = [
    [["--tarball", join(out, "file", "x.tar")], /^slimgo: --tarball \S+\/file\/x\.tar: \S+\/file is a file, so no directory can be made there/m],
    [["--tarball", join(out, "dir")], /^slimgo: --tarball \S+\/dir: is a directory: give a file name/m],
    [["--sbom-dir", join(out, "file")], /^slimgo: --sbom-dir \S+\/file: is a file: give a directory/m],
    [["--oci-layout", join(out, "file", "layout")], /^slimgo: --oci-layout \S+\/file\/layout: \S+\/file is a file/m],
    [["--oci-layout", join(out, "other")], /^slimgo: --oci-layout \S+\/other: is a non-empty directory that is not an OCI layout/m],
    [["--oci-layout", join(out, "same"), "--sbom-dir", join(out, "same")], /^slimgo: --oci-layout and --sbom-dir are both \S+\/same: give each its own path/m],
    // The layout is fine; the tarball is not: nothing may be published before the failure.
    [["--oci-layout", join(out, "layout"), "--tarball", join(out, "file", "x.tar")], /^slimgo: --tarball \S+\/file\/x\.tar: /m],
  ];
  for (const [args, message] of cases) {
    const r = await runSlimgo(["build", dir, ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}:\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.doesNotMatch(r.stderr, /internal error|compiling/, `${args.join(" ")}: refused before the compile`);
  }
  assert.deepEqual((await readdir(out)).sort(), ["dir", "file", "other"], "nothing was written");
});

test("an output in a directory the user cannot write is refused before compiling", async () => {
  // Root writes through permission bits: the CLI runs as nobody there.
  const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-outputs-ro-");
  await mkdir(join(out, "layout", "blobs", "sha256"), { recursive: true });
  await writeFile(join(out, "layout", "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(out, "layout", "index.json"), '{"schemaVersion":2,"manifests":[]}');
  await mkdir(join(out, "readonly"));
  await Promise.all([dir, out].map((d) => chmod(d, 0o755)));
  // The layout is writable by anyone; only its blobs directory is not.
  await Promise.all([join(out, "layout"), join(out, "layout", "blobs")].map((d) => chmod(d, 0o777)));
  await Promise.all([join(out, "readonly"), join(out, "layout", "blobs", "sha256")].map((d) => chmod(d, 0o555)));
  const env = { SLIMGO_CACHE_DIR: join(out, "cache"), GOCACHE: join(out, "gocache") };
  for (const [option, path, where] of [
    ["--tarball", join(out, "readonly", "x.tar"), join(out, "readonly")],
    ["--oci-layout", join(out, "readonly", "layout"), join(out, "readonly")],
    ["--sbom-dir", join(out, "readonly", "sboms"), join(out, "readonly")],
    ["--oci-layout", join(out, "layout"), join(out, "layout", "blobs", "sha256")],
  ] as const) {
    const r = await runSlimgo(["build", dir, option, path], { env, ...(user ? { user } : {}) });
    assert.equal(r.code, 2, `${option} ${path}:\n${r.stderr}`);
    assert.ok(r.stderr.includes(`slimgo: ${option} ${path}: `), r.stderr);
    assert.ok(r.stderr.includes(`cannot write in ${where}: permission denied (EACCES)`), r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|compiling/);
  }
});

test("missing parent directories are created for the layout, the tarball and the SBOMs alike", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-outputs-new-");
  const [layout, tarball, sboms] = [join(out, "a", "layout"), join(out, "b", "c", "image.tar"), join(out, "d", "e", "sboms")];
  const r = await runSlimgo(["build", dir, "--oci-layout", layout, "--tarball", tarball, "--sbom-dir", sboms], { env: { SLIMGO_CACHE_DIR: join(out, "cache") } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^oci:.*\n^docker-archive:.*image\.tar@sha256:/m);
  assert.ok(existsSync(join(layout, "index.json")));
  assert.ok(existsSync(tarball));
  assert.equal((await readdir(sboms)).length, 1);
});

test("a write that fails after the checks is an error naming the option and path", async () => {
  const out = await temp.make("slimgo-outputs-late-");
  await writeFile(join(out, "file"), "in the way\n");
  const path = join(out, "file", "x.tar");
  const [tarball] = await destinationsFor({ tarball: path });
  const failed = await tarball!.for("app", false).publish(emptyImage({ os: "linux", architecture: "amd64" }), "localhost/app", ["latest"]).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(failed instanceof SlimgoError, `a user error, not an internal one: ${String(failed)}`);
  assert.equal(failed.exitCode, 2);
  assert.match(failed.message, new RegExp(`^--tarball ${path}: could not be written \\(EEXIST: file already exists, mkdir `));
});

/** Mounts `dir` on itself (a bind mount), to be made read-only later; false where mounting is not allowed (not root). */
function bindMount(dir: string): boolean {
  try {
    execFileSync("mount", ["--bind", dir, dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("a file system that turns read-only after the checks is named as read-only (EROFS) for every output, not as a missing directory", { skip: skipUnless("go") }, async (t) => {
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-outputs-rofs-");
  const target = join(out, "target");
  await mkdir(target);
  if (!bindMount(target)) return t.skip("cannot bind-mount here (needs root)");
  try {
    // The checks pass, then the go that compiles makes the file system read-only.
    const go = join(out, "go");
    await writeFile(go, `#!/bin/sh\nif [ "$1" = build ]; then mount -o remount,bind,ro "${target}" || exit 99; fi\nexec go "$@"\n`, { mode: 0o755 });
    const env = { SLIMGO_GO: go, SLIMGO_NO_SPECULATION: "1", SLIMGO_CACHE_DIR: join(out, "cache") };
    for (const [option, path] of [
      ["--tarball", join(target, "sub", "x.tar")],
      ["--oci-layout", join(target, "sub", "layout")],
      ["--sbom-dir", join(target, "sub", "sboms")],
    ] as const) {
      execFileSync("mount", ["-o", "remount,bind,rw", target]);
      const r = await runSlimgo(["build", dir, option, path, ...(option === "--sbom-dir" ? ["--oci-layout", join(out, "layout")] : [])], { env });
      assert.equal(r.code, 2, `${option}:\n${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^slimgo: ${option} ${path}: could not be written \\(EROFS: read-only file system, mkdir `, "m"), r.stderr);
      assert.doesNotMatch(r.stderr, /ENOENT|internal error/);
    }
  } finally {
    execFileSync("umount", [target]);
  }
});
