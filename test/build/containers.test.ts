/**
 * `slimgo build` output is proved by running it, as `slimgo init`'s is (test/init/containers.test.ts),
 * with the same fixture servers: each image is loaded into podman from the tarball, passes
 * `slimgo verify`, serves, runs as non-root, becomes healthy and stops on SIGTERM.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { copyModule, runSlimgo } from "../support/cli.js";
import { podman } from "../support/podman.js";
import { checkServerImage, SERVER_CASES, serverTestBed } from "../support/server-fixtures.js";
import { skipContainers } from "../support/tools.js";

describe("images built by `slimgo build`", { skip: skipContainers(), concurrency: 1 }, () => {
  const bed = serverTestBed();

  for (const c of SERVER_CASES) {
    test(`${c.name}: loads, serves, runs as non-root, is healthy and stops on SIGTERM`, async () => {
      const dir = await copyModule(c.name, c.from);
      bed.paths.push(dir);
      const tarball = join(dir, "..", `${dir.split("/").pop()}.tar`);
      bed.paths.push(tarball);
      // An image of its own (the label makes its ID differ): images.test.ts builds the same fixtures,
      // reproducibly, beside this file, and `podman rmi -f` of one image ID would remove the other's.
      const r = await runSlimgo(["build", c.main ? join(dir, c.main) : dir, "--tarball", tarball, "-t", "containers-test", "--label", "slimgo.test=containers", "--json"], {
        env: { SOURCE_DATE_EPOCH: "1700000000" },
      });
      assert.equal(r.code, 0, r.stderr);
      const built = (JSON.parse(r.stdout) as { programs: { binary: string; healthcheck: string[] | null }[] }).programs[0]!;
      const probe = built.healthcheck?.[0] === "/usr/local/bin/healthcheck";
      assert.equal(probe ? "probe" : built.healthcheck ? "flag" : "none", c.healthcheck, `health check ${JSON.stringify(built.healthcheck)}`);

      const tag = `localhost/${built.binary}:containers-test`;
      bed.images.push(tag);
      await podman(["load", "-i", tarball]);
      const verified = await runSlimgo(["verify", `podman:${tag}`]);
      assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
      await checkServerImage(c, tag, bed.upstream());
    });
  }
});
