import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { RegistryClient, type UploadProgress } from "../../src/registry/client.js";
import { RegistryError } from "../../src/registry/errors.js";
import { skipUnlessRegistryTools } from "./support/skip.js";
import { blobOf, makeTestImage, type TestImage } from "./support/image.js";
import { startFaultProxy } from "./support/proxy.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";

const FAST_RETRY = { attempts: 5, baseDelayMs: 10, maxDelayMs: 100 };

function login(registry: TestRegistry): { username: string; password: string } {
  const user = registry.users[0];
  if (!user) throw new Error("the test registry has no users");
  return { username: user.user, password: user.password };
}

async function pushImage(client: RegistryClient, repo: string, image: TestImage, tag: string) {
  const outcomes = [];
  for (const blob of [image.layer, image.config]) outcomes.push((await client.pushBlob(repo, blob)).outcome);
  const manifestDigest = await client.putManifest(repo, image.manifest.digest, image.manifest.bytes, image.manifest.mediaType);
  const indexDigest = await client.putManifest(repo, tag, image.index.bytes, image.index.mediaType);
  return { outcomes, manifestDigest, indexDigest };
}

// Asynchronous: the token endpoint skopeo talks to is served by this process.
async function skopeo(args: string[], ref: string, creds?: string): Promise<Buffer> {
  const all = ["inspect", "--tls-verify=false", ...args, ...(creds ? ["--creds", creds] : []), `docker://${ref}`];
  const { stdout } = await promisify(execFile)("skopeo", all, { encoding: "buffer", timeout: 60_000 });
  return stdout;
}

const skopeoRaw = (ref: string, creds?: string) => skopeo(["--raw"], ref, creds);

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("registry client against docker-registry, anonymous", { skip: skipUnlessRegistryTools("skopeo") }, () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const image = makeTestImage("anonymous push\n");

  before(async () => {
    registry = await startRegistry({ auth: "none" });
    client = new RegistryClient(registry.host, { insecure: true, credentials: null, retry: FAST_RETRY });
  });
  after(async () => registry?.stop());

  test("pushes blobs, an OCI manifest and an index that skopeo reads back", async () => {
    await client.ping();
    const pushed = await pushImage(client, "app", image, "v1");
    assert.deepEqual(pushed.outcomes, ["uploaded", "uploaded"]);
    assert.equal(pushed.manifestDigest, image.manifest.digest);
    assert.equal(pushed.indexDigest, image.index.digest);
    assert.deepEqual(await skopeoRaw(`${registry.host}/app:v1`), image.index.bytes);
    assert.deepEqual(await skopeoRaw(`${registry.host}/app@${image.manifest.digest}`), image.manifest.bytes);
    const inspected = JSON.parse((await skopeo([], `${registry.host}/app@${image.manifest.digest}`)).toString()) as { Architecture: string; Layers: string[] };
    assert.equal(inspected.Architecture, "amd64");
    assert.deepEqual(inspected.Layers, [image.layer.digest]);
  });

  test("a second push uploads no blobs", async () => {
    const proxy = await startFaultProxy(registry.host);
    try {
      const again = new RegistryClient(proxy.host, { insecure: true, credentials: null, retry: FAST_RETRY });
      const pushed = await pushImage(again, "app", image, "v1");
      assert.deepEqual(pushed.outcomes, ["exists", "exists"]);
      const uploads = proxy.requests.filter((r) => r.path.includes("/blobs/uploads/") || (r.method !== "HEAD" && r.path.includes("/blobs/")));
      assert.deepEqual(uploads, []);
      assert.equal(proxy.requests.filter((r) => r.method === "HEAD").length, 2);
    } finally {
      await proxy.stop();
    }
  });

  test("mounts a blob from another repository instead of uploading it", async () => {
    assert.equal(await client.mountBlob("other", "app", image.layer.digest), true);
    assert.equal(await client.blobExists("other", image.layer.digest), true);
    const unknown = blobOf(randomBytes(64));
    assert.equal(await client.mountBlob("other", "app", unknown.digest), false);
    assert.equal(await client.blobExists("other", unknown.digest), false);
    const viaPush = await client.pushBlob("third", image.config, { mountFrom: ["app"] });
    assert.equal(viaPush.outcome, "mounted");
  });

  test("pulls the index, the manifest and a blob, verifying digests", async () => {
    const index = await client.getManifest("app", "v1");
    assert.equal(index.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.equal(index.digest, image.index.digest);
    assert.deepEqual(index.bytes, image.index.bytes);
    const manifest = await client.getManifest("app", image.manifest.digest);
    assert.equal(manifest.mediaType, image.manifest.mediaType);
    assert.deepEqual(manifest.bytes, image.manifest.bytes);
    const layer = await readAll(await client.getBlob("app", image.layer.digest, { size: image.layer.size }));
    assert.deepEqual(layer, image.layer.bytes);
    assert.deepEqual(await client.listTags("app"), ["v1"]);
  });

  test("a blob corrupted on the way fails to pull", async () => {
    const proxy = await startFaultProxy(registry.host, (req) => (req.method === "GET" && req.path.includes("/blobs/") ? "corrupt" : "pass"));
    try {
      const viaProxy = new RegistryClient(proxy.host, { insecure: true, credentials: null, retry: FAST_RETRY });
      const stream = await viaProxy.getBlob("app", image.layer.digest);
      await assert.rejects(readAll(stream), (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.match(err.message, /^127\.0\.0\.1:\d+: blob sha256:[0-9a-f]{12} from app does not match its digest \(got sha256:[0-9a-f]{64}, \d+ bytes\)$/);
        return true;
      });
    } finally {
      await proxy.stop();
    }
  });

  test("a missing manifest is a one-line not-found error", async () => {
    await assert.rejects(client.getManifest("app", "nope"), /^RegistryError: 127\.0\.0\.1:\d+: manifest app:nope: not found \(404\): MANIFEST_UNKNOWN/);
  });

  test("large blobs go up in PATCH chunks and report progress", async () => {
    const chunked = new RegistryClient(registry.host, { insecure: true, credentials: null, chunkSize: 64 * 1024, retry: FAST_RETRY });
    const proxy = await startFaultProxy(registry.host);
    try {
      const viaProxy = new RegistryClient(proxy.host, { insecure: true, credentials: null, chunkSize: 64 * 1024, retry: FAST_RETRY });
      const big = blobOf(randomBytes(200 * 1024));
      const progress: UploadProgress[] = [];
      const result = await viaProxy.pushBlob("big", big, { onProgress: (p) => progress.push(p) });
      assert.equal(result.outcome, "uploaded");
      assert.equal(proxy.requests.filter((r) => r.method === "PATCH").length, 4);
      assert.deepEqual(progress.at(-1), { digest: big.digest, uploaded: big.size, total: big.size });
      assert.deepEqual(await readAll(await chunked.getBlob("big", big.digest)), big.bytes);
    } finally {
      await proxy.stop();
    }
  });

  test("a source that does not match its digest is refused, not stored", async () => {
    const real = blobOf(Buffer.from("the real bytes\n"));
    const liar = { ...real, open: () => blobOf(Buffer.from("other bytes!!!\n")).open() };
    await assert.rejects(client.pushBlob("liar", liar), /content does not match/);
    const short = { ...real, open: () => blobOf(Buffer.from("the real")).open() };
    await assert.rejects(client.pushBlob("liar", short), /content does not match \(got sha256:[0-9a-f]{64}, 8 of 15 bytes\)/);
    const long = { ...real, open: () => blobOf(Buffer.from("the real bytes\nand more")).open() };
    await assert.rejects(client.pushBlob("liar", long), /content does not match/);
    assert.equal(await client.blobExists("liar", real.digest), false);
  });

  test("https is the default: a plain-HTTP registry not named insecure fails with a hint", async () => {
    const strict = new RegistryClient(registry.host, { credentials: null, retry: FAST_RETRY });
    await assert.rejects(strict.ping(), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.match(err.message, /TLS failed .*name it as insecure: --insecure-registry 127\.0\.0\.1:\d+ /);
      return true;
    });
  });
});

