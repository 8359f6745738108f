import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { appendLayers, emptyImage, layerFromBuffer, MediaType, withConfig } from "../../src/image/index.js";
import { inspectionOf } from "../../src/inspect/index.js";
import { scanImage } from "../../src/verify/image-view-from-image.js";
import { rawTar } from "../tar/raw-tar.js";

// Longer than the 64-byte head kept for every file, so with no memory budget it must be read again.
const PASSWD = "app:x:1001:1001::/:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

function image() {
  const base = layerFromBuffer(
    gzipSync(
      rawTar([
        { name: "etc/passwd", data: "app:x:1000:1000::/home/app:/sbin/nologin\n" },
        { name: "big.log", data: "x".repeat(100_000) },
        { name: "usr/bin/run", data: "#!/bin/sh\nexec /app\n", mode: 0o755 },
      ]),
    ),
    MediaType.ociLayerGzip,
  );
  const top = layerFromBuffer(gzipSync(rawTar([{ name: ".wh.big.log", data: "" }, { name: "etc/passwd", data: PASSWD }])), MediaType.ociLayerGzip);
  const built = appendLayers(emptyImage({ os: "linux", architecture: "amd64" }), [base, top], [{ created_by: "COPY base" }, { created_by: "RUN rm big.log" }]);
  return withConfig(built, { config: { User: "app", Env: ["PATH=/usr/bin", "GITHUB_TOKEN=ghp_abc"], Entrypoint: ["run"] } });
}

test("scanning applies whiteouts, counts wasted bytes and reads files from the last layer that wrote them", async () => {
  for (const memoryBudget of [undefined, 0]) {
    const img = image();
    const { view, filesystem } = await scanImage(img, memoryBudget === undefined ? {} : { memoryBudget });
    assert.equal(view.files.has("/big.log"), false);
    assert.equal(filesystem.wastedBytes, 100_000 + "app:x:1000:1000::/home/app:/sbin/nologin\n".length);
    // With no memory budget the file is streamed again from its layer: same answer.
    assert.equal((await view.readFile("/etc/passwd", 1000))?.toString(), PASSWD, `budget ${memoryBudget}`);
    assert.equal((await view.readFile("/usr/bin/run", 2))?.toString(), "#!");
    assert.equal(await view.readFile("/big.log", 10), undefined);

    const report = inspectionOf(img, { view, filesystem }, { reference: "test" });
    assert.deepEqual(report.layers.map((l) => [l.createdBy, l.added, l.changed, l.removed]), [
      ["COPY base", 3, 0, 0],
      ["RUN rm big.log", 0, 1, 1],
    ]);
    assert.deepEqual(report.config.env, ["PATH=/usr/bin", "GITHUB_TOKEN=****"]);
    assert.equal(report.size.wasted, filesystem.wastedBytes);
  }
});
