import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fullLocalName, imageNameOf, parseImageReference, formatImageReference } from "../../src/image/reference.js";
import { SlimgoError } from "../../src/errors.js";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  const cases: [string, unknown][] = [
    ["oci:/tmp/layout", { transport: "oci", dir: "/tmp/layout" }],
    ["oci:/tmp/layout:v1", { transport: "oci", dir: "/tmp/layout", tag: "v1" }],
    ["oci:out:localhost/app:1.0", { transport: "oci", dir: "out", tag: "localhost/app:1.0" }],
    ["oci-archive:img.tar", { transport: "oci-archive", file: "img.tar" }],
    ["docker-archive:img.tar", { transport: "docker-archive", file: "img.tar" }],
    ["docker-archive:img.tar:app:1", { transport: "docker-archive", file: "img.tar", ref: "app:1" }],
    ["podman:app", { transport: "podman", name: "app" }],
    ["docker:app:1", { transport: "docker-daemon", name: "app:1" }],
    ["nginx", { transport: "registry", registry: "docker.io", repository: "library/nginx", tag: "latest" }],
    ["nginx:1.25", { transport: "registry", registry: "docker.io", repository: "library/nginx", tag: "1.25" }],
    ["index.docker.io/user/app", { transport: "registry", registry: "docker.io", repository: "user/app", tag: "latest" }],
    ["docker://ghcr.io/org/app:v2", { transport: "registry", registry: "ghcr.io", repository: "org/app", tag: "v2" }],
    ["localhost:5000/app:1", { transport: "registry", registry: "localhost:5000", repository: "app", tag: "1" }],
    ["127.0.0.1:5000/a/b/c", { transport: "registry", registry: "127.0.0.1:5000", repository: "a/b/c", tag: "latest" }],
    [`gcr.io/distroless/static@${DIGEST}`, { transport: "registry", registry: "gcr.io", repository: "distroless/static", digest: DIGEST }],
    [`gcr.io/distroless/static:nonroot@${DIGEST}`, { transport: "registry", registry: "gcr.io", repository: "distroless/static", tag: "nonroot", digest: DIGEST }],
    ["user/app", { transport: "registry", registry: "docker.io", repository: "user/app", tag: "latest" }],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.deepEqual(parseImageReference(input), expected));
  }

  for (const bad of ["", "UPPER/case", "app:", "app@sha256:123", "oci:", "a//b", "app:-tag", "host:99999999/x"]) {
    test(`refuses ${JSON.stringify(bad)} with a usage error`, () => {
      assert.throws(() => parseImageReference(bad), (err: unknown) => err instanceof SlimgoError && err.exitCode === 2);
    });
  }

  test("formats back to an equivalent string", () => {
    for (const input of ["oci:/tmp/x:v1", "oci-archive:a.tar", "docker-archive:a.tar:app:1", "ghcr.io/org/app:v2", "podman:app"]) {
      assert.deepEqual(parseImageReference(formatImageReference(parseImageReference(input))), parseImageReference(input));
    }
  });
});

test("fullLocalName names local images the way podman does", () => {
  assert.equal(fullLocalName("app"), "localhost/app:latest");
  assert.equal(fullLocalName("app:1.0"), "localhost/app:1.0");
  assert.equal(fullLocalName("ghcr.io/org/app:2"), "ghcr.io/org/app:2");
  assert.equal(fullLocalName("localhost:5000/app"), "localhost:5000/app:latest");
});

test("imageNameOf turns any binary name into a repository component", () => {
  const cases: [string, string][] = [
    ["api", "api"],
    ["My.Tool", "my.tool"],
    ["api+v2", "api-v2"],
    ["a__b--c", "a__b--c"],
    ["a._b", "a-b"],
    ["_private.", "private"],
    ["ünï", "n"],
    ["+++", "app"],
  ];
  for (const [binary, name] of cases) {
    assert.equal(imageNameOf(binary), name, binary);
    assert.equal(fullLocalName(name), `localhost/${name}:latest`, `${binary} gives a valid name`);
  }
});
