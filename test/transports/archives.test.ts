import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeDockerArchive, readDockerArchive } from "../../src/transports/docker-archive.js";
import { writeOciArchive, readOciArchive } from "../../src/transports/oci-archive.js";
import { writeOciLayout } from "../../src/transports/oci-layout.js";
import { computeFilesystem } from "../../src/image/filesystem.js";
import { isImageIndex, type Image } from "../../src/image/types.js";
import { walkLayer } from "../../src/tar/read.js";
import { indexTarFile } from "../../src/tar/file-index.js";
import { SlimgoError } from "../../src/errors.js";
import { skipContainers, skipUnless } from "../support/tools.js";
import { podman, runTool, ULIMIT_FLAGS } from "../support/podman.js";
import { rawTar } from "../tar/raw-tar.js";
import { sha256, writeRawLayout } from "../inspect/raw-layout.js";
import { readOciLayout } from "../../src/transports/oci-layout.js";
import { busyboxImage, HELLO } from "./fixture.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-archives-"));
const blobs = join(work, "blobs");
const loaded: string[] = [];
const suffix = `${process.pid}`;
after(async () => {
  if (loaded.length > 0) await podman(["rmi", "--force", ...loaded], { allowFailure: true });
  rmSync(work, { recursive: true, force: true });
});

async function loadAndRun(file: string, name: string): Promise<string> {
  const load = await podman(["load", "-i", file]);
  assert.match(load.stdout, new RegExp(`Loaded image: ${name}`));
  loaded.push(name);
  return (await podman(["run", "--rm", ...ULIMIT_FLAGS, "--network", "host", name])).stdout.trim();
}

