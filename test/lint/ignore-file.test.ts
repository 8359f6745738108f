import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { defaultDockerfile, ignoreFileFor } from "../../src/lint/ignore-file.js";
import { makeContext } from "./support/context.js";

const chosen = (files: Record<string, string>, dockerfile?: string) => {
  const dir = makeContext(files);
  const f = ignoreFileFor(dir, dockerfile === undefined ? undefined : `${dir}/${dockerfile}`);
  return `${basename(f.path)}${f.exists ? "" : " (none yet)"}`;
};

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
});
