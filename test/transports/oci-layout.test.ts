import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { readOciLayout, writeOciLayout, listOciLayout } from "../../src/transports/oci-layout.js";
import { isImageIndex, type Image, type Layer } from "../../src/image/types.js";
import { walkLayer } from "../../src/tar/read.js";
import { SlimgoError } from "../../src/errors.js";
import { skipUnless } from "../support/tools.js";
import { runTool } from "../support/podman.js";
import { busyboxImage } from "./fixture.js";
import { buildIndex } from "../../src/image/mutate.js";
import { createHash } from "node:crypto";
import { readOciArchive } from "../../src/transports/oci-archive.js";
import { runSlimgo } from "../support/cli.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-oci-layout-"));
after(() => rmSync(work, { recursive: true, force: true }));
const blobs = join(work, "blobs");

function asImage(item: Awaited<ReturnType<typeof readOciLayout>>): Image {
  assert.ok(!isImageIndex(item));
  return item;
}

function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${name}/`);
      else out.set(`${prefix}${name}`, readFileSync(p));
    }
  };
  walk(dir, "");
  return out;
}

describe("OCI layout", () => {
  test("skopeo and umoci accept the layout, and its config has rootfs, os and architecture", { skip: skipUnless("skopeo", "umoci") }, async () => {
    const image = await busyboxImage(blobs);
    const dir = join(work, "checked");
    await writeOciLayout(dir, image, { ref: "app:1.0" });
    assert.equal(readFileSync(join(dir, "oci-layout"), "utf8"), '{"imageLayoutVersion":"1.0.0"}');
    const inspected = JSON.parse((await runTool("skopeo", ["inspect", `oci:${dir}:localhost/app:1.0`])).stdout) as Record<string, unknown>;
    assert.equal(inspected.Digest, image.digest);
    assert.equal(inspected.Architecture, "amd64");
    assert.equal(inspected.Os, "linux");
    assert.deepEqual(inspected.Layers, image.layers.map((l) => l.digest));

    const bundle = join(work, "bundle");
    await runTool("umoci", ["unpack", "--image", `${dir}:localhost/app:1.0`, bundle]);
    assert.ok(statSync(join(bundle, "rootfs/bin/busybox")).mode & 0o100);
    assert.equal(statSync(join(bundle, "rootfs/tmp")).mode & 0o7777, 0o1777);
    const runtime = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as { process: { args: string[]; user: { uid: number } } };
    assert.deepEqual(runtime.process.args, ["/bin/busybox", "echo", "hello from slimgo"]);
    assert.equal(runtime.process.user.uid, 65532);

    const config = JSON.parse(readFileSync(join(dir, "blobs/sha256", image.manifest.config.digest.slice(7)), "utf8")) as Record<string, unknown>;
    assert.deepEqual(config.rootfs, { type: "layers", diff_ids: image.layers.map((l) => l.diffId) });
    assert.equal(config.os, "linux");
    assert.equal(config.architecture, "amd64");
  });

  test("writing adds to an existing layout, replaces a ref, and reads back by tag", async () => {
    const dir = join(work, "shared");
    const one = await busyboxImage(blobs);
    const two = await busyboxImage(blobs, { config: { Env: ["PATH=/bin", "MODE=two"] } });
    await writeOciLayout(dir, one, { ref: "app:1" });
    await writeOciLayout(dir, two, { ref: "app:2" });
    assert.deepEqual((await listOciLayout(dir)).map((d) => d.annotations?.["org.opencontainers.image.ref.name"]), ["localhost/app:1", "localhost/app:2"]);
    assert.equal(asImage(await readOciLayout(dir, "1")).digest, one.digest);
    assert.equal(asImage(await readOciLayout(dir, "localhost/app:2")).digest, two.digest);
    await writeOciLayout(dir, two, { ref: "app:1" });
    assert.equal(asImage(await readOciLayout(dir, "app:1")).digest, two.digest);
    assert.equal((await listOciLayout(dir)).length, 2);
    assert.equal(asImage(await readOciLayout(dir)).digest, two.digest, "two tags of one image need no :REF");
    await writeOciLayout(dir, one, { ref: "app:other" });
    await assert.rejects(readOciLayout(dir), /holds 3 images; add :REF/);
    await assert.rejects(readOciLayout(dir, "3"), /no image named "3"/);
  });

  test("a layout of images without ref names, as skopeo copy to oci:DIR writes, says how to pick one: by @DIGEST", { skip: skipUnless("skopeo") }, async () => {
    const dir = join(work, "unnamed");
    const images = [await busyboxImage(blobs), await busyboxImage(blobs, { config: { Env: ["PATH=/bin", "MODE=unnamed"] } })];
    for (const [i, image] of images.entries()) {
      await writeOciLayout(join(work, `unnamed-source-${i}`), image, { ref: "app:1" });
      await runTool("skopeo", ["copy", "-q", `oci:${join(work, `unnamed-source-${i}`)}:localhost/app:1`, `oci:${dir}`]);
    }
    assert.deepEqual((await listOciLayout(dir)).map((d) => d.annotations?.["org.opencontainers.image.ref.name"]), [undefined, undefined]);
    const refused = await runSlimgo(["verify", `oci:${dir}`]);
    assert.equal(refused.code, 2);
    const digests = (await listOciLayout(dir)).map((d) => d.digest);
    assert.match(refused.stderr, new RegExp(`the layout holds 2 images; add @DIGEST for one without a name: @${digests[0]}, @${digests[1]}$`, "m"));
    await writeOciLayout(dir, images[0]!, { ref: "app:named" });
    await assert.rejects(readOciLayout(dir), /holds 3 images; add :REF, one of localhost\/app:named; or add @DIGEST for one without a name: @sha256:[0-9a-f]{64}, @sha256/);
    const picked = await runSlimgo(["verify", `oci:${dir}@${digests[1]}`, "--json"]);
    assert.notEqual(picked.code, 2, picked.stderr);
  });

  test("the same inputs give a byte-identical layout", async () => {
    const a = join(work, "repro-a");
    const b = join(work, "repro-b");
    await writeOciLayout(a, await busyboxImage(join(work, "blobs-a")), { ref: "app:1" });
    await writeOciLayout(b, await busyboxImage(join(work, "blobs-b")), { ref: "app:1" });
    const filesA = filesUnder(a);
    const filesB = filesUnder(b);
    assert.deepEqual([...filesA.keys()].sort(), [...filesB.keys()].sort());
    for (const [name, bytes] of filesA) assert.ok(bytes.equals(filesB.get(name)!), name);
  });

  test("a failed write leaves no layout, and an existing layout unchanged", async () => {
    const good = await busyboxImage(blobs);
    const failing: Layer = {
      ...good.layers[1]!,
      digest: `sha256:${"e".repeat(64)}`,
      storedPath: undefined,
      open: async () =>
        new Readable({
          read() {
            this.destroy(new Error("disk on fire"));
          },
        }),
    };
    const broken: Image = { ...good, layers: [good.layers[0]!, failing] };
    const fresh = join(work, "fresh");
    await assert.rejects(writeOciLayout(fresh, broken, { ref: "x" }), /disk on fire/);
    assert.equal(existsSync(fresh), false);
    assert.deepEqual(readdirSync(work).filter((n) => n.includes("fresh")), []);

    const existing = join(work, "existing");
    await writeOciLayout(existing, await busyboxImage(blobs, { config: { Env: ["OTHER=1"] } }), { ref: "old" });
    const before = filesUnder(existing);
    await assert.rejects(writeOciLayout(existing, broken, { ref: "x" }), /disk on fire/);
    assert.deepEqual([...filesUnder(existing).entries()], [...before.entries()]);
  });

  test("a layer file copied into a layout is verified: one changed on disk is refused, and no layout is left", async () => {
    const ownBlobs = join(work, "own-blobs");
    const image = await busyboxImage(ownBlobs);
    const stored = image.layers[1]!.storedPath;
    assert.ok(stored, "layers slimgo writes are files");
    const bytes = readFileSync(stored);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(stored, bytes);
    const dir = join(work, "from-changed-file");
    await assert.rejects(writeOciLayout(dir, image, { ref: "app" }), (err: unknown) => err instanceof SlimgoError && /corrupt or tampered/.test(err.message));
    assert.equal(existsSync(dir), false);
  });

  test("blobs are verified while reading: a tampered layer or config is refused", async () => {
    const dir = join(work, "tampered");
    const image = await busyboxImage(blobs);
    await writeOciLayout(dir, image, { ref: "app" });
    const layerPath = join(dir, "blobs/sha256", image.layers[1]!.digest.slice(7));
    const bytes = readFileSync(layerPath);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(layerPath, bytes);
    const read = asImage(await readOciLayout(dir));
    await assert.rejects(walkLayer(read.layers[1]!, () => {}), (err: unknown) => err instanceof SlimgoError && /corrupt or tampered|truncated or corrupt/.test(err.message));

    const configPath = join(dir, "blobs/sha256", image.manifest.config.digest.slice(7));
    writeFileSync(configPath, readFileSync(configPath, "utf8").replace("amd64", "arm64"));
    await assert.rejects(readOciLayout(dir), (err: unknown) => err instanceof SlimgoError && /config: content has digest .* but sha256:/.test(err.message));
  });

  test("an index nested in an index is refused with the digest that picks it, and that digest opens it, in a layout and an archive", async () => {
    const images = await Promise.all((["amd64", "arm64"] as const).map((architecture) => busyboxImage(blobs, { platform: { os: "linux", architecture } })));
    const inner = buildIndex(images);
    const dir = join(work, "nested");
    await writeOciLayout(dir, inner, { ref: "inner" });
    // An outer index that lists the inner one, as index.json's only entry (OCI allows it; containerd reads it).
    const outer = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ mediaType: inner.mediaType, digest: inner.digest, size: inner.rawManifest.length }] }));
    const outerDigest = `sha256:${createHash("sha256").update(outer).digest("hex")}`;
    writeFileSync(join(dir, "blobs/sha256", outerDigest.slice(7)), outer);
    writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.index.v1+json", digest: outerDigest, size: outer.length, annotations: { "org.opencontainers.image.ref.name": "outer" } }] }));

    const refused = await runSlimgo(["inspect", `oci:${dir}`]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(refused.stderr.trim(), `slimgo: oci:${dir}: index ${outerDigest} nests another index (${inner.digest}); pick that one by digest: oci:${dir}@${inner.digest}`);
    const picked = await readOciLayout(dir, inner.digest);
    assert.ok(isImageIndex(picked));
    assert.deepEqual(picked.manifests.map((m) => m.descriptor.platform?.architecture), ["amd64", "arm64"]);
    assert.equal(asImage(await readOciLayout(dir, images[1]!.digest)).digest, images[1]!.digest);
    const cli = await runSlimgo(["verify", "--platform", "linux/arm64", `oci:${dir}@${inner.digest}`]);
    assert.ok(cli.code === 0 || cli.code === 1, cli.stderr);
    assert.match(cli.stdout, /\(linux\/arm64\)/);

    const archive = join(work, "nested.tar");
    await runTool("tar", ["-C", dir, "-cf", archive, "."]);
    assert.ok(isImageIndex(await readOciArchive(archive, inner.digest)));
    await assert.rejects(readOciLayout(dir, `sha256:${"0".repeat(64)}`), /no image named "sha256:0+"; the layout has outer/);
  });

  test("a directory that is not a layout gives a clear error", async () => {
    const dir = join(work, "not-a-layout");
    await assert.rejects(readOciLayout(dir), /is not an OCI layout \(no index.json\)/);
    writeFileSync(join(work, "plain-file"), "x");
    await assert.rejects(writeOciLayout(join(work, "plain-file"), await busyboxImage(blobs)), /is not a directory/);
  });
});
