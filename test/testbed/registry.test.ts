import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipUnless } from "../support/tools.js";
import { podman, removeImages, runTool } from "../support/podman.js";
import { startRegistry, type RegistryAuth, type TestRegistry } from "../support/registry.js";

const image = `localhost/slimgo-testbed-tiny:${process.pid}`;

/** skopeo copy of the tiny local image to the registry; resolves with skopeo's exit code and stderr. */
async function push(registry: TestRegistry, creds?: string) {
  const args = ["copy", "--dest-tls-verify=false"];
  if (creds) args.push("--dest-creds", creds);
  args.push(`containers-storage:${image}`, `docker://${registry.host}/testbed/tiny:1`);
  return runTool("skopeo", args, { allowFailure: true, timeoutMs: 60_000 });
}

describe("test registry", { skip: skipUnless("podman", "skopeo", "docker-registry", "htpasswd", "openssl") }, () => {
  const registries: TestRegistry[] = [];

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "slimgo-testbed-tiny-"));
    try {
      writeFileSync(join(dir, "hello.txt"), "hello from the test bed\n");
      await runTool("tar", ["-C", dir, "-cf", join(dir, "rootfs.tar"), "hello.txt"]);
      await podman(["import", "-q", join(dir, "rootfs.tar"), image]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  after(async () => {
    for (const r of registries) await r.stop();
    await removeImages(image);
  });

  const modes: RegistryAuth[] = ["none", "basic", "token"];
  for (const auth of modes) {
    test(`auth ${auth}: skopeo pushes with the right credentials and is refused with wrong ones`, async () => {
      const registry = await startRegistry({ auth, users: [{ user: "alice", password: "right-password" }] });
      registries.push(registry);

      if (auth !== "none") {
        const wrong = await push(registry, "alice:wrong-password");
        assert.notEqual(wrong.code, 0, "push with a wrong password succeeded");
        assert.match(wrong.stderr, /unauthorized|authentication required|401/i);
        const anonymous = await push(registry);
        assert.notEqual(anonymous.code, 0, "anonymous push succeeded");
      }

      const right = await push(registry, auth === "none" ? undefined : "alice:right-password");
      assert.equal(right.code, 0, right.stderr);

      const inspectArgs = ["inspect", "--tls-verify=false", `docker://${registry.host}/testbed/tiny:1`];
      if (auth !== "none") inspectArgs.splice(1, 0, "--creds", "alice:right-password");
      const inspected = JSON.parse((await runTool("skopeo", inspectArgs)).stdout) as { Layers: string[] };
      assert.equal(inspected.Layers.length, 1);

      if (auth === "token") assert.ok(registry.tokenRequests > 0, "the registry never asked the token endpoint");
      await registry.stop();
      const down = await fetch(`${registry.url}/v2/`).then(
        () => "up",
        () => "down",
      );
      assert.equal(down, "down");
    });
  }
});