describe("docker-archive and oci-archive", () => {
  test("a docker-archive loads in podman and runs, and reads back with the same digest", { skip: skipContainers() || skipUnless("skopeo") }, async () => {
    const image = await busyboxImage(blobs, { format: "docker" });
    const file = join(work, "docker.tar");
    const name = `localhost/slimgo-test-docker-archive:${suffix}`;
    await writeDockerArchive(file, image, { ref: name });
    assert.equal(await loadAndRun(file, name), HELLO);
    assert.equal((await readDockerArchive(file)).digest, image.digest);
    const inspected = JSON.parse((await runTool("skopeo", ["inspect", `docker-archive:${file}`])).stdout) as { Layers: string[] };
    assert.equal(inspected.Layers.length, 2);
    // The same file is an OCI archive too (the docker save layout since Engine 25).
    assert.equal((await readOciArchive(file)).digest, image.digest);
  });

  test("a Docker-format image keeps its health check through podman load", { skip: skipContainers() }, async () => {
    const image = await busyboxImage(blobs, { format: "docker", config: { Healthcheck: { Test: ["CMD", "/bin/busybox", "true"], Interval: 5_000_000_000, Retries: 3 } } });
    const file = join(work, "health.tar");
    const name = `localhost/slimgo-test-health:${suffix}`;
    await writeDockerArchive(file, image, { ref: name });
    await podman(["load", "-i", file]);
    loaded.push(name);
    const out = JSON.parse((await podman(["image", "inspect", name])).stdout) as { Healthcheck?: { Test?: string[] } }[];
    const health = out[0]?.Healthcheck;
    assert.deepEqual(health?.Test, ["CMD", "/bin/busybox", "true"]);
  });

  test("an oci-archive loads in podman and runs, and reads back with the same digest", { skip: skipContainers() || skipUnless("skopeo") }, async () => {
    const image = await busyboxImage(blobs);
    const file = join(work, "oci.tar");
    const name = `localhost/slimgo-test-oci-archive:${suffix}`;
    await writeOciArchive(file, image, { ref: name });
    assert.equal(await loadAndRun(file, name), HELLO);
    const back = await readOciArchive(file, name);
    assert.ok(!isImageIndex(back));
    assert.equal(back.digest, image.digest);
    const fs = await computeFilesystem(back);
    assert.equal(fs.files.get("bin/busybox")?.mode, 0o755);
    const inspected = JSON.parse((await runTool("skopeo", ["inspect", `oci-archive:${file}`])).stdout) as { Digest: string };
    assert.equal(inspected.Digest, image.digest);
  });

  test("a docker-archive written by skopeo reads, with layers checked against the config", { skip: skipUnless("skopeo") }, async () => {
    const image = await busyboxImage(blobs);
    const layout = join(work, "for-skopeo");
    await writeOciLayout(layout, image, { ref: "app:1" });
    const file = join(work, "skopeo.tar");
    await runTool("skopeo", ["copy", `oci:${layout}:localhost/app:1`, `docker-archive:${file}:localhost/app:1`]);
    const back: Image = await readDockerArchive(file, "app:1");
    assert.deepEqual(back.config.rootfs.diff_ids, image.config.rootfs.diff_ids);
    assert.deepEqual(back.config.config.Entrypoint, image.config.config.Entrypoint);
    let binarySize = 0;
    await walkLayer(back.layers[1]!, (entry) => {
      if (entry.header.path === "bin/busybox") binarySize = entry.header.size;
    });
    assert.equal(binarySize, readFileSync("/bin/busybox").length);
  });

  test("hostile archives are refused without writing anything", async () => {
    const outside = join(work, "outside");
    mkdirSync(outside, { recursive: true });
    const before = readdirSync(work).sort();
    const traversal = join(work, "traversal.tar");
    writeFileSync(traversal, rawTar([{ name: "manifest.json", data: "[]" }, { name: "../outside/pwned", data: "x" }]));
    await assert.rejects(readDockerArchive(traversal), (err: unknown) => err instanceof SlimgoError && /escape the root/.test(err.message));
    const bomb = join(work, "bomb.tar.gz");
    const zeros = Buffer.alloc(1024 * 1024);
    writeFileSync(bomb, gzipSync(rawTar(Array.from({ length: 20 }, (_, i) => ({ name: `z${i}`, data: zeros })))));
    await assert.rejects(readDockerArchive(bomb, undefined, { maxUncompressedBytes: 4 * 1024 * 1024 }), /decompression bomb/);
    const cut = join(work, "cut.tar.gz");
    const gz = gzipSync(rawTar([{ name: "manifest.json", data: "[]" }, { name: "x", data: Buffer.alloc(100_000, 3) }]));
    writeFileSync(cut, gz.subarray(0, gz.length - 40));
    await assert.rejects(readDockerArchive(cut), /gzip data is truncated or corrupt/);
    const huge = join(work, "huge.tar");
    writeFileSync(huge, rawTar([{ name: "manifest.json", data: "[]", size: 5_000_000_000 }], { end: false }));
    await assert.rejects(readOciArchive(huge), /truncated: entry "manifest.json" claims 5000000000 bytes/);
    assert.deepEqual(readdirSync(outside), []);
    assert.deepEqual(readdirSync(work).sort(), before.concat(["bomb.tar.gz", "cut.tar.gz", "huge.tar", "traversal.tar"]).sort());
  });

  test("an image with no layers reads, as podman save writes it (no diff_ids) and skopeo copy to oci: (diff_ids null)", async () => {
    // What `podman build` makes of FROM scratch + LABEL + ENTRYPOINT, saved by podman 4.3 and skopeo 1.9.
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: { Entrypoint: ["/app"], Labels: { a: "b" } }, rootfs: { type: "layers" }, history: [{ created_by: "LABEL a=b", empty_layer: true }] }));
    const configName = `${sha256(config).slice(7)}.json`;
    const file = join(work, "empty.tar");
    writeFileSync(file, rawTar([
      { name: configName, data: config },
      { name: "manifest.json", data: JSON.stringify([{ Config: configName, RepoTags: ["localhost/empty:latest"], Layers: [] }]) },
    ]));
    const saved = await readDockerArchive(file);
    assert.equal(saved.layers.length, 0);
    assert.deepEqual(saved.config.rootfs.diff_ids, []);
    assert.deepEqual(saved.config.config.Entrypoint, ["/app"]);
    const dir = join(work, "empty-oci");
    writeRawLayout(dir, [], { rootfs: { type: "layers", diff_ids: null } });
    const copied = await readOciLayout(dir);
    assert.ok(!isImageIndex(copied));
    assert.equal(copied.layers.length, 0);
    assert.equal((await computeFilesystem(copied)).files.size, 0);
  });

  test("a gzipped docker-archive (docker save | gzip) reads like the plain one", async () => {
    const image = await busyboxImage(blobs, { format: "docker" });
    const file = join(work, "plain.tar");
    await writeDockerArchive(file, image, { ref: "app:1" });
    writeFileSync(`${file}.gz`, gzipSync(readFileSync(file)));
    const back = await readDockerArchive(`${file}.gz`);
    assert.equal(back.digest, image.digest);
    await walkLayer(back.layers[1]!, () => {});
  });

  test("a tampered blob inside an archive is detected", async () => {
    const image = await busyboxImage(blobs);
    const file = join(work, "tampered.tar");
    await writeDockerArchive(file, image, { ref: "app:1" });
    const bytes = readFileSync(file);
    // Flip one byte inside the binary layer's compressed data.
    const member = (await indexTarFile(file)).entries.get(`blobs/sha256/${image.layers[1]!.digest.slice(7)}`)!;
    const at = member.dataOffset + 2000;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(file, bytes);
    const back = await readOciArchive(file);
    assert.ok(!isImageIndex(back));
    await assert.rejects(walkLayer(back.layers[1]!, () => {}), (err: unknown) => err instanceof SlimgoError && /corrupt or tampered|truncated or corrupt/.test(err.message));
  });
});
