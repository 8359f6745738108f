/**
 * `slimgo build` output is proved by running it, as `slimgo init`'s is (test/init/containers.test.ts),
 * with the same fixture servers: each image is loaded into podman from the tarball, passes
 * `slimgo verify`, serves, runs as non-root, becomes healthy and stops on SIGTERM.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { copyModule, runSlimgo } from "../support/cli.js";
import { podman, removeImages, removeStartedContainers } from "../support/podman.js";
import { checkServerImage, SERVER_CASES, startTlsUpstream, type TlsUpstream } from "../support/server-fixtures.js";
import { skipContainers } from "../support/tools.js";

let upstream: TlsUpstream | undefined;
const dirs: string[] = [];
const images: string[] = [];

describe("images built by `slimgo build`", { skip: skipContainers(), concurrency: 1 }, () => {
  before(async () => {
    upstream = await startTlsUpstream();
  });

  after(async () => {
    await removeStartedContainers();
    await removeImages(...images);
    upstream?.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  for (const c of SERVER_CASES) {
    test(`${c.name}: loads, serves, runs as non-root, is healthy and stops on SIGTERM`, async () => {
      const dir = await copyModule(c.name, c.from);
      dirs.push(dir);
      const tarball = join(dir, "..", `${dir.split("/").pop()}.tar`);
      dirs.push(tarball);
      const r = await runSlimgo(["build", c.main ? join(dir, c.main) : dir, "--tarball", tarball, "-t", "build-test", "--json"], { env: { SOURCE_DATE_EPOCH: "1700000000" } });
      assert.equal(r.code, 0, r.stderr);
      const built = (JSON.parse(r.stdout) as { programs: { binary: string; healthcheck: string[] | null }[] }).programs[0]!;
      const probe = built.healthcheck?.[0] === "/usr/local/bin/healthcheck";
      assert.equal(probe ? "probe" : built.healthcheck ? "flag" : "none", c.healthcheck, `health check ${JSON.stringify(built.healthcheck)}`);

      const tag = `localhost/${built.binary}:build-test`;
      images.push(tag);
      await podman(["load", "-i", tarball]);
      const verified = await runSlimgo(["verify", `podman:${tag}`]);
      assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
      await checkServerImage(c, tag, upstream!);
    });
  }
});
