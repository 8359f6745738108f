/**
 * What `slimgo inspect` contacts for a reference, told by its error with no network: Docker
 * Hub names go to registry-1.docker.io/library/…, a Harbor-style HOST:PORT/project/team/app
 * to that host with the whole path, and a name with upper case is refused before anything is
 * contacted. Run in a network namespace of its own (unshare -n), where no name resolves and
 * nothing answers, so the test is the same on a machine with network.
 */
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runSlimgo } from "../support/cli.js";

function noNetwork(): string | false {
  try {
    execFileSync("unshare", ["-n", "true"], { stdio: "ignore" });
    return false;
  } catch {
    return "needs unshare -n (root, util-linux) to run without network";
  }
}

const inspectOffline = (ref: string) => runSlimgo(["inspect", ref], { wrapper: ["unshare", "-n"] });

describe("which registry a reference reaches", { skip: noNetwork() }, () => {
  for (const ref of ["x", "docker.io/x", "index.docker.io/x"]) {
    test(`${ref} is Docker Hub's library/x, at registry-1.docker.io`, async () => {
      const r = await inspectOffline(ref);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^slimgo: docker\.io: manifest library\/x:latest: .*registry-1\.docker\.io/m);
    });
  }

  test("HOST:PORT/project/team/app keeps the whole path as the repository", async () => {
    const r = await inspectOffline("127.0.0.1:5999/project/team/app:1.0");
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^slimgo: 127\.0\.0\.1:5999: manifest project\/team\/app:1\.0: connection /m);
  });

  test("upper case in the repository is a usage error naming the component, before any request", async () => {
    const r = await inspectOffline("127.0.0.1:5999/Team/app:1.0");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"Team" is not a valid repository component \(lower case letters/);
    assert.doesNotMatch(r.stderr, /pulling|connection/);
  });
});

test("a login written into the reference (user:password@host/repo) is refused without repeating the password", async () => {
  for (const ref of ["ci-bot:s3cr3t-Pa55@ghcr.io/org/app:1", "docker://ci-bot:s3cr3t-Pa55@ghcr.io/org/app:1", "https://ci-bot:s3cr3t-Pa55@ghcr.io/org/app:1"]) {
    const r = await runSlimgo(["inspect", "--json", ref]);
    assert.equal(r.code, 2, ref);
    const { error } = JSON.parse(r.stdout) as { error: { message: string } };
    assert.match(error.message, /"\*\*\*@ghcr\.io\/org\/app:1": a registry login cannot go in an image reference: log in \(docker login\) or set SLIMGO_REGISTRY_USERNAME/);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cr3t|ci-bot/, ref);
  }
});
