/** The health probe slimgo compiles (and init's Dockerfile carries), run against real HTTP servers on 127.0.0.1. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHealthProbe } from "../../src/build/go-build.js";
import { findGoToolchain } from "../../src/build/go-toolchain.js";
import { hostPlatform } from "../../src/build/platforms.js";
import { skipUnless } from "../support/tools.js";

function run(probe: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(probe, args, { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 10_000 }, (error) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 128;
      resolve({ code, ms: Date.now() - started });
    });
  });
}

const listen = (server: Server | TcpServer): Promise<number> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

describe("the health probe", { skip: skipUnless("go") }, () => {
  let dir: string;
  let probe: string;
  let http: Server;
  let httpPort: number;
  let silent: TcpServer;
  let silentPort: number;
  const held: Socket[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "slimgo-probe-"));
    probe = await buildHealthProbe(await findGoToolchain(), hostPlatform(), dir);
    http = createServer((req, res) => {
      res.writeHead(req.url === "/healthz" ? 204 : req.url === "/slow-ok" ? 200 : 503);
      res.end();
    });
    httpPort = await listen(http);
    // Accepts and never answers: the probe must give up on its own.
    silent = createTcpServer((socket) => held.push(socket));
    silentPort = await listen(silent);
  });
  after(async () => {
    for (const s of held) s.destroy();
    await new Promise((r) => http.close(r));
    await new Promise((r) => silent.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  test("exits 0 on a 2xx answer and 1 on any other, on 127.0.0.1 and localhost", async () => {
    assert.equal((await run(probe, [`127.0.0.1:${httpPort}`, "/healthz"])).code, 0);
    assert.equal((await run(probe, [`localhost:${httpPort}`, "/slow-ok"])).code, 0);
    assert.equal((await run(probe, [`127.0.0.1:${httpPort}`, "/missing"])).code, 1, "503");
  });

  test("exits 1 when nothing listens, and within its own timeout when the server never answers", async () => {
    const free = createTcpServer();
    const closed = await listen(free);
    await new Promise((r) => free.close(r));
    assert.equal((await run(probe, [`127.0.0.1:${closed}`, "/healthz"])).code, 1);
    const hung = await run(probe, [`127.0.0.1:${silentPort}`, "/healthz"]);
    assert.equal(hung.code, 1);
    assert.ok(hung.ms < 5_000, `gave up after ${hung.ms} ms (the HEALTHCHECK's own timeout is 5 s)`);
  });

  test("a TLS server never answers it with a 2xx: plain HTTP is all it speaks (so slimgo gives TLS servers no probe)", { skip: skipUnless("openssl") }, async () => {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
    const tls = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (_req, res) => res.writeHead(204).end());
    const port = await listen(tls);
    try {
      assert.equal((await run(probe, [`127.0.0.1:${port}`, "/healthz"])).code, 1);
    } finally {
      await new Promise((r) => tls.close(r));
    }
  });

  test("follows the port variable named as its third argument when it is set, a port or an address", async () => {
    assert.equal((await run(probe, ["127.0.0.1:1", "/healthz", "PORT"], { PORT: String(httpPort) })).code, 0);
    assert.equal((await run(probe, [`127.0.0.1:${httpPort}`, "/healthz", "PORT"])).code, 0, "unset: the address given");
    assert.equal((await run(probe, ["127.0.0.1:1", "/healthz", "LISTEN_ADDR"], { LISTEN_ADDR: `:${httpPort}` })).code, 0, "an address: its port");
    assert.equal((await run(probe, ["127.0.0.1:1", "/healthz", "LISTEN_ADDR"], { LISTEN_ADDR: `0.0.0.0:${httpPort}` })).code, 0);
  });
});
