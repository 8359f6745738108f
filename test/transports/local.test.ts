import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseImageReference } from "../../src/image/reference.js";
import { readLocalImage, writeLocalImage } from "../../src/transports/index.js";
import { isImageIndex } from "../../src/image/types.js";
import { busyboxImage } from "./fixture.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-local-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("every local transport reads back what it wrote, named by the reference the user typed", async () => {
  const image = await busyboxImage(join(work, "blobs"));
  for (const ref of [`oci:${work}/layout:app:1`, `oci-archive:${work}/oci.tar:app:1`, `docker-archive:${work}/docker.tar:app:1`]) {
    await writeLocalImage(parseImageReference(ref), image);
    const back = await readLocalImage(parseImageReference(ref));
    assert.ok(!isImageIndex(back), ref);
    assert.equal(back.digest, image.digest, ref);
  }
  await assert.rejects(readLocalImage(parseImageReference("ghcr.io/org/app:1")), /not a local layout or archive/);
});
