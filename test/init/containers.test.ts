/**
 * `slimgo init` output is proved by running it: for every fixture that builds here, the generated
 * Dockerfile is built with podman (stand-in base images tagged with the official names), the container
 * runs, and the recipe is checked from outside.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyModule, FIXTURES, runSlimgo } from "../support/cli.js";
import { freePort, healthcheckRun, podman, podmanBuild, removeImages, removeStartedContainers, runContainer, waitForHttp, type ContainerHandle } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { skipContainers } from "../support/tools.js";

interface ServerCase {
  name: string;
  from?: "fixtures" | "examples";
  initArgs?: string[];
  healthPath: string;
  /** The kind of HEALTHCHECK init should have written. */
  healthcheck: "flag" | "probe";
  /** Extra environment for the container, computed when the test runs. */
  env?: () => Record<string, string>;
  check?: (base: string, container: ContainerHandle) => Promise<void>;
}

const servers: ServerCase[] = [
  { name: "root-main", healthPath: "/healthz", healthcheck: "probe" },
  { name: "health-flag", healthPath: "/healthz", healthcheck: "flag" },
  { name: "multi-cmd", initArgs: ["--main", "./cmd/api"], healthPath: "/health", healthcheck: "probe" },
  {
    name: "embed",
    healthPath: "/healthz",
    healthcheck: "probe",
    check: async (base) => {
      const res = await fetch(`${base}/`);
      const expected = await readFile(join(FIXTURES, "embed/static/index.html"), "utf8");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), expected, "embedded files are served from the binary");
    },
  },
  {
    name: "zoneinfo",
    healthPath: "/healthz",
    healthcheck: "probe",
    check: async (base) => {
      const res = await fetch(`${base}/time`);
      const body = await res.text();
      assert.equal(res.status, 200, `time.LoadLocation("Europe/Madrid") failed in the image: ${body}`);
      assert.match(body, /\+0[12]:00$/m, "Madrid is UTC+1 or UTC+2");
    },
  },
  {
    name: "tempfiles",
    healthPath: "/healthz",
    healthcheck: "probe",
    check: async (base) => {
      const res = await fetch(`${base}/upload`, { method: "POST", body: "hello" });
      const body = await res.text();
      assert.equal(res.status, 200, `writing a temp file failed in the image: ${body}`);
      assert.match(body, /stored 5 bytes in \/tmp\//);
    },
  },
  {
    name: "tls-client",
    healthPath: "/healthz",
    healthcheck: "probe",
    env: () => ({ ZEN_URL: upstreamUrl }),
    check: async (base) => {
      // No network here: the upstream is a local HTTPS server with a self-signed certificate. An image
      // with a CA bundle rejects it as "signed by unknown authority"; one without certificates fails
      // earlier with "failed to load system roots".
      const res = await fetch(`${base}/zen`);
      const body = await res.text();
      assert.match(body, /certificate signed by unknown authority/, body);
      assert.doesNotMatch(body, /failed to load system roots/, "the image has no CA certificates");
    },
  },
  { name: "notes", from: "examples", healthPath: "/healthz", healthcheck: "flag" },
  {
    name: "local-replace",
    healthPath: "/healthz",
    healthcheck: "probe",
    check: async (base) => {
      // go mod download read greeting/go.mod (mounted beside go.mod), and the build used the replacement.
      assert.equal((await (await fetch(`${base}/`)).text()).trim(), "hello, gopher");
    },
  },
  { name: "subcommand", healthPath: "/healthz", healthcheck: "probe" },
];

let upstream: Server | undefined;
let upstreamUrl = "";
const dirs: string[] = [];
const images: string[] = [];

