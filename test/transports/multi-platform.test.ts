import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIndex } from "../../src/image/mutate.js";
import { isImageIndex, type Image } from "../../src/image/types.js";
import { readOciLayout, writeOciLayout } from "../../src/transports/oci-layout.js";
import { writeDockerArchive } from "../../src/transports/docker-archive.js";
import { walkLayer } from "../../src/tar/read.js";
import { skipContainers, skipUnless } from "../support/tools.js";
import { podman, runTool, ULIMIT_FLAGS } from "../support/podman.js";
import { busyboxImage } from "./fixture.js";

// Cross-compiles Go twice: part of the container suite, skipped by npm run test:unit.
const skip = skipContainers() || skipUnless("go", "skopeo");
const work = mkdtempSync(join(tmpdir(), "slimgo-multi-"));
const blobs = join(work, "blobs");
const binaries: Record<string, string> = {};
const loaded: string[] = [];
after(async () => {
  if (loaded.length > 0) await podman(["rmi", "--force", ...loaded], { allowFailure: true });
  rmSync(work, { recursive: true, force: true });
});

/** e_machine of an ELF header: 62 x86-64, 183 AArch64. */
function elfMachine(head: Buffer): number {
  assert.equal(head.subarray(0, 4).toString("latin1"), "\x7fELF");
  return head.readUInt16LE(18);
}

async function images(): Promise<Image[]> {
  return Promise.all(
    (["amd64", "arm64"] as const).map((arch) => busyboxImage(blobs, { binary: binaries[arch]!, platform: { os: "linux", architecture: arch } })),
  );
}

describe("multi-platform index", { skip }, () => {
  before(async () => {
    if (skip !== false) return;
    const src = join(work, "src");
    await runTool("mkdir", ["-p", src]);
    writeFileSync(join(src, "go.mod"), "module example.com/hello\n\ngo 1.19\n");
    writeFileSync(join(src, "main.go"), 'package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("hello " + os.Getenv("GOARCH_SEEN") + "\\n") }\n');
    for (const arch of ["amd64", "arm64"]) {
      binaries[arch] = join(work, `hello-${arch}`);
      await runTool("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", binaries[arch]!, "."], {
        cwd: src,
        env: { CGO_ENABLED: "0", GOOS: "linux", GOARCH: arch, GOFLAGS: "-mod=mod", GOPROXY: "off" },
        timeoutMs: 300_000,
      });
    }
  });

  test("skopeo reads the index, and copies the arm64 image out of it", async () => {
    const index = buildIndex(await images());
    const dir = join(work, "layout");
    await writeOciLayout(dir, index, { ref: "hello:multi" });
    const ref = `oci:${dir}:localhost/hello:multi`;
    const raw = JSON.parse((await runTool("skopeo", ["inspect", "--raw", ref])).stdout) as { manifests: { digest: string; platform: { architecture: string } }[] };
    assert.deepEqual(raw.manifests.map((m) => m.platform.architecture), ["amd64", "arm64"]);
    assert.deepEqual(raw.manifests.map((m) => m.digest), index.manifests.map((c) => c.image.digest));

    const other = join(work, "arm64-only");
    await runTool("skopeo", ["copy", "--override-arch", "arm64", ref, `oci:${other}:hello`]);
    const copied = await readOciLayout(other, "hello");
    assert.ok(!isImageIndex(copied));
    assert.equal(copied.config.architecture, "arm64");
    assert.equal(copied.digest, index.manifests[1]!.image.digest);
    let machine = 0;
    await walkLayer(copied.layers[1]!, async (entry) => {
      if (entry.header.path === "bin/app") {
        for await (const chunk of entry.chunks()) {
          if (machine === 0) machine = elfMachine(chunk);
        }
      }
    });
    assert.equal(machine, 183);
  });

  test("reading the layout gives the index back, and equal inputs give equal digests", async () => {
    const first = buildIndex(await images());
    const second = buildIndex(await images());
    assert.equal(first.digest, second.digest);
    const dir = join(work, "reread");
    await writeOciLayout(dir, first, { ref: "hello:multi" });
    const back = await readOciLayout(dir, "multi");
    assert.ok(isImageIndex(back));
    assert.equal(back.digest, first.digest);
    assert.deepEqual(back.manifests.map((c) => c.image.config.architecture), ["amd64", "arm64"]);
  });

  const hostIsBuilt = process.arch === "x64" || process.arch === "arm64";
  test("a multi-platform tarball loads in podman, which runs the host's platform", { skip: hostIsBuilt ? skipContainers() : "host is neither amd64 nor arm64" }, async () => {
    const file = join(work, "multi.tar");
    const name = `localhost/slimgo-test-multi:${process.pid}`;
    await writeDockerArchive(file, buildIndex(await images()), { ref: name });
    await podman(["load", "-i", file]);
    loaded.push(name);
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, "--network", "host", "--env", "GOARCH_SEEN=ok", name]);
    assert.equal(run.stdout.trim(), "hello ok");
  });
});
