import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOciLayout, writeOciLayout } from "../../src/transports/oci-layout.js";
import { sha256 } from "../../src/image/digest.js";
import type { Image } from "../../src/image/types.js";
import { runTool } from "../support/podman.js";
import { hasTool } from "../support/tools.js";
import { busyboxImage } from "./fixture.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-layout-prune-"));
after(() => rmSync(work, { recursive: true, force: true }));
const blobs = join(work, "blobs");

/** Every blob an image is made of: manifest, config, layers. */
function blobsOf(image: Image): string[] {
  return [image.digest, image.manifest.config.digest, ...image.layers.map((l) => l.digest)];
}

function stored(dir: string): Set<string> {
  return new Set(readdirSync(join(dir, "blobs", "sha256")).filter((n) => !n.startsWith(".")).map((n) => `sha256:${n}`));
}

// Two builds of "the same program": the base layer is shared, the binary layer differs.
const first = await busyboxImage(blobs);
const second = await busyboxImage(blobs, { binary: "/bin/true" });

test("a rebuild written to the same tag removes what only the old image used, and keeps the shared base", async () => {
  const dir = join(work, "rebuilt");
  await writeOciLayout(dir, first, { ref: "app:latest" });
  await writeOciLayout(dir, second, { ref: "app:latest" });
  const now = stored(dir);
  const [oldBase, oldBinary] = first.layers;
  assert.ok(now.has(oldBase!.digest), "the shared base layer stays");
  assert.equal(now.has(oldBinary!.digest), false, "the old binary layer is gone");
  assert.equal(now.has(first.digest), false, "the old manifest is gone");
  assert.equal(now.has(first.manifest.config.digest), false, "the old config is gone");
  assert.deepEqual([...now].sort(), blobsOf(second).sort(), "nothing but the new image is left");
  const read = await readOciLayout(dir, "app:latest");
  assert.equal(read.digest, second.digest);
  if (hasTool("skopeo")) {
    const inspect = JSON.parse((await runTool("skopeo", ["inspect", `oci:${dir}:localhost/app:latest`])).stdout) as { Digest: string };
    assert.equal(inspect.Digest, second.digest);
  }
});

test("blobs another tag still uses stay, and so do blobs no entry names (another tool's)", async () => {
  const dir = join(work, "shared");
  await writeOciLayout(dir, first, { ref: "app:latest" });
  await writeOciLayout(dir, first, { ref: "app:stable" });
  const foreign = Buffer.from("not slimgo's");
  await writeOciLayout(dir, first, { ref: "app:latest" });
  writeFileSync(join(dir, "blobs", "sha256", sha256(foreign).slice(7)), foreign);
  await writeOciLayout(dir, second, { ref: "app:latest" });
  const now = stored(dir);
  for (const digest of blobsOf(first)) assert.ok(now.has(digest), `${digest} is still used by app:stable`);
  for (const digest of blobsOf(second)) assert.ok(now.has(digest));
  assert.ok(now.has(sha256(foreign)), "an unnamed blob is not slimgo's to remove");
});

test("when the replaced image cannot be read whole, nothing is removed", async () => {
  const dir = join(work, "damaged");
  await writeOciLayout(dir, first, { ref: "app:latest" });
  rmSync(join(dir, "blobs", "sha256", first.digest.slice(7)));
  await writeOciLayout(dir, second, { ref: "app:latest" });
  const now = stored(dir);
  for (const layer of first.layers) assert.ok(now.has(layer.digest), "its layers stay: what else named them is unknown");
  assert.ok(existsSync(join(dir, "index.json")));
  assert.equal((await readOciLayout(dir, "app:latest")).digest, second.digest);
});
