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
    const scanned = await scanImage(img, memoryBudget === undefined ? {} : { memoryBudget });
    const { view, filesystem } = scanned;
    assert.equal(view.files.has("/big.log"), false);
    assert.equal(filesystem.wastedBytes, 100_000 + "app:x:1000:1000::/home/app:/sbin/nologin\n".length);
    // With no memory budget the file is streamed again from its layer: same answer.
    assert.equal((await view.readFile("/etc/passwd", 1000))?.toString(), PASSWD, `budget ${memoryBudget}`);
    assert.equal((await view.readFile("/usr/bin/run", 2))?.toString(), "#!");
    assert.equal(await view.readFile("/big.log", 10), undefined);

    const report = inspectionOf(img, scanned, { reference: "test" });
    assert.deepEqual(report.layers.map((l) => [l.createdBy, l.added, l.changed, l.removed]), [
      ["COPY base", 3, 0, 0],
      ["RUN rm big.log", 0, 1, 1],
    ]);
    assert.deepEqual(report.config.env, ["PATH=/usr/bin", "GITHUB_TOKEN=****"]);
    assert.equal(report.size.wasted, filesystem.wastedBytes);
  }
});

test("a binary that cannot be read is a warning in the inspect result, given once: not also on stderr", async () => {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { writeOciLayout } = await import("../../src/transports/index.js");
  const { runSlimgo } = await import("../support/cli.js");
  const corrupt = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200, 0xab)]);
  const layer = layerFromBuffer(gzipSync(rawTar([{ name: "app/server", data: corrupt, mode: 0o755 }])), MediaType.ociLayerGzip);
  const img = appendLayers(emptyImage({ os: "linux", architecture: "amd64" }), [layer], [{ created_by: "COPY server" }]);
  const dir = await mkdtemp(join(tmpdir(), "slimgo-scan-warn-"));
  try {
    await writeOciLayout(join(dir, "layout"), img, { ref: "corrupt" });
    const json = await runSlimgo(["inspect", `oci:${join(dir, "layout")}:corrupt`, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const warnings = (JSON.parse(json.stdout) as { images: { warnings: string[] }[] }).images[0]!.warnings;
    assert.equal(warnings.filter((w) => w.startsWith("/app/server: ")).length, 1, warnings.join("\n"));
    assert.doesNotMatch(json.stderr, /\/app\/server/);
    const text = await runSlimgo(["inspect", `oci:${join(dir, "layout")}:corrupt`]);
    assert.equal((text.stdout + text.stderr).split("/app/server: ").length - 1, 1, "printed once");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
