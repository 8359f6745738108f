import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { pushedLine, trackUpload } from "../../src/publish/upload-progress.js";

const LAYER = "sha256:1d644cc74ea6" + "0".repeat(52);
const CONFIG = "sha256:ab12cd34ef56" + "1".repeat(52);
const MB = 1e6;

/** A tracker driven by a clock the test moves by hand. */
function tracked() {
  const lines: string[] = [];
  let clock = 5_000;
  const report = trackUpload((l) => lines.push(l), { now: () => clock });
  return {
    lines,
    at(ms: number, digest: string, uploaded: number, total: number) {
      clock = 5_000 + ms;
      report({ digest, uploaded, total });
    },
  };
}

describe("upload progress lines", () => {
  test("a large blob gets a line at most once a second, naming it, with bytes and percent", () => {
    const t = tracked();
    const total = 48.5 * MB;
    t.at(0, LAYER, 0, total);
    t.at(400, LAYER, 4 * MB, total);
    t.at(999, LAYER, 8 * MB, total);
    t.at(1000, LAYER, 12 * MB, total);
    t.at(1500, LAYER, 20 * MB, total);
    t.at(2100, LAYER, 30 * MB, total);
    t.at(2200, LAYER, 31 * MB, total);
    assert.deepEqual(t.lines, [
      "  pushing sha256:1d644cc74ea6 12.0/48.5 MB (24%)",
      "  pushing sha256:1d644cc74ea6 30.0/48.5 MB (61%)",
    ]);
  });

  test("no pushing line once every byte is sent (the pushed line follows) or within the first second", () => {
    const t = tracked();
    t.at(0, LAYER, 0, 3 * MB);
    t.at(900, LAYER, 2 * MB, 3 * MB);
    t.at(1800, LAYER, 3 * MB, 3 * MB);
    assert.deepEqual(t.lines, []);
  });

  test("blobs of 1 MB or less stay quiet however long they take", () => {
    const t = tracked();
    t.at(0, CONFIG, 0, MB);
    t.at(3000, CONFIG, 0.5 * MB, MB);
    t.at(6000, CONFIG, 0.9 * MB, MB);
    assert.deepEqual(t.lines, []);
  });

  test("a restarted upload says retrying once and counts from the restart", () => {
    const t = tracked();
    const total = 10 * MB;
    t.at(0, LAYER, 0, total);
    t.at(1200, LAYER, 6 * MB, total);
    // The connection dropped; the client opens the source again and reports 0.
    t.at(1300, LAYER, 0, total);
    t.at(1400, LAYER, 1 * MB, total);
    t.at(2000, LAYER, 3 * MB, total);
    t.at(2400, LAYER, 4 * MB, total);
    assert.deepEqual(t.lines, [
      "  pushing sha256:1d644cc74ea6 6.0/10.0 MB (60%)",
      "  retrying sha256:1d644cc74ea6 (upload restarted)",
      "  pushing sha256:1d644cc74ea6 4.0/10.0 MB (40%)",
    ]);
  });

  test("a restart before any byte went out is still a restart, reported once", () => {
    const t = tracked();
    t.at(0, LAYER, 0, 5 * MB);
    t.at(100, LAYER, 0, 5 * MB);
    t.at(200, LAYER, 64 * 1024, 5 * MB);
    t.at(300, LAYER, 128 * 1024, 5 * MB);
    assert.deepEqual(t.lines, ["  retrying sha256:1d644cc74ea6 (upload restarted)"]);
  });

  test("the final line names the blob and its size", () => {
    assert.equal(pushedLine(LAYER, 2_430_000), "  pushed sha256:1d644cc74ea6 (2.4 MB)");
  });
});
