import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { findCommand, normalizeImagePath, resolveImagePath } from "../../src/verify/image-paths.js";
import { fakeView } from "./fake-view.js";

describe("paths inside an image", () => {
  test("normalises like the kernel: dots, double slashes, .. stops at the root", () => {
    assert.equal(normalizeImagePath("/a/./b//c/../d/"), "/a/b/d");
    assert.equal(normalizeImagePath("/../../etc/passwd"), "/etc/passwd");
    assert.equal(normalizeImagePath("bin/app", "/srv"), "/srv/bin/app");
  });

  test("a relative link climbing past the root stays inside the image", () => {
    const view = fakeView({ files: { "/etc/hosts": "image", "/app/data": { symlink: "../../../../../../etc/hosts" } } });
    const resolved = resolveImagePath(view, "/app/data");
    assert.equal(resolved?.path, "/etc/hosts");
    assert.equal(resolved?.entry?.type, "file");
  });

  test("an absolute link resolves from the image root, not the host's", () => {
    // The host has /bin/true; the image does not.
    const view = fakeView({ files: { "/app": { symlink: "/bin/true" } } });
    assert.equal(resolveImagePath(view, "/app")?.entry, undefined);
  });

  test("links in the middle of a path are followed; loops give up", () => {
    const view = fakeView({
      files: { "/lib": { symlink: "usr/lib" }, "/usr/lib/libc.so.6": "x", "/loop/a": { symlink: "b" }, "/loop/b": { symlink: "a" } },
    });
    assert.equal(resolveImagePath(view, "/lib/libc.so.6")?.path, "/usr/lib/libc.so.6");
    assert.equal(resolveImagePath(view, "/loop/a"), undefined);
    assert.equal(resolveImagePath(view, "/lib", false)?.entry?.type, "symlink");
  });

  test("a path through a regular file is not found", () => {
    const view = fakeView({ files: { "/etc/passwd": "x" } });
    assert.equal(resolveImagePath(view, "/etc/passwd/x"), undefined);
  });

  test("hard links resolve to the file they name", () => {
    const view = fakeView({ files: { "/bin/busybox": { content: "\x7fELF", mode: 0o755 }, "/bin/sh": { hardlink: "/bin/busybox" } } });
    assert.equal(resolveImagePath(view, "/bin/sh")?.entry?.type, "file");
  });

  test("commands are searched in PATH in order, skipping non-executables", () => {
    const view = fakeView({ files: { "/a/app": { content: "x", mode: 0o644 }, "/b/app": { content: "x", mode: 0o755 } } });
    assert.equal(findCommand(view, "app", new Map([["PATH", "/a:/b"]]))?.path, "/b/app");
    assert.equal(findCommand(view, "app", new Map([["PATH", "/a"]])), undefined);
  });
});