for (const auth of ["basic", "token"] as const) {
  describe(`registry client against docker-registry, ${auth} auth`, { skip: skipUnlessRegistryTools("skopeo", "htpasswd", "openssl") }, () => {
    let registry: TestRegistry;
    const image = makeTestImage(`${auth} push\n`);

    before(async () => {
      registry = await startRegistry({ auth });
    });
    after(async () => registry?.stop());

    test("pushes an image with the right credentials", async () => {
      const client = new RegistryClient(registry.host, {
        insecure: true,
        credentials: { ...login(registry), source: "test" },
        retry: FAST_RETRY,
      });
      const pushed = await pushImage(client, "team/app", image, "v1");
      assert.deepEqual(pushed.outcomes, ["uploaded", "uploaded"]);
      assert.equal(await client.mountBlob("team/copy", "team/app", image.layer.digest), true);
      const again = await pushImage(client, "team/app", image, "v1");
      assert.deepEqual(again.outcomes, ["exists", "exists"]);
      if (auth === "token") {
        // Tokens are cached per scope: one for push to team/app, one for the mount.
        assert.equal(registry.tokenRequests, 2);
      }
      assert.deepEqual(await skopeoRaw(`${registry.host}/team/app:v1`, `${login(registry).username}:${login(registry).password}`), image.index.bytes);
    });

    test("parallel pushes share one login", async () => {
      const client = new RegistryClient(registry.host, {
        insecure: true,
        credentials: { ...login(registry), source: "test" },
      });
      const before = registry.tokenRequests;
      const blobs = ["a", "b", "c", "d"].map((s) => blobOf(Buffer.from(`parallel ${auth} ${s}\n`)));
      const results = await Promise.all(blobs.map((b) => client.pushBlob("team/parallel", b)));
      assert.deepEqual(results.map((r) => r.outcome), ["uploaded", "uploaded", "uploaded", "uploaded"]);
      // Token auth: one challenge answered by one token request, shared by all four uploads.
      assert.equal(registry.tokenRequests - before, auth === "token" ? 1 : 0);
    });

    test("wrong credentials give one line naming the registry and user, never the password", async () => {
      const password = "wr0ng-Pa55word";
      const client = new RegistryClient(registry.host, {
        insecure: true,
        credentials: { username: login(registry).username, password, source: "test" },
        retry: FAST_RETRY,
      });
      await assert.rejects(client.pushBlob("team/app", blobOf(Buffer.from("x"))), (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(
          err.message,
          `${registry.host}: authentication failed for user ${login(registry).username} (401): the registry refused the login from test: log in again (docker login ${registry.host})`,
        );
        assert.equal(err.exitCode, 2);
        const everything = `${inspect(err, { depth: 10 })} ${err.stack ?? ""}`;
        assert.ok(!everything.includes(password), "password leaked into the error");
        assert.ok(!everything.includes(Buffer.from(`${login(registry).username}:${password}`).toString("base64")), "basic header leaked");
        return true;
      });
    });

    test("no credentials give 'authentication required'", async () => {
      const client = new RegistryClient(registry.host, { insecure: true, credentials: null, retry: FAST_RETRY });
      await assert.rejects(client.getManifest("team/app", "v1"), /^RegistryError: 127\.0\.0\.1:\d+: authentication required \(401\)/);
    });
  });
}
