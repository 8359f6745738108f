/**
 * A cross-repository mount from a repository the user may not read: Docker Hub's token
 * endpoint grants fewer actions and the registry answers 401; GHCR and ECR answer 403
 * DENIED. Docker then uploads the blob; so must slimgo. (`slimgo build --push` does not mount
 * yet; the library's RegistryClient and registryPublisher({ mountFrom }) do.)
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { RegistryClient } from "../../src/registry/client.js";
import { skipUnlessRegistryTools } from "./support/skip.js";
import { makeTestImage, type TestImage } from "./support/image.js";
import { startFront, type Front } from "./support/front.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";

const FAST_RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 100 };
const OWNER = { user: "owner", password: "owner-secret-1" };
const USER = { user: "slimgo", password: "slimgo-secret-2" };

async function pushWithMount(client: RegistryClient, image: TestImage): Promise<string[]> {
  const outcomes: string[] = [];
  for (const blob of [image.layer, image.config]) outcomes.push((await client.pushBlob("team/app", blob, { mountFrom: ["secret/base"] })).outcome);
  await client.putManifest("team/app", "v1", image.manifest.bytes, image.manifest.mediaType);
  return outcomes;
}

async function skopeoRaw(host: string, ref: string, creds: { user: string; password: string }): Promise<Buffer> {
  const { stdout } = await promisify(execFile)(
    "skopeo",
    ["inspect", "--raw", "--tls-verify=false", "--creds", `${creds.user}:${creds.password}`, `docker://${host}/${ref}`],
    { encoding: "buffer", timeout: 60_000 },
  );
  return stdout;
}

describe("a mount the registry refuses falls back to an upload", { skip: skipUnlessRegistryTools("skopeo", "htpasswd", "openssl"), concurrency: 1 }, () => {
  const registries: TestRegistry[] = [];
  const fronts: Front[] = [];
  after(async () => {
    for (const f of fronts) await f.stop();
    for (const r of registries) await r.stop();
  });

  test("token auth: no pull on the source repository (the token grants less, the registry answers 401)", async () => {
    const registry = await startRegistry({
      auth: "token",
      users: [USER, OWNER],
      token: { grant: (user, repository, actions) => (repository.startsWith("secret/") && user !== OWNER.user ? [] : actions) },
    });
    registries.push(registry);
    const image = makeTestImage("mount refused, token\n");
    const owner = new RegistryClient(registry.host, { insecure: true, credentials: { username: OWNER.user, password: OWNER.password, source: "test" }, retry: FAST_RETRY });
    for (const blob of [image.layer, image.config]) await owner.pushBlob("secret/base", blob);

    const client = new RegistryClient(registry.host, { insecure: true, credentials: { username: USER.user, password: USER.password, source: "test" }, retry: FAST_RETRY });
    assert.deepEqual(await pushWithMount(client, image), ["uploaded", "uploaded"]);
    assert.deepEqual(await skopeoRaw(registry.host, "team/app:v1", USER), image.manifest.bytes);
  });

  for (const refusal of [
    { status: 401, headers: { "www-authenticate": 'Basic realm="registry"' }, code: "UNAUTHORIZED" },
    { status: 403, headers: {}, code: "DENIED" },
  ]) {
    test(`basic auth: the registry answers the mount ${refusal.status} ${refusal.code}`, async () => {
      const registry = await startRegistry({ auth: "basic", users: [USER] });
      registries.push(registry);
      const image = makeTestImage(`mount refused, ${refusal.status}\n`);
      const front = await startFront(registry.host, {
        intercept: (req, res) => {
          if (req.method !== "POST" || !req.query.has("mount")) return false;
          res.writeHead(refusal.status, { "content-type": "application/json", ...refusal.headers });
          res.end(JSON.stringify({ errors: [{ code: refusal.code, message: "requested access to the resource is denied" }] }));
          return true;
        },
      });
      fronts.push(front);
      const client = new RegistryClient(front.host, { insecure: true, credentials: { username: USER.user, password: USER.password, source: "test" }, retry: FAST_RETRY });
      assert.deepEqual(await pushWithMount(client, image), ["uploaded", "uploaded"]);
      assert.ok(front.requests.some((r) => r.query.has("mount")), "a mount was tried first");
      assert.deepEqual(await skopeoRaw(registry.host, "team/app:v1", USER), image.manifest.bytes);
    });
  }
});
