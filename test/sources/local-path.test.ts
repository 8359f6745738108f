/** Images named by a plain path, as `slimgo build --tarball` and `--oci-layout` write them, open without a transport prefix. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeDockerArchive, writeOciArchive, writeOciLayout } from "../../src/transports/index.js";
import { runSlimgo } from "../support/cli.js";
import { busyboxImage } from "../transports/fixture.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-local-path-"));
after(() => rmSync(work, { recursive: true, force: true }));
let digest: string;
let layers: string[];

async function inspectJson(image: string, cwd = work): Promise<{ digest: string; mediaType: string; images: { layers: { digest: string }[] }[] }> {
  const r = await runSlimgo(["inspect", image, "--json"], { cwd });
  assert.equal(r.code, 0, `${image}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function inspectDigest(image: string, cwd = work): Promise<string> {
  return (await inspectJson(image, cwd)).digest;
}

describe("an image given as a path", () => {
  before(async () => {
    const image = await busyboxImage(join(work, "blobs"));
    digest = image.digest;
    layers = image.manifest.layers.map((l) => l.digest);
    await writeOciLayout(join(work, "out"), image, { ref: "app" });
    await writeOciArchive(join(work, "oci.tar"), image, { ref: "app" });
    await writeDockerArchive(join(work, "docker.tar"), image, { ref: "app" });
    // What an older `docker save` writes: manifest.json and no OCI layout beside it.
    mkdirSync(join(work, "saved"));
    execFileSync("tar", ["-xf", join(work, "docker.tar"), "-C", join(work, "saved")]);
    execFileSync("tar", ["-cf", join(work, "saved.tar"), "-C", join(work, "saved"), "manifest.json", "blobs"]);
    mkdirSync(join(work, "not-a-layout"));
    // What `skopeo copy ... dir:DIR` and `podman save --format docker-dir` write: a version file, manifest.json, blobs by hex digest.
    mkdirSync(join(work, "skopeo-dir"));
    writeFileSync(join(work, "skopeo-dir", "version"), "Directory Transport Version: 1.1\n");
    writeFileSync(join(work, "skopeo-dir", "manifest.json"), "{}");
    writeFileSync(join(work, "notes.txt.tar"), "not a tar file at all, only text, and longer than nothing".repeat(20));
  });

  test("a layout directory, an OCI archive, slimgo's tarball and a docker save tarball all open as the image they hold", async () => {
    assert.equal(await inspectDigest(join(work, "out")), digest, "absolute path of a layout");
    assert.equal(await inspectDigest("./out"), digest, "relative path of a layout");
    assert.equal(await inspectDigest("out"), digest, "bare name of a layout on disk");
    assert.equal(await inspectDigest(join(work, "oci.tar")), digest);
    assert.equal(await inspectDigest("docker.tar"), digest, "slimgo's tarball, named as build --tarball took it");
    // Without index.json the manifest is not in the archive: slimgo writes one of Docker's kind for the same layers.
    const saved = await inspectJson("../saved.tar", join(work, "out"));
    assert.equal(saved.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
    assert.deepEqual(saved.images[0]!.layers.map((l) => l.digest), layers, "docker save output without index.json");
    const verify = await runSlimgo(["verify", "docker.tar"], { cwd: work });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^docker\.tar \(linux\/amd64\)/);
  });

  test("a path that is not an image is a one-line usage error naming it", async () => {
    const cases: [string, RegExp][] = [
      ["./not-a-layout", /not-a-layout is a directory but not an OCI layout \(it has no oci-layout file\)/],
      ["./missing.tar", /\.\/missing\.tar: no such file or directory/],
      ["./notes.txt.tar", /notes\.txt\.tar/],
      ["./skopeo-dir", /^slimgo: dir:\.\/skopeo-dir: skopeo's dir: format .* is not read by slimgo; copy it to an OCI layout with `skopeo copy dir:\.\/skopeo-dir oci:\.\/skopeo-dir-oci` and give oci:\.\/skopeo-dir-oci\n$/],
      ["skopeo-dir", /^slimgo: dir:skopeo-dir: .*skopeo copy dir:skopeo-dir oci:skopeo-dir-oci/],
      ["dir:skopeo-dir", /^slimgo: dir:skopeo-dir: .*skopeo copy dir:skopeo-dir oci:skopeo-dir-oci/],
    ];
    for (const [path, message] of cases) {
      const r = await runSlimgo(["verify", path], { cwd: work });
      assert.equal(r.code, 2, `${path}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
  });
});
