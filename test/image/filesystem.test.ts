import { test } from "node:test";
import assert from "node:assert/strict";
import { buffer } from "node:stream/consumers";
import { gzipSync } from "node:zlib";
import { computeFilesystem, resolveInImage } from "../../src/image/filesystem.js";
import { appendLayers, emptyImage } from "../../src/image/mutate.js";
import { layerFromBuffer } from "../../src/image/layer.js";
import { MediaType } from "../../src/image/media-types.js";
import { tarStream, type TarEntry } from "../../src/tar/write.js";

async function layer(entries: TarEntry[]) {
  return layerFromBuffer(gzipSync(await buffer(tarStream(entries, { mtime: 0 }))), MediaType.ociLayerGzip);
}

test("whiteouts and opaque directories give the final file system and per-layer changes", async () => {
  const base = await layer([
    { path: "etc/passwd", type: "file", content: "root:x:0:0::/:/bin/sh\n" },
    { path: "etc/shadow", type: "file", content: "secret!" },
    { path: "cache/a", type: "file", content: "aaaa" },
    { path: "cache/sub/b", type: "file", content: "bbbbbb" },
    { path: "bin/sh", type: "file", content: "shell", mode: 0o755 },
    { path: "tmp", type: "dir", mode: 0o1777 },
  ]);
  const middle = await layer([
    { path: "etc/.wh.shadow", type: "file", content: "" },
    { path: "cache/.wh..wh..opq", type: "file", content: "" },
    { path: "cache/new", type: "file", content: "n" },
    { path: "bin/sh", type: "file", content: "bigger shell", mode: 0o755 },
    { path: "tmp", type: "dir", mode: 0o1777 },
  ]);
  const top = await layer([
    { path: ".wh.bin", type: "file", content: "" },
    { path: "app", type: "file", content: "binary", mode: 0o755 },
  ]);
  const image = appendLayers(emptyImage({ os: "linux", architecture: "amd64" }), [base, middle, top]);
  const seen: string[] = [];
  const fs = await computeFilesystem(image, {
    onEntry: async (entry, index) => {
      if (entry.header.path === "etc/passwd") seen.push(`${index}:${(await entry.read()).toString()}`);
    },
  });

  assert.deepEqual([...fs.files.keys()].sort(), ["app", "cache", "cache/new", "etc", "etc/passwd", "tmp"]);
  assert.equal(fs.files.get("tmp")?.mode, 0o1777);
  assert.equal(fs.files.get("app")?.layer, 2);
  assert.deepEqual(seen, ["0:root:x:0:0::/:/bin/sh\n"]);

  const [l0, l1, l2] = fs.layers;
  assert.equal(l0?.added.length, 10);
  assert.deepEqual(l1?.removed.sort(), ["cache/a", "cache/sub", "cache/sub/b", "etc/shadow"]);
  assert.deepEqual(l1?.added, ["cache/new"]);
  assert.deepEqual(l1?.changed, ["bin/sh"]);
  assert.deepEqual(l2?.removed.sort(), ["bin", "bin/sh"]);
  assert.deepEqual(l2?.added, ["app"]);
  // shadow 7 + a 4 + b 6 + the first sh 5 (replaced) + the second sh 12 (deleted)
  assert.equal(fs.wastedBytes, 7 + 4 + 6 + 5 + 12);
  assert.equal(fs.totalBytes, "root:x:0:0::/:/bin/sh\n".length + 1 + 6);
});

test("resolveInImage follows links inside the image and never out of it", async () => {
  const only = await layer([
    { path: "usr/share/zoneinfo/UTC", type: "file", content: "TZif" },
    { path: "etc/localtime", type: "symlink", linkTarget: "/usr/share/zoneinfo/UTC" },
    { path: "etc/zone", type: "symlink", linkTarget: "../usr/share/zoneinfo" },
    { path: "escape", type: "symlink", linkTarget: "../../../../usr/share/zoneinfo/UTC" },
    { path: "loop", type: "symlink", linkTarget: "loop" },
    { path: "hard", type: "hardlink", linkTarget: "usr/share/zoneinfo/UTC" },
  ]);
  const { files } = await computeFilesystem(appendLayers(emptyImage({ os: "linux", architecture: "amd64" }), [only]));
  assert.equal(resolveInImage(files, "/etc/localtime")?.path, "usr/share/zoneinfo/UTC");
  assert.equal(resolveInImage(files, "etc/zone/UTC")?.path, "usr/share/zoneinfo/UTC");
  assert.equal(resolveInImage(files, "/escape")?.path, "usr/share/zoneinfo/UTC");
  assert.equal(resolveInImage(files, "/hard")?.path, "usr/share/zoneinfo/UTC");
  assert.equal(resolveInImage(files, "/loop"), undefined);
  assert.equal(resolveInImage(files, "/etc/missing"), undefined);
  assert.equal(resolveInImage(files, "/etc")?.type, "dir");
});
