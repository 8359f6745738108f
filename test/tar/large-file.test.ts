import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layerFromFiles } from "../../src/tar/layer.js";
import { walkLayer } from "../../src/tar/read.js";

// Its own file so the peak memory measured is this test's alone (node --test runs each file in a process).
const work = mkdtempSync(join(tmpdir(), "slimgo-tar-large-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("a 50 MB binary streams from disk into a layer without being held in memory", async () => {
  const source = join(work, "big");
  writeFileSync(source, "");
  truncateSync(source, 50 * 1024 * 1024);
  const before = process.resourceUsage().maxRSS;
  const layer = await layerFromFiles([{ path: "app", type: "file", sourcePath: source, mode: 0o755 }], { mtime: 0, blobDir: join(work, "blobs") });
  let seen = 0;
  await walkLayer(layer, async (entry) => {
    for await (const chunk of entry.chunks()) seen += chunk.length;
  }, { limits: { maxRatio: Number.POSITIVE_INFINITY } });
  const grewKb = process.resourceUsage().maxRSS - before;
  assert.equal(seen, 50 * 1024 * 1024);
  // Holding the file whole would add at least 50 MB; streaming adds chunk garbage GC has not yet reclaimed.
  assert.ok(grewKb < 40 * 1024, `peak memory grew by ${grewKb} KB`);
});