describe("images built from `slimgo init` Dockerfiles", { skip: skipContainers(), concurrency: 1 }, () => {
  before(async () => {
    await ensureStandInImages();
    const { key, cert } = selfSignedCertificate();
    upstream = createServer({ key, cert }, (_req, res) => res.end("not reached"));
    await new Promise<void>((resolve) => upstream!.listen(0, "127.0.0.1", resolve));
    const address = upstream.address();
    upstreamUrl = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/zen`;
  });

  after(async () => {
    await removeStartedContainers();
    await removeImages(...images);
    upstream?.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  for (const c of servers) {
    test(`${c.name}: builds, serves, runs as non-root, is healthy and stops on SIGTERM`, async () => {
      const dir = await copyModule(c.name, c.from);
      dirs.push(dir);
      const init = await runSlimgo(["init", ...(c.initArgs ?? []), dir]);
      assert.equal(init.code, 0, init.stderr);
      const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
      assert.match(dockerfile, c.healthcheck === "flag" ? /HEALTHCHECK .* CMD \["\/usr\/local\/bin\/[\w-]+", "-[\w-]+"\]/ : /HEALTHCHECK .* CMD \["\/usr\/local\/bin\/healthcheck"/);

      const tag = `localhost/slimgo-test/${c.name}:init`;
      images.push(tag);
      await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
      const verified = await runSlimgo(["verify", `podman:${tag}`]);
      assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);

      const port = await freePort();
      const container = await runContainer({ image: tag, env: { PORT: String(port), ...c.env?.() } });
      const base = `http://127.0.0.1:${port}`;
      try {
        const status = await waitForHttp(`${base}${c.healthPath}`);
        assert.ok(status >= 200 && status < 300, `health endpoint answers 2xx, got ${status}`);
        assert.equal(await processUid(container), 65532, "the process runs as the non-root uid");
        const health = await healthcheckRun(container.id);
        assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}`);
        await c.check?.(base, container);
        const stop = await container.stop(10);
        assert.equal(stop.exitCode, 0, `SIGTERM reaches the process and it exits cleanly: ${await container.logs()}`);
        assert.ok(stop.ms < 5000, `stopped in ${Math.round(stop.ms)} ms, not after the 10 s kill timeout`);
      } finally {
        await container.remove();
      }
    });
  }

  test("grpc-health: the HEALTHCHECK probes the HTTP health port, not the gRPC-style listener found first", async () => {
    const dir = await copyModule("grpc-health");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^EXPOSE 50051$/m);
    assert.match(dockerfile, /CMD \["\/usr\/local\/bin\/healthcheck", "127\.0\.0\.1:8081", "\/healthz"\]$/m);
    const tag = "localhost/slimgo-test/grpc-health:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const [healthPort, apiPort] = [await freePort(), await freePort()];
    const container = await runContainer({ image: tag, ports: { 8081: healthPort, 50051: apiPort } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${healthPort}/healthz`), 200);
      assert.equal(await processUid(container), 65532, "the process runs as the non-root uid");
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}`);
      const stop = await container.stop(10);
      assert.equal(stop.exitCode, 0, `SIGTERM reaches the process and it exits cleanly: ${await container.logs()}`);
    } finally {
      await container.remove();
    }
  });

  test("cli-tool: a non-server CLI gets no EXPOSE or HEALTHCHECK and runs as non-root", async () => {
    const dir = await copyModule("cli-tool");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.doesNotMatch(dockerfile, /EXPOSE|HEALTHCHECK/);
    const tag = "localhost/slimgo-test/cli-tool:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const verified = await runSlimgo(["verify", `podman:${tag}`]);
    assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
    const run = await podman(["run", "--rm", "-i", "--ulimit", "nproc=1000:1000", "--ulimit", "nofile=1000:1000", tag, "-w"], { input: "one two three\n" });
    assert.equal(run.stdout.trim(), "3");
    const version = await podman(["run", "--rm", tag, "-version"]);
    assert.match(version.stdout, /\S/, "the entrypoint takes the program's own flags");
    const config = JSON.parse((await podman(["image", "inspect", tag])).stdout)[0].Config;
    assert.equal(config.User, "65532:65532");
  });

  test("cgo: builds on the glibc builder and runs dynamically linked on distroless/base as non-root", async () => {
    const dir = await copyModule("cgo");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^FROM golang:\$\{GO_VERSION\}-bookworm AS build$/m);
    assert.match(dockerfile, /^FROM gcr\.io\/distroless\/base-debian12:nonroot AS runtime$/m);
    const tag = "localhost/slimgo-test/cgo:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const verified = await runSlimgo(["verify", `podman:${tag}`]);
    assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
    const run = await podman(["run", "--rm", tag, "-a", "40", "-b", "2"]);
    assert.equal(run.stdout.trim(), "42", "the C code ran");
    const config = JSON.parse((await podman(["image", "inspect", tag])).stdout)[0].Config;
    assert.equal(config.User, "65532:65532");
  });

  test("vendored: builds from vendor/ with no module download and no network", async () => {
    const dir = await copyModule("vendored");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.doesNotMatch(dockerfile, /go mod download/);
    assert.doesNotMatch(await readFile(join(dir, ".dockerignore"), "utf8"), /^vendor\/$/m);
    const tag = "localhost/slimgo-test/vendored:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const verified = await runSlimgo(["verify", `podman:${tag}`]);
    assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
    const run = await podman(["run", "--rm", tag, "-name", "gopher"]);
    assert.match(run.stdout, /gopher/);
  });
});

async function processUid(container: ContainerHandle): Promise<number> {
  const pid = (await container.inspect()).State.Pid as number;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  assert.ok(uid, `no Uid line in /proc/${pid}/status`);
  return Number(uid);
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-cert-"));
  dirs.push(dir);
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
}
