import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { defaultDockerfile, ignoreFileFor, ignoreFilesFor } from "../../src/lint/ignore-file.js";
import { makeContext } from "./support/context.js";

const chosen = (files: Record<string, string>, dockerfile?: string) => {
  const dir = makeContext(files);
  const f = ignoreFileFor(dir, dockerfile === undefined ? undefined : `${dir}/${dockerfile}`);
  return `${basename(f.path)}${f.exists ? "" : " (none yet)"}`;
};

const read = (files: Record<string, string>, dockerfile?: string) => {
  const dir = makeContext(files);
  return ignoreFilesFor(dir, dockerfile === undefined ? undefined : `${dir}/${dockerfile}`).map((f) => `${basename(f.path)}${f.exists ? "" : " (none yet)"}: ${f.readBy.join(", ")}`);
};

test("each builder's ignore file, as podman 4.3.1 and BuildKit read them: docker and podman differ when both .dockerignore and .containerignore exist", () => {
  const both = { ".dockerignore": "", ".containerignore": "" };
  assert.deepEqual(read(both, "Dockerfile"), [".dockerignore: docker", ".containerignore: podman"]);
  assert.deepEqual(read(both, "Containerfile"), [".containerignore: podman", ".dockerignore: docker"]);
  assert.deepEqual(read({ ".dockerignore": "" }, "Dockerfile"), [".dockerignore: docker, podman"]);
  assert.deepEqual(read({ ".containerignore": "" }, "Dockerfile"), [".containerignore: podman"]);
  assert.deepEqual(read({}, "Dockerfile"), [".dockerignore (none yet): docker, podman"]);
  // Beside the Dockerfile: both read <Dockerfile>.dockerignore first; podman <Dockerfile>.containerignore before that.
  assert.deepEqual(read({ ...both, "Dockerfile.dockerignore": "" }, "Dockerfile"), ["Dockerfile.dockerignore: docker, podman"]);
  assert.deepEqual(read({ ...both, "Dockerfile.containerignore": "" }, "Dockerfile"), [".dockerignore: docker", "Dockerfile.containerignore: podman"]);
});

test("the ignore file a build reads: Dockerfile-specific, then .containerignore for a Containerfile, then .dockerignore, then .containerignore", () => {
  const both = { ".dockerignore": "", ".containerignore": "" };
  assert.equal(chosen({ ...both, "Dockerfile.dockerignore": "" }, "Dockerfile"), "Dockerfile.dockerignore");
  assert.equal(chosen(both, "Containerfile"), ".containerignore");
  assert.equal(chosen(both, "Dockerfile"), ".dockerignore");
  assert.equal(chosen({ ".containerignore": "" }, "Dockerfile"), ".containerignore");
  assert.equal(chosen({}, "Containerfile"), ".dockerignore (none yet)");
  assert.equal(chosen(both), ".dockerignore");
});

test("the Dockerfile lint reads when given none: Dockerfile, or Containerfile when only that exists", () => {
  assert.equal(defaultDockerfile(makeContext({ Containerfile: "" })), "Containerfile");
  assert.equal(defaultDockerfile(makeContext({ Containerfile: "", Dockerfile: "" })), "Dockerfile");
  assert.equal(defaultDockerfile(makeContext({})), "Dockerfile");
  // docker build takes a lower-case dockerfile when there is no Dockerfile (on Linux, where names differ by case).
  assert.equal(defaultDockerfile(makeContext({ dockerfile: "" })), "dockerfile");
  assert.equal(defaultDockerfile(makeContext({ dockerfile: "", Containerfile: "" })), "dockerfile");
});
