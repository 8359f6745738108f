/**
 * What compose would run, run with podman (no Docker engine here, so no `docker compose up`): the
 * service image built from the generated Dockerfile, started with the environment compose.yaml
 * gives it (passwords filled in from .env, as compose does), passes its health check.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { copyModule, runSlimgo } from "../support/cli.js";
import { freePort, healthcheckRun, podman, podmanBuild, ULIMIT_FLAGS, removeImages, removeStartedContainers, runContainer, waitForHttp } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { skipContainers } from "../support/tools.js";

const dirs: string[] = [];
const images: string[] = [];

/** Compose's `${VAR}` and `${VAR:?message}` interpolation from .env values. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::\?[^}]*)?\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new Error(`compose would stop: ${name} is not set in .env`);
    return v;
  });
}

async function serviceEnvironment(dir: string, service: string): Promise<Record<string, string>> {
  const compose = parse(await readFile(join(dir, "compose.yaml"), "utf8"));
  let dotEnv: Record<string, string> = {};
  try {
    const text = await readFile(join(dir, ".env"), "utf8");
    dotEnv = Object.fromEntries(text.split("\n").filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  } catch {
    // no .env: nothing to interpolate
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(compose.services[service].environment ?? {})) {
    if (v !== null) env[k] = interpolate(String(v), dotEnv);
  }
  return env;
}

describe("services from `slimgo init` compose files, run with podman", { skip: skipContainers(), concurrency: 1 }, () => {
  before(async () => {
    await ensureStandInImages();
  });
  after(async () => {
    await removeStartedContainers();
    await removeImages(...images);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  test("postgres-service: runs with compose.yaml's environment and its health check passes", async () => {
    const dir = await copyModule("postgres-service");
    dirs.push(dir);
    const init = await runSlimgo(["init", dir]);
    assert.equal(init.code, 0, init.stderr);
    const tag = "localhost/slimgo-test/postgres-service:compose";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });

    const env = await serviceEnvironment(dir, "pgservice");
    const password = (await readFile(join(dir, "secrets/postgres_password.txt"), "utf8")).trim();
    assert.equal(env.DATABASE_URL, `postgres://app:${password}@postgres:5432/app?sslmode=disable`);
    // No compose network here: the container shares the host's, on a free port instead of 8080.
    const port = await freePort();
    const container = await runContainer({ image: tag, env: { ...env, PORT: String(port) } });
    try {
      const base = `http://127.0.0.1:${port}`;
      assert.equal(await waitForHttp(`${base}/healthz`), 200);
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `the compose/Dockerfile health check passes: ${health.output}`);
      assert.equal(await (await fetch(`${base}/config`)).text(), "log level info\n", "LOG_LEVEL from compose.yaml");
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 503);
      assert.match(await ready.text(), /no server at postgres:5432/, "the driver got compose's DATABASE_URL");
    } finally {
      await container.remove();
    }
  });

  test("a compose secret file is readable by the database image's own non-root uid, as compose mounts it", async () => {
    const dir = await copyModule("postgres-service");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const file = join(dir, "secrets/postgres_password.txt");
    // postgres:16-alpine reads POSTGRES_PASSWORD_FILE as uid 70 after dropping root; any small image shows the same.
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, "--user", "70:70", "-v", `${file}:/run/secrets/postgres_password:ro`, "docker.io/library/alpine:3.20", "cat", "/run/secrets/postgres_password"]);
    assert.equal(run.stdout, await readFile(file, "utf8"));
  });

  test("tempfiles: the named volume compose.yaml mounts over the program's data directory is writable by it, and keeps what it wrote", async () => {
    const dir = await copyModule("tempfiles");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const compose = parse(await readFile(join(dir, "compose.yaml"), "utf8"));
    assert.deepEqual(compose.services.tempfiles.volumes, ["tempfiles-data:/var/lib/tempfiles"]);
    assert.deepEqual(compose.volumes, { "tempfiles-data": {} });
    const tag = "localhost/slimgo-test/tempfiles:compose";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    // A new named volume, as `docker compose up` creates one: it takes the image directory's owner.
    const volume = `slimgo-test-tempfiles-${process.pid}`;
    const port = await freePort();
    const container = await runContainer({ image: tag, env: { ...(await serviceEnvironment(dir, "tempfiles")), PORT: String(port) }, flags: ["-v", `${volume}:/var/lib/tempfiles`] });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/healthz`), 200);
      const kept = await fetch(`http://127.0.0.1:${port}/keep`, { method: "POST", body: "hello" });
      assert.equal(kept.status, 200, await kept.text());
      await container.remove();
      const read = await podman(["run", "--rm", ...ULIMIT_FLAGS, "-v", `${volume}:/data`, "docker.io/library/alpine:3.20", "cat", "/data/kept.txt"]);
      assert.equal(read.stdout, "hello", "the volume keeps the file after the container is gone");
    } finally {
      await container.remove();
      await podman(["volume", "rm", "-f", volume]);
    }
  });

  test("three-services --all: every Dockerfile target builds and runs", async () => {
    const dir = await copyModule("three-services");
    dirs.push(dir);
    const init = await runSlimgo(["init", "--all", dir]);
    assert.equal(init.code, 0, init.stderr);
    for (const target of ["api", "worker", "admin"]) {
      const tag = `localhost/slimgo-test/three-services-${target}:all`;
      images.push(tag);
      await podmanBuild({ context: dir, tag, target, noCache: true, format: "docker" });
      const env = await serviceEnvironment(dir, target);
      const port = await freePort();
      const container = await runContainer({ image: tag, env: { ...env, PORT: String(port), POLL_INTERVAL: "100ms" } });
      try {
        if (target === "worker") {
          const deadline = Date.now() + 10_000;
          while (!/no jobs queued/.test(await container.logs()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
          assert.match(await container.logs(), /worker started.*\n.*no jobs queued/);
        } else {
          assert.equal(await waitForHttp(`http://127.0.0.1:${port}/`), 200);
          assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), `${target}\n`, "the binary of this target");
          const health = await healthcheckRun(container.id);
          assert.ok(health.healthy, `${target}: ${health.output}`);
        }
        const stop = await container.stop(10);
        assert.equal(stop.exitCode, 0);
      } finally {
        await container.remove();
      }
    }
  });
});
