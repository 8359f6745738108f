/** podman:NAME and docker:NAME: read through the engine's `save` into a temp file, named in errors as the user named them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runSlimgo } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";
import { rawTar } from "../tar/raw-tar.js";

const temp = tempDirs();

test("an archive `podman save` wrote that cannot be read is named podman:NAME, not the temp file it was saved to", async () => {
  const work = await temp.make("slimgo-local-cli-");
  // A stand-in for podman: `save --format docker-archive -o FILE NAME` writes an archive whose config lists one layer more than manifest.json.
  const config = JSON.stringify({ architecture: "amd64", os: "linux", config: {}, rootfs: { type: "layers", diff_ids: [`sha256:${"a".repeat(64)}`] } });
  const archive = join(work, "canned.tar");
  writeFileSync(archive, rawTar([{ name: "config.json", data: config }, { name: "manifest.json", data: JSON.stringify([{ Config: "config.json", RepoTags: ["localhost/app:latest"], Layers: [] }]) }]));
  const bin = join(work, "bin");
  await import("node:fs/promises").then((fs) => fs.mkdir(bin));
  writeFileSync(join(bin, "podman"), `#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ "$1" = -o ]; then cp ${archive} "$2"; fi; shift; done\n`);
  chmodSync(join(bin, "podman"), 0o755);
  for (const command of ["inspect", "verify"]) {
    const result = await runSlimgo([command, "-q", "podman:localhost/app"], { env: { PATH: `${bin}:${process.env.PATH ?? ""}` } });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim(), "slimgo: podman:localhost/app: manifest.json lists 0 layers but the config has 1 diff_ids");
  }
});

test("localhost/NAME, as podman images lists a local image, is a registry reference; its error says to give podman:localhost/NAME", async () => {
  for (const typed of ["localhost/slimgo-no-such-image:1", "docker://localhost/slimgo-no-such-image:1"]) {
    const result = await runSlimgo(["inspect", "-q", typed]);
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^slimgo: localhost: .* \(for the image podman lists as localhost\/slimgo-no-such-image:1, give podman:localhost\/slimgo-no-such-image:1\)$/);
  }
  // A registry with a port is one someone runs: no hint.
  const withPort = await runSlimgo(["inspect", "-q", "localhost:1/app:1"]);
  assert.equal(withPort.code, 2, withPort.stderr);
  assert.doesNotMatch(withPort.stderr, /podman:/);
});

test("a podman save that fails for the image's own sake says podman's error, without blaming the name", async () => {
  const work = await temp.make("slimgo-local-cli-");
  const bin = join(work, "bin");
  await import("node:fs/promises").then((fs) => fs.mkdir(bin));
  // What podman 4.3 says saving an image whose layer holds a PAX sparse file (GNU tar --sparse --format=posix, imported).
  writeFileSync(join(bin, "podman"), `#!/bin/sh\necho 'Copying blob sha256:51588e74d5de' >&2\necho 'Error: writing blob: archive/tar: write too long' >&2\nexit 125\n`);
  chmodSync(join(bin, "podman"), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH ?? ""}` };
  const failed = await runSlimgo(["inspect", "-q", "podman:localhost/sparse"], { env });
  assert.equal(failed.code, 2, failed.stderr);
  assert.equal(failed.stderr.trim(), "slimgo: podman save failed: Error: writing blob: archive/tar: write too long");
  writeFileSync(join(bin, "podman"), `#!/bin/sh\necho 'Error: localhost/nope: image not known' >&2\nexit 125\n`);
  const unknown = await runSlimgo(["inspect", "-q", "podman:localhost/nope"], { env });
  assert.equal(unknown.stderr.trim(), "slimgo: podman save failed: Error: localhost/nope: image not known; check the image name with `podman images`");
});
