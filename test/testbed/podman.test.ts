import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { skipContainers } from "../support/tools.js";
import { freePort, imageExists, podman, removeStartedContainers, runContainer, waitForHttp } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";

const ALPINE = "docker.io/library/alpine:3.20";

describe("podman wrapper", { skip: skipContainers() }, () => {
  before(async () => {
    await ensureStandInImages();
  });

  after(async () => {
    await removeStartedContainers();
  });

  test("a container published with ports answers on 127.0.0.1; exec, logs and inspect see it", async () => {
    const port = await freePort();
    const web = await runContainer({
      image: ALPINE,
      ports: { 8080: port },
      args: ["sh", "-c", "mkdir -p /www && echo hello > /www/index.html && echo started && exec httpd -f -p 8080 -h /www"],
    });
    assert.equal(await waitForHttp(`http://127.0.0.1:${port}/`, 10_000), 200);
    assert.equal((await (await fetch(`http://127.0.0.1:${port}/`)).text()).trim(), "hello");
    assert.equal((await web.exec(["cat", "/www/index.html"])).stdout.trim(), "hello");
    assert.match(await web.logs(), /started/);
    assert.equal((await web.inspect()).State?.Running, true);

    // httpd as PID 1 ignores SIGTERM, so stop waits out the timeout and kills it.
    const stopped = await web.stop(1);
    assert.equal(stopped.exitCode, 137);
    assert.ok(stopped.ms >= 900, `stop took only ${stopped.ms} ms`);
    await web.remove();
    const gone = await podman(["container", "exists", web.id], { allowFailure: true });
    assert.notEqual(gone.code, 0);
  });

  test("a failing podman command throws with podman's own message", async () => {
    await assert.rejects(podman(["image", "inspect", "localhost/slimgo-no-such-image:0"]), /image not known/);
    assert.equal(await imageExists("localhost/slimgo-no-such-image:0"), false);
    assert.equal(await imageExists(ALPINE), true);
  });
});
