import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatRegistryReference, parseRegistryReference } from "../../src/image/reference.js";
import { isNamedInsecure, registryTarget } from "../../src/registry/reference.js";
import { SlimgoError } from "../../src/errors.js";

const D = `sha256:${"ab".repeat(32)}`;

describe("parseRegistryReference", () => {
  const cases: Array<[string, { registry: string; endpoint: string; repository: string; tag?: string; digest?: string; reference: string }]> = [
    ["alpine", { registry: "docker.io", endpoint: "registry-1.docker.io", repository: "library/alpine", tag: "latest", reference: "latest" }],
    ["alpine:3.20", { registry: "docker.io", endpoint: "registry-1.docker.io", repository: "library/alpine", tag: "3.20", reference: "3.20" }],
    ["docker.io/library/alpine", { registry: "docker.io", endpoint: "registry-1.docker.io", repository: "library/alpine", tag: "latest", reference: "latest" }],
    ["index.docker.io/bitnami/redis:7", { registry: "docker.io", endpoint: "registry-1.docker.io", repository: "bitnami/redis", tag: "7", reference: "7" }],
    ["bitnami/redis", { registry: "docker.io", endpoint: "registry-1.docker.io", repository: "bitnami/redis", tag: "latest", reference: "latest" }],
    ["gcr.io/distroless/static-debian12:nonroot", { registry: "gcr.io", endpoint: "gcr.io", repository: "distroless/static-debian12", tag: "nonroot", reference: "nonroot" }],
    ["127.0.0.1:5000/app", { registry: "127.0.0.1:5000", endpoint: "127.0.0.1:5000", repository: "app", tag: "latest", reference: "latest" }],
    ["localhost/team/app:v1", { registry: "localhost", endpoint: "localhost", repository: "team/app", tag: "v1", reference: "v1" }],
    [`127.0.0.1:5000/app@${D}`, { registry: "127.0.0.1:5000", endpoint: "127.0.0.1:5000", repository: "app", digest: D, reference: D }],
    [`ghcr.io/o/app:v1@${D}`, { registry: "ghcr.io", endpoint: "ghcr.io", repository: "o/app", tag: "v1", digest: D, reference: D }],
  ];
  for (const [input, expected] of cases) {
    test(input, () => {
      assert.deepEqual(registryTarget(parseRegistryReference(input)), { transport: "registry", ...expected });
    });
  }

  const bad: Array<[string, RegExp]> = [
    ["", /it is empty/],
    ["https://ghcr.io/o/app", /leave out the scheme/],
    ["ghcr.io/O/App", /"O" is not a valid repository component/],
    ["app@sha256:1234", /is not a sha256 or sha512 digest/],
    ["app:bad/tag:x", /not a valid/],
    ["ghcr.io//app", /empty component/],
    ["app:-x", /"-x" is not a valid tag/],
  ];
  for (const [input, why] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseRegistryReference(input),
        (err: unknown) => err instanceof SlimgoError && err.exitCode === 2 && why.test(err.message) && err.message.includes("expected HOST"),
      );
    });
  }

  test("formats back to the canonical form", () => {
    assert.equal(formatRegistryReference(parseRegistryReference("alpine")), "docker.io/library/alpine:latest");
    assert.equal(formatRegistryReference(parseRegistryReference(`127.0.0.1:5000/app:v1@${D}`)), `127.0.0.1:5000/app:v1@${D}`);
  });
});

test("only registries the user names are insecure, localhost included", () => {
  assert.equal(isNamedInsecure("127.0.0.1:5000", []), false);
  assert.equal(isNamedInsecure("localhost:5000", ["127.0.0.1:5000"]), false);
  assert.equal(isNamedInsecure("127.0.0.1:5000", ["http://127.0.0.1:5000/"]), true);
  assert.equal(isNamedInsecure("Registry.Local", ["registry.local"]), true);
});
