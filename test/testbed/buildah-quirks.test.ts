// Pins down how podman 4.3 / buildah 1.28 on this machine differ from BuildKit where slimgo's
// generated Dockerfiles depend on it. If one of these starts failing, the tool changed: update
// docs/testbed notes and the generator's workarounds.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipContainers } from "../support/tools.js";
import { inspectImage, podman, podmanBuild, removeImages } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";

describe("buildah quirks", { skip: skipContainers() }, () => {
  const tag = (name: string) => `localhost/slimgo-testbed-quirk-${name}:${process.pid}`;
  const tags: string[] = [];
  let context = "";

  before(async () => {
    await ensureStandInImages();
    context = mkdtempSync(join(tmpdir(), "slimgo-testbed-quirks-"));
  });

  after(async () => {
    await removeImages(...tags);
    if (context) rmSync(context, { recursive: true, force: true });
  });

  async function build(name: string, dockerfile: string, format?: "oci" | "docker"): Promise<string> {
    const file = join(context, `Dockerfile.${name}`);
    writeFileSync(file, dockerfile);
    tags.push(tag(name));
    await podmanBuild({ context, dockerfile: file, tag: tag(name), format });
    return tag(name);
  }

  /** Mode bits (octal, with sticky) of `path` inside a local image, read through `podman image mount`. */
  async function modeIn(image: string, path: string): Promise<string> {
    const mountpoint = (await podman(["image", "mount", image])).stdout.trim();
    try {
      return (statSync(join(mountpoint, path)).mode & 0o7777).toString(8);
    } finally {
      await podman(["image", "unmount", image], { allowFailure: true });
    }
  }

  test("COPY --from of a 1777 directory onto /tmp gives 755; copying its parent keeps 1777", async () => {
    const stage = "FROM docker.io/library/alpine:3.20 AS build\nRUN mkdir -p /rootfs/tmp && chmod 1777 /rootfs/tmp\n";
    const direct = await build("tmp-direct", `${stage}FROM scratch\nCOPY --from=build /rootfs/tmp /tmp\n`);
    const chmod = await build("tmp-chmod", `${stage}FROM scratch\nCOPY --from=build --chmod=1777 /rootfs/tmp /tmp\n`);
    const parent = await build("tmp-parent", `${stage}FROM scratch\nCOPY --from=build /rootfs/ /\n`);
    assert.equal(await modeIn(direct, "tmp"), "755");
    assert.equal(await modeIn(chmod, "tmp"), "755");
    assert.equal(await modeIn(parent, "tmp"), "1777");
  });

  test("HEALTHCHECK survives only in docker-format builds", async () => {
    const dockerfile = "FROM docker.io/library/alpine:3.20\nHEALTHCHECK --interval=5s CMD [\"true\"]\n";
    const docker = await inspectImage(await build("hc-docker", dockerfile, "docker"));
    const oci = await inspectImage(await build("hc-oci", dockerfile, "oci"));
    assert.deepEqual(docker.Healthcheck?.Test, ["CMD", "true"]);
    assert.equal(oci.Healthcheck ?? null, null);
  });
});
