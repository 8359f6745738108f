/**
 * Images as other tools on this machine write them, read through the real CLI: each must give the
 * answer the container runtime would, not a refusal.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runSlimgo } from "../support/cli.js";
import { podman, podmanBuild, removeImages, runTool, ULIMIT_FLAGS } from "../support/podman.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipContainers, skipUnless } from "../support/tools.js";
import { gzipSync } from "node:zlib";
import * as zlib from "node:zlib";
import { rawTar } from "../tar/raw-tar.js";
import { sha256, writeRawLayout } from "./raw-layout.js";

const ELF_HEAD = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(200)]);

const temp = tempDirs();

describe("layouts other tools write", () => {
  test("a layout umoci made (init, new, insert, config) reads, though umoci 0.4's insert ends the layer without padding", { skip: skipUnless("umoci") }, async () => {
    const work = await temp.make("slimgo-umoci-");
    const layout = join(work, "layout");
    const source = join(work, "app");
    // A static ELF program to stand in for a Go binary: only where it lands and how it runs matter here.
    copyFileSync("/bin/busybox", source);
    chmodSync(source, 0o755);
    await runTool("umoci", ["init", "--layout", layout]);
    await runTool("umoci", ["new", "--image", `${layout}:base`]);
    await runTool("umoci", ["insert", "--image", `${layout}:base`, source, "/usr/local/bin/app"]);
    await runTool("umoci", ["config", "--image", `${layout}:base`, "--config.entrypoint", "/usr/local/bin/app", "--config.user", "65532"]);

    const inspect = await runSlimgo(["inspect", "--json", "--tree", `oci:${layout}:base`]);
    assert.equal(inspect.code, 0, inspect.stderr);
    const report = JSON.parse(inspect.stdout).images[0] as { tree: { path: string; mode: string }[]; warnings: string[] };
    assert.equal(report.tree.find((e) => e.path === "/usr/local/bin/app")?.mode, "0755");
    assert.match(report.warnings.join("\n"), /ends right after "usr\/local\/bin\/app"/);

    const verify = await runSlimgo(["verify", "--json", `oci:${layout}:base`]);
    assert.ok(verify.code === 0 || verify.code === 1, verify.stderr);
    const checks = JSON.parse(verify.stdout).reports[0].checks as { id: string; status: string }[];
    assert.equal(checks.find((c) => c.id === "SV001")?.status, "pass", verify.stdout);
    assert.equal(checks.find((c) => c.id === "SV005")?.status, "pass", verify.stdout);
  });
});

describe("layers other tools compress", () => {
  test("zstd layers (skopeo copy --dest-compress-format zstd): read where Node can decompress zstd, else one line saying how to go on", { skip: skipUnless("skopeo") }, async () => {
    const work = await temp.make("slimgo-zstd-");
    const tar = rawTar([{ name: "app", data: ELF_HEAD, mode: 0o755 }, { name: "etc/zstd-marker", data: "z\n" }]);
    writeRawLayout(join(work, "gzip"), [{ blob: gzipSync(tar), diffId: sha256(tar) }]);
    await runTool("skopeo", ["copy", "--dest-compress-format", "zstd", `oci:${join(work, "gzip")}:test`, `oci:${join(work, "zstd")}:test`]);
    const inspect = await runSlimgo(["inspect", "--json", "--tree", `oci:${join(work, "zstd")}:test`]);
    if ((zlib as { createZstdDecompress?: unknown }).createZstdDecompress === undefined) {
      assert.equal(inspect.code, 2, inspect.stderr);
      assert.match(inspect.stderr, /^slimgo: layer sha256:[a-f0-9]{64} is zstd-compressed \(application\/vnd\.oci\.image\.layer\.v1\.tar\+zstd\), which Node v[\d.]+ cannot decompress \(Node 22\.15 or later can\): run slimgo on a newer Node, or copy the image with gzip layers \(skopeo copy --dest-compress-format gzip SOURCE oci:DIR\)\n$/);
      return;
    }
    assert.equal(inspect.code, 0, inspect.stderr);
    const report = JSON.parse(inspect.stdout).images[0] as { tree: { path: string }[] };
    assert.ok(report.tree.some((e) => e.path === "/etc/zstd-marker"));
  });
});

describe("file systems podman build writes", () => {
  const suffix = `${process.pid}`;
  const base = `localhost/slimgo-test-shapes-base:${suffix}`;
  const tag = `localhost/slimgo-test-shapes:${suffix}`;
  after(() => removeImages(tag, base));

  test("deletes, opaque directories, a file replaced by a directory and a directory by a symlink, hard and symbolic links: the tree podman runs", { skip: skipContainers() }, async () => {
    const work = await temp.make("slimgo-shapes-");
    const rootfs = join(work, "rootfs");
    mkdirSync(join(rootfs, "bin"), { recursive: true });
    copyFileSync("/bin/busybox", join(rootfs, "bin", "busybox"));
    chmodSync(join(rootfs, "bin", "busybox"), 0o755);
    symlinkSync("busybox", join(rootfs, "bin", "sh"));
    await runTool("tar", ["-C", rootfs, "-cf", join(work, "rootfs.tar"), "."]);
    await podman(["import", join(work, "rootfs.tar"), base]);
    const steps = [
      "mkdir -p /data/sub /opq/keep /usr/local/bin /replace && echo a > /data/a && echo b > /data/sub/b && echo x > /opq/x && echo y > /opq/keep/y && echo f > /replace/f && echo l > /filelater && cp /bin/busybox /usr/local/bin/app",
      "rm -rf /data/sub /opq && mkdir /opq && echo new > /opq/new && rm -rf /replace && ln -s /data /replace && rm /filelater && mkdir /filelater && echo in > /filelater/in",
      "ln /usr/local/bin/app /usr/local/bin/app-hard && ln -s /usr/local/bin/app /app && ln -s ../usr/local/bin/app /rel-app && ln -s /loop-b /loop-a && ln -s /loop-a /loop-b",
    ];
    writeFileSync(join(work, "Dockerfile"), `FROM ${base}\n${steps.map((s) => `RUN /bin/busybox sh -c '${s}'`).join("\n")}\nUSER 65532\nENTRYPOINT ["/app"]\n`);
    // --layers: a layer per RUN, as docker build makes them, so the deletes are whiteouts in later layers.
    await podmanBuild({ context: work, tag, layers: true });
    const listed = await podman(["run", "--rm", ...ULIMIT_FLAGS, "--network", "host", "--entrypoint", "/bin/busybox", tag, "find", "/data", "/opq", "/filelater", "/usr/local", "/replace", "/app", "/rel-app", "/loop-a"]);
    const inContainer = listed.stdout.trim().split("\n").sort();

    for (const reference of [`podman:${tag}`, `oci:${join(work, "layout")}`]) {
      if (reference.startsWith("oci:")) await runTool("skopeo", ["copy", `containers-storage:${tag}`, `oci:${join(work, "layout")}`]);
      const inspect = await runSlimgo(["inspect", "--json", "--tree", "-q", reference]);
      assert.equal(inspect.code, 0, inspect.stderr);
      const tree = JSON.parse(inspect.stdout).images[0].tree as { path: string; type: string; linkTarget?: string }[];
      const roots = ["/data", "/opq", "/filelater", "/usr/local", "/replace", "/app", "/rel-app", "/loop-a"];
      const seen = tree.map((e) => e.path).filter((p) => roots.some((r) => p === r || p.startsWith(`${r}/`))).sort();
      assert.deepEqual(seen, inContainer, reference);
      const byPath = new Map(tree.map((e) => [e.path, e]));
      assert.equal(byPath.get("/replace")?.linkTarget, "/data");
      assert.equal(byPath.get("/filelater")?.type, "dir");
      assert.equal(byPath.get("/usr/local/bin/app-hard")?.type, "hardlink");
      const verify = await runSlimgo(["verify", "--json", "-q", reference]);
      const checks = JSON.parse(verify.stdout).reports[0].checks as { id: string; status: string; evidence: string[] }[];
      assert.equal(checks.find((c) => c.id === "SV001")?.status, "pass", verify.stdout);
    }
  });
});
