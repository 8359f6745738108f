import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { appendLayers, buildIndex, emptyImage, toDockerMediaTypes, toOciMediaTypes, withAnnotations, withConfig } from "../../src/image/mutate.js";
import { layerFromBuffer } from "../../src/image/layer.js";
import { MediaType } from "../../src/image/media-types.js";
import { sha256 } from "../../src/image/digest.js";

const amd64 = { os: "linux", architecture: "amd64" };
const layer = () => layerFromBuffer(gzipSync(Buffer.alloc(1024), { level: 6 }), MediaType.ociLayerGzip);

test("an empty image has the config fields umoci and podman require", () => {
  const image = emptyImage({ os: "linux", architecture: "arm64", variant: "v8" });
  assert.deepEqual(image.config.rootfs, { type: "layers", diff_ids: [] });
  assert.equal(image.config.os, "linux");
  assert.equal(image.config.architecture, "arm64");
  assert.equal(image.config.variant, "v8");
  assert.equal(image.manifest.config.digest, sha256(image.rawConfig));
  assert.equal(image.digest, sha256(image.rawManifest));
  assert.equal(image.mediaType, MediaType.ociManifest);
});

test("appendLayers records the diffID and one history entry per layer", () => {
  const l = layer();
  const image = appendLayers(emptyImage(amd64), [l], { created_by: "slimgo: binary" });
  assert.deepEqual(image.config.rootfs.diff_ids, [l.diffId]);
  assert.deepEqual(image.manifest.layers, [{ mediaType: MediaType.ociLayerGzip, digest: l.digest, size: l.size }]);
  assert.deepEqual(image.config.history, [{ created_by: "slimgo: binary" }]);
  assert.throws(() => appendLayers(image, [l, l], [{}]), /2 layers but 1 history/);
});

test("equal inputs give equal digests, whatever order labels were set in", () => {
  const a = withConfig(emptyImage(amd64), { config: { Labels: { "10": "x", b: "y", "2": "z" }, ExposedPorts: { "8080/tcp": {} } } });
  const b = withConfig(emptyImage(amd64), { config: { ExposedPorts: { "8080/tcp": {} }, Labels: { b: "y", "2": "z", "10": "x" } } });
  assert.equal(a.digest, b.digest);
  assert.ok(a.rawConfig.toString().includes('"Labels":{"10":"x","2":"z","b":"y"}'));
});

test("withConfig merges container settings and undefined removes one", () => {
  let image = withConfig(emptyImage(amd64), { created: "2024-01-01T00:00:00Z", config: { User: "65532", Env: ["PATH=/"] } });
  image = withConfig(image, { config: { Entrypoint: ["/app"], User: undefined } });
  assert.deepEqual(image.config.config, { Env: ["PATH=/"], Entrypoint: ["/app"] });
  assert.equal(image.config.created, "2024-01-01T00:00:00Z");
});

test("annotations go into OCI manifests and not into Docker ones", () => {
  const annotated = withAnnotations(emptyImage(amd64), { "org.opencontainers.image.source": "https://x" });
  assert.deepEqual(annotated.manifest.annotations, { "org.opencontainers.image.source": "https://x" });
  const docker = toDockerMediaTypes(appendLayers(annotated, [layer()]));
  assert.equal(docker.mediaType, MediaType.dockerManifest);
  assert.equal(docker.manifest.config.mediaType, MediaType.dockerConfig);
  assert.equal(docker.manifest.layers[0]!.mediaType, MediaType.dockerLayerGzip);
  assert.equal(docker.manifest.annotations, undefined);
  const back = toOciMediaTypes(docker);
  assert.equal(back.manifest.layers[0]!.mediaType, MediaType.ociLayerGzip);
  assert.equal(back.manifest.layers[0]!.digest, docker.manifest.layers[0]!.digest);
});

test("a Docker-format image keeps its Healthcheck in the config", () => {
  const image = toDockerMediaTypes(withConfig(emptyImage(amd64), { config: { Healthcheck: { Test: ["CMD", "/app", "-health"], Interval: 5e9 } } }));
  assert.deepEqual(image.config.config.Healthcheck, { Test: ["CMD", "/app", "-health"], Interval: 5e9 });
});

test("buildIndex lists each platform once, in the format of its images", () => {
  const arm = emptyImage({ os: "linux", architecture: "arm64" });
  const index = buildIndex([emptyImage(amd64), arm]);
  assert.equal(index.mediaType, MediaType.ociIndex);
  assert.deepEqual(index.index.manifests.map((m) => m.platform), [amd64, { os: "linux", architecture: "arm64" }]);
  assert.equal(index.digest, sha256(index.rawManifest));
  const docker = buildIndex([emptyImage(amd64), arm], { format: "docker" });
  assert.equal(docker.mediaType, MediaType.dockerManifestList);
  assert.ok(docker.manifests.every((c) => c.image.mediaType === MediaType.dockerManifest));
  assert.throws(() => buildIndex([emptyImage(amd64), emptyImage(amd64)]), /two images for platform linux\/amd64/);
});
