/**
 * The fixture servers whose images are proved by running them: the same cases for images built
 * from `slimgo init`'s Dockerfiles (test/init/containers.test.ts) and by `slimgo build`
 * (test/build/containers.test.ts), so that both ways give an image that serves, runs as
 * non-root, becomes healthy and stops on SIGTERM.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "./cli.js";
import { after, before } from "node:test";
import { freePort, healthcheckRun, removeImages, removeStartedContainers, runContainer, waitForHttp, type ContainerHandle } from "./podman.js";

export interface ServerCase {
  name: string;
  from?: "fixtures" | "examples";
  /** The main package, when the module has several. */
  main?: string;
  healthPath: string;
  /** The kind of health check the image should have: the binary's own flag, or slimgo's probe. */
  healthcheck: "flag" | "probe";
  /** Extra environment for the container. */
  env?: (upstream: TlsUpstream) => Record<string, string>;
  check?: (base: string, container: ContainerHandle) => Promise<void>;
  /** What `slimgo build` needs beyond the module to make the image the check expects (init's Dockerfile needs nothing more). */
  buildArgs?: string[];
}

export const SERVER_CASES: ServerCase[] = [
  { name: "root-main", healthPath: "/healthz", healthcheck: "probe" },
  { name: "health-flag", healthPath: "/healthz", healthcheck: "flag" },
  { name: "multi-cmd", main: "./cmd/api", healthPath: "/health", healthcheck: "probe" },
  {
    name: "embed",
    healthPath: "/healthz",
    healthcheck: "probe",
    // templates/ is read from disk at run time: init's Dockerfile copies it, slimgo build takes it as an asset.
    buildArgs: ["--assets", "templates"],
    check: async (base) => {
      const res = await fetch(`${base}/`);
      const expected = await readFile(join(FIXTURES, "embed/dist/index.html"), "utf8");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), expected, "embedded files are served from the binary");
      const page = await fetch(`${base}/page`);
      const text = await page.text();
      assert.equal(page.status, 200, `templates/page.html is in the image, in the program's working directory: ${text}`);
      assert.match(text, /<title>embedded<\/title>/);
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
      const kept = await fetch(`${base}/keep`, { method: "POST", body: "hello" });
      const keptBody = await kept.text();
      assert.equal(kept.status, 200, `the non-root user cannot write its data directory /var/lib/tempfiles: ${keptBody}`);
      assert.match(keptBody, /kept 5 bytes in \/var\/lib\/tempfiles/);
    },
  },
  {
    name: "tls-client",
    healthPath: "/healthz",
    healthcheck: "probe",
    env: (upstream) => ({ ZEN_URL: upstream.url }),
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
      // The build used the replacement module in greeting/.
      assert.equal((await (await fetch(`${base}/`)).text()).trim(), "hello, gopher");
    },
  },
  { name: "subcommand", healthPath: "/healthz", healthcheck: "probe" },
  { name: "cobra-serve", healthPath: "/healthz", healthcheck: "probe" },
];

/** A local HTTPS server with a self-signed certificate, standing in for an API on the internet. */
export interface TlsUpstream {
  url: string;
  close(): void;
}

export async function startTlsUpstream(): Promise<TlsUpstream> {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-cert-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const server = createServer({ key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") }, (_req, res) => res.end("not reached"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    return { url: `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/zen`, close: () => server.close() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a file of container tests shares: the TLS upstream, and the copies and images to remove at the end. */
export interface ServerTestBed {
  upstream(): TlsUpstream;
  /** Files and directories removed when the tests end. */
  paths: string[];
  images: string[];
}

/** Registers, in the calling describe, the hooks that start the TLS upstream first and remove the containers, images and paths last. */
export function serverTestBed(setUp?: () => Promise<unknown>): ServerTestBed {
  let upstream: TlsUpstream | undefined;
  const bed: ServerTestBed = { upstream: () => upstream!, paths: [], images: [] };
  before(async () => {
    await setUp?.();
    upstream = await startTlsUpstream();
  });
  after(async () => {
    await removeStartedContainers();
    await removeImages(...bed.images);
    upstream?.close();
    await Promise.all(bed.paths.map((p) => rm(p, { recursive: true, force: true })));
  });
  return bed;
}

export async function processUid(container: ContainerHandle): Promise<number> {
  const pid = (await container.inspect()).State.Pid as number;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  assert.ok(uid, `no Uid line in /proc/${pid}/status`);
  return Number(uid);
}

/** Runs `image` as the case's server and checks it from outside: it serves, runs as uid 65532, its health check passes, the case's own check, and SIGTERM stops it at once. */
export async function checkServerImage(c: ServerCase, image: string, upstream: TlsUpstream): Promise<void> {
  const port = await freePort();
  const container = await runContainer({ image, env: { PORT: String(port), ...c.env?.(upstream) } });
  const base = `http://127.0.0.1:${port}`;
  try {
    const status = await waitForHttp(`${base}${c.healthPath}`);
    assert.ok(status >= 200 && status < 300, `health endpoint answers 2xx, got ${status}`);
    assert.equal(await processUid(container), 65532, "the process runs as the non-root uid");
    const health = await healthcheckRun(container.id);
    assert.ok(health.healthy, `the health check passes in the image: ${health.output}`);
    await c.check?.(base, container);
    const stop = await container.stop(10);
    assert.equal(stop.exitCode, 0, `SIGTERM reaches the process and it exits cleanly: ${await container.logs()}`);
    assert.ok(stop.ms < 5000, `stopped in ${Math.round(stop.ms)} ms, not after the 10 s kill timeout`);
  } finally {
    await container.remove();
  }
}
