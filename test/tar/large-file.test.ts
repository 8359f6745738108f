import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layerFromFiles } from "../../src/tar/layer.js";
import { walkLayer } from "../../src/tar/read.js";

// Its own file so the peak memory measured is this test's alone (node --test runs each file in a process).
const SIZE = 256 * 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), "slimgo-tar-large-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("a 256 MB file streams from disk into a layer without being held in memory", async () => {
  const source = join(work, "big");
  writeFileSync(source, "");
  truncateSync(source, SIZE);
  const before = process.resourceUsage().maxRSS;
  const layer = await layerFromFiles([{ path: "app", type: "file", sourcePath: source, mode: 0o755 }], { mtime: 0, blobDir: join(work, "blobs") });
  let seen = 0;
  await walkLayer(layer, async (entry) => {
    for await (const chunk of entry.chunks()) seen += chunk.length;
  }, { limits: { maxRatio: Number.POSITIVE_INFINITY } });
  const grewKb = process.resourceUsage().maxRSS - before;
  assert.equal(seen, SIZE);
  // Holding the file whole would add at least 256 MB. Streaming leaves read and block buffers as
  // garbage until the collector runs, which is some tens of MB (and varies), so the bound is half.
  assert.ok(grewKb < SIZE / 1024 / 2, `peak memory grew by ${grewKb} KB`);
});
