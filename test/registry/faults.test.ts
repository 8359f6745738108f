import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { RegistryClient } from "../../src/registry/client.js";
import { RegistryError } from "../../src/registry/errors.js";
import { skipUnlessRegistryTools } from "./support/skip.js";
import { blobOf, makeTestImage, type TestBlob, type TestImage } from "./support/image.js";
import { startFaultProxy, type Fault, type FaultProxy, type SeenRequest } from "./support/proxy.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";

const FAST_RETRY = { attempts: 5, baseDelayMs: 10, maxDelayMs: 200 };

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const isBlobUpload = (r: SeenRequest) => r.path.includes("/blobs/uploads/") && (r.method === "PUT" || r.method === "PATCH");

describe("registry client through a faulty connection", { skip: skipUnlessRegistryTools() }, () => {
  let registry: TestRegistry;
  let direct: RegistryClient;
  const proxies: FaultProxy[] = [];

  before(async () => {
    registry = await startRegistry({ auth: "none" });
    direct = new RegistryClient(registry.host, { insecure: true, credentials: null });
  });
  after(async () => {
    for (const proxy of proxies) await proxy.stop();
    await registry?.stop();
  });

  async function through(decide: (req: SeenRequest, n: number) => Fault, chunkSize?: number) {
    const proxy = await startFaultProxy(registry.host, decide);
    proxies.push(proxy);
    const client = new RegistryClient(proxy.host, { insecure: true, credentials: null, retry: FAST_RETRY, chunkSize });
    return { proxy, client };
  }

  async function assertStored(repo: string, blob: TestBlob) {
    assert.deepEqual(await readAll(await direct.getBlob(repo, blob.digest, { size: blob.size })), blob.bytes);
  }

  async function pushImage(client: RegistryClient, repo: string, image: TestImage) {
    for (const blob of [image.layer, image.config]) await client.pushBlob(repo, blob);
    await client.putManifest(repo, image.manifest.digest, image.manifest.bytes, image.manifest.mediaType);
    await client.putManifest(repo, "v1", image.index.bytes, image.index.mediaType);
  }

  test("a connection dropped in the middle of a one-shot upload is retried from a fresh session", async () => {
    let dropped = 0;
    const { proxy, client } = await through((req) => (isBlobUpload(req) && dropped++ === 0 ? "drop" : "pass"));
    const blob = blobOf(randomBytes(256 * 1024));
    const opened: number[] = [];
    const result = await client.pushBlob("dropped", { ...blob, open: () => (opened.push(1), blob.open()) });
    assert.equal(result.outcome, "uploaded");
    assert.equal(opened.length, 2, "the source is opened again for the second try");
    assert.equal(proxy.requests.filter((r) => r.method === "POST").length, 2);
    await assertStored("dropped", blob);
  });

  test("a connection dropped during a chunked upload ends with the correct blob", async () => {
    let patches = 0;
    const { proxy, client } = await through((req) => (req.method === "PATCH" && ++patches === 2 ? "drop" : "pass"), 64 * 1024);
    const blob = blobOf(randomBytes(300 * 1024));
    const result = await client.pushBlob("chunked", blob);
    assert.equal(result.outcome, "uploaded");
    assert.equal(proxy.requests.filter((r) => r.method === "POST").length, 2);
    await assertStored("chunked", blob);
  });

  test("a registry that answers 500 a few times then recovers still gets the whole image", async () => {
    const image = makeTestImage("flaky registry\n");
    const { proxy, client } = await through((_req, n) => (n % 3 === 1 && n < 12 ? { status: 500 } : "pass"));
    await pushImage(client, "flaky", image);
    assert.ok(proxy.requests.length > 10);
    const index = await direct.getManifest("flaky", "v1");
    assert.equal(index.digest, image.index.digest);
    for (const blob of [image.layer, image.config]) await assertStored("flaky", blob);
  });

  test("Retry-After on a 429 is honoured", async () => {
    const { client } = await through((_req, n) => (n === 1 ? { status: 429, retryAfter: "1" } : "pass"));
    const started = Date.now();
    await client.ping();
    assert.ok(Date.now() - started >= 900, `retried after ${Date.now() - started} ms`);
  });

  test("a registry that keeps failing gives a clear error after a bounded number of tries", async () => {
    const { proxy, client } = await through(() => ({ status: 503 }));
    const blob = blobOf(Buffer.from("never stored\n"));
    await assert.rejects(client.pushBlob("down", blob), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.match(
        err.message,
        // HEAD answers have no body, so there is no registry error code to summarise.
        /^127\.0\.0\.1:\d+: check for blob sha256:[0-9a-f]{12} in down failed \(503\) \(gave up after 5 tries\)$/,
      );
      return true;
    });
    assert.equal(proxy.requests.length, 5);
    await assert.rejects(
      client.getManifest("down", "v1"),
      /^RegistryError: 127\.0\.0\.1:\d+: manifest down:v1 failed \(503\): UNAVAILABLE: injected fault \(gave up after 5 tries\)$/,
    );
    assert.equal(proxy.requests.length, 10);
  });

  test("an upload whose connection always drops stops after a bounded number of tries", async () => {
    const { proxy, client } = await through((req) => (isBlobUpload(req) ? "drop" : "pass"));
    const blob = blobOf(randomBytes(32 * 1024));
    await assert.rejects(client.pushBlob("always-dropped", blob), /^RegistryError: 127\.0\.0\.1:\d+: upload of blob .*connection failed .*\(gave up after 5 tries\)$/);
    assert.equal(proxy.requests.filter((r) => r.method === "POST").length, 5);
    assert.equal(await direct.blobExists("always-dropped", blob.digest), false);
  });
});
