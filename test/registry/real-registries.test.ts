/**
 * `slimgo build --push` and `slimgo inspect` against what registries other than a bare
 * docker-registry do, reproduced by a front server before the real one (support/front.ts):
 * blobs redirected to storage on another origin, token endpoints that answer differently,
 * upload Locations written other ways, the OCI 1.1 referrers API. Each image written is read
 * back with skopeo; no output and no other origin ever sees a credential.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { copyModule, runSlimgo, type CliResult } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { skipUnlessRegistryTools } from "./support/skip.js";
import { RegistryClient } from "../../src/registry/client.js";
import { sha256 } from "../../src/image/digest.js";
import { blobRequest, startBlobStore, startFront, type BlobStore, type Front, type FrontRequest } from "./support/front.js";

const temps: string[] = [];
const registries: TestRegistry[] = [];
const fronts: Front[] = [];
const stores: BlobStore[] = [];
let module = "";
const env = { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_CACHE_DIR: join(tmpdir(), `slimgo-real-registries-cache-${process.pid}`) };
temps.push(env.SLIMGO_CACHE_DIR);

interface BuildJson {
  programs: { digest: string; published: { reference: string; digest: string; attached: string[]; blobs: { uploaded: number; existing: number } }[] }[];
}

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const EMPTY = Buffer.from("{}");

async function push(host: string, repo: string, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runSlimgo(["build", "--json", module, "--push", `${host}/${repo}`, "--insecure-registry", host], { env: { ...env, ...extraEnv } });
}

function built(r: CliResult): BuildJson["programs"][number] {
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as BuildJson).programs[0]!;
}

async function skopeoJson(registry: TestRegistry, ref: string, ...args: string[]): Promise<Record<string, any>> {
  const creds = registry.auth === "none" ? [] : ["--creds", `${registry.users[0]!.user}:${registry.users[0]!.password}`];
  return JSON.parse((await runTool("skopeo", ["inspect", "--tls-verify=false", ...args, ...creds, `docker://${registry.host}/${ref}`])).stdout);
}

async function tags(registry: TestRegistry, repo: string): Promise<string[]> {
  return (JSON.parse((await runTool("skopeo", ["list-tags", "--tls-verify=false", `docker://${registry.host}/${repo}`])).stdout) as { Tags: string[] }).Tags.sort();
}

function credentialsOf(registry: TestRegistry): { env: Record<string, string>; basic: string; password: string } {
  const { user, password } = registry.users[0]!;
  return { env: { SLIMGO_REGISTRY_USERNAME: user, SLIMGO_REGISTRY_PASSWORD: password }, basic: Buffer.from(`${user}:${password}`).toString("base64"), password };
}

/** A bearer token from the registry's token endpoint, for the test's own requests. */
async function tokenFor(registry: TestRegistry, repository: string): Promise<string> {
  const url = `${registry.realm}?service=${registry.service}&scope=repository:${repository}:pull`;
  const answer = await fetch(url, { headers: { authorization: `Basic ${credentialsOf(registry).basic}` } });
  return ((await answer.json()) as { access_token: string }).access_token;
}

/** Nothing a user sees holds the password, its base64 or a bearer token. */
function assertNoSecrets(registry: TestRegistry, ...results: CliResult[]): void {
  const { password, basic } = credentialsOf(registry);
  for (const r of results) {
    const all = r.stdout + r.stderr;
    assert.ok(!all.includes(password) && !all.includes(basic), "the password is in slimgo's output");
    assert.doesNotMatch(all, /Bearer |Basic [A-Za-z0-9+/=]{8}|eyJ[\w-]{10,}/, "an Authorization value is in slimgo's output");
  }
}

/** `repository:NAME:pull[,push]` for a registry request, as the registry's challenge names it. */
function scopeOf(req: FrontRequest): string {
  const name = /^\/v2\/(.+)\/(?:blobs|manifests|tags)\//.exec(req.path)?.[1] ?? "";
  return `repository:${name}:${req.method === "GET" || req.method === "HEAD" ? "pull" : "pull,push"}`;
}

describe("slimgo against what real registries do", { skip: skipUnlessRegistryTools("go", "skopeo", "htpasswd", "openssl"), concurrency: 1 }, () => {
  before(async () => {
    module = await copyModule("root-main");
    temps.push(module);
  });
  after(async () => {
    for (const f of fronts) await f.stop();
    for (const s of stores) await s.stop();
    await Promise.all(registries.map((r) => r.stop()));
    await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
  });

  test("no referrers API: the SBOM joins the artifacts another tool listed under the fallback tag sha256-<hex>", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const first = built(await push(registry.host, "refs/app"));
    const subject = first.digest;
    const fallbackTag = subject.replace(":", "-");
    const sbom = first.published[0]!.attached[0]!;

    // Another tool (a signer) attaches its artifact and lists it beside the SBOM, as the spec says.
    const client = new RegistryClient(registry.host, { insecure: true, credentials: null });
    const image = await client.getManifest("refs/app", subject);
    await client.pushBlob("refs/app", { digest: sha256(EMPTY), size: EMPTY.length, open: () => Readable.from([EMPTY]) });
    const signature = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: "application/vnd.example.signature.v1+json",
        config: { mediaType: "application/vnd.oci.empty.v1+json", digest: sha256(EMPTY), size: EMPTY.length },
        layers: [{ mediaType: "application/vnd.oci.empty.v1+json", digest: sha256(EMPTY), size: EMPTY.length }],
        subject: { mediaType: image.mediaType, digest: subject, size: image.bytes.length },
      }),
    );
    await client.putManifest("refs/app", sha256(signature), signature, OCI_MANIFEST);
    const listed = JSON.parse((await client.getManifest("refs/app", fallbackTag)).bytes.toString()) as { manifests: object[] };
    const signatureEntry = { mediaType: OCI_MANIFEST, digest: sha256(signature), size: signature.length, artifactType: "application/vnd.example.signature.v1+json" };
    const both = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...listed.manifests, signatureEntry] }));
    await client.putManifest("refs/app", fallbackTag, both, OCI_INDEX);

    const again = built(await push(registry.host, "refs/app"));
    assert.equal(again.digest, subject, "the same image again");
    const referrers = (await skopeoJson(registry, `refs/app:${fallbackTag}`, "--raw")) as { manifests: { digest: string; artifactType: string }[] };
    const digests = referrers.manifests.map((m) => m.digest);
    assert.ok(digests.includes(sha256(signature)), "the other tool's artifact is still listed");
    assert.ok(digests.includes(again.published[0]!.attached[0]!), "the SBOM is listed");
    assert.ok(digests.includes(sbom));
    assert.equal(new Set(digests).size, digests.length, "nothing listed twice");
  });

  test("a registry with the referrers API (OCI-Subject on the manifest PUT) gets no fallback tag", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    // As registry 3, Harbor 2.8+ and zot answer a manifest with a subject: OCI-Subject names it.
    const front = await startFront(registry.host, {
      rewrite: (req, answer, body) => {
        if (req.method !== "PUT" || !req.path.includes("/manifests/") || answer.status !== 201) return;
        const subject = (JSON.parse(body.toString("utf8")) as { subject?: { digest?: string } }).subject?.digest;
        if (subject) answer.headers["oci-subject"] = subject;
      },
    });
    fronts.push(front);
    const program = built(await push(front.host, "withapi/app"));
    const artifact = await skopeoJson(registry, `withapi/app@${program.published[0]!.attached[0]!}`, "--raw");
    assert.equal(artifact.subject.digest, program.digest, "the SBOM artifact is stored, its subject the image");
    assert.deepEqual(
      front.requests.filter((r) => r.path.includes("/manifests/sha256-")),
      [],
      "the fallback tag is neither read nor written",
    );
    assert.deepEqual(await tags(registry, "withapi/app"), ["latest"]);
  });

  for (const auth of ["basic", "token"] as const) {
    test(`${auth} auth: blobs answered with 307 to storage on another origin are checked for and pulled, no credential sent there`, async () => {
      const registry = await startRegistry({ auth });
      registries.push(registry);
      const { env: login, basic } = credentialsOf(registry);
      const store = await startBlobStore(registry.url, async (repository) => ({
        authorization: auth === "basic" ? `Basic ${basic}` : `Bearer ${await tokenFor(registry, repository)}`,
      }));
      stores.push(store);
      // As a registry on S3 or GCS does: an authorized GET or HEAD of a blob it has answers 307 to a presigned URL.
      const front = await startFront(registry.host, {
        rewrite: (req, answer) => {
          const blob = blobRequest(req);
          if (!blob || answer.status !== 200 || (req.method !== "GET" && req.method !== "HEAD")) return;
          answer.status = 307;
          answer.headers = { location: store.urlFor(blob.repository, blob.digest) };
          answer.body = Buffer.alloc(0);
        },
      });
      fronts.push(front);
      const first = await push(front.host, "redirected/app", login);
      const program = built(first);
      const second = await push(front.host, "redirected/app", login);
      assert.equal(built(second).published[0]!.blobs.uploaded, 0, "every blob was found through the redirected HEAD");
      const inspected = await runSlimgo(["inspect", "--json", "--insecure-registry", front.host, `${front.host}/redirected/app:latest`], { env: { ...env, ...login } });
      assert.equal(inspected.code, 0, inspected.stderr);
      assert.equal((JSON.parse(inspected.stdout) as { digest: string }).digest, program.digest);
      assert.equal((await skopeoJson(registry, "redirected/app:latest")).Digest, program.digest);

      assert.ok(store.requests.some((r) => r.method === "HEAD"), "HEAD was redirected");
      assert.ok(store.requests.some((r) => r.method === "GET"), "GET was redirected");
      assert.deepEqual(store.requests.filter((r) => r.headers.authorization !== undefined), [], "no Authorization header went to the storage origin");
      assertNoSecrets(registry, first, second, inspected);
    });
  }

  test("a token endpoint on another port answering access_token alone, with tokens that live 2 s: a slow push takes fresh ones", async () => {
    const registry = await startRegistry({ auth: "token", token: { accessTokenOnly: true, expiresIn: 2 } });
    registries.push(registry);
    let refused = 0;
    // registry 2.8 takes a token past its exp; Docker Hub does not: the front refuses it as Docker Hub
    // would, with a challenge naming the scope. It is also slow, so the push outlives its first tokens.
    const front = await startFront(registry.host, {
      intercept: async (req, res) => {
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        if (bearer) {
          const { exp } = JSON.parse(Buffer.from(bearer.split(".")[1] ?? "", "base64url").toString()) as { exp: number };
          if (Date.now() / 1000 >= exp) {
            refused++;
            res.writeHead(401, {
              "content-type": "application/json",
              "www-authenticate": `Bearer realm="${registry.realm}",service="${registry.service}",scope="${scopeOf(req)}",error="invalid_token"`,
            });
            res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "token expired" }] }));
            return true;
          }
        }
        if (req.method === "PUT" && req.path.includes("/blobs/uploads/")) await sleep(1100);
        return false;
      },
    });
    fronts.push(front);
    const r = await push(front.host, "tokens/app", credentialsOf(registry).env);
    const program = built(r);
    assert.equal((await skopeoJson(registry, "tokens/app:latest")).Digest, program.digest);
    const pushTokens = registry.tokenLog.filter((t) => t.scopes.includes("repository:tokens/app:pull,push"));
    assert.ok(pushTokens.length >= 2, `fresh tokens were fetched as they expired (${pushTokens.length} tokens, ${refused} refused)`);
    assertNoSecrets(registry, r);
  });

  for (const style of ["relative", "absolute, with a query of its own"] as const) {
    test(`upload Locations ${style}, no Docker-Content-Digest on the answers, HEAD 404 with a JSON type, a Harbor-style project/team/app path`, async () => {
      const registry = await startRegistry();
      registries.push(registry);
      const lost: string[] = [];
      const front = await startFront(registry.host, {
        intercept: (req, res) => {
          // The session parameter of the Location must come back on the PATCH or PUT that continues it.
          if (style !== "relative" && (req.method === "PUT" || req.method === "PATCH") && req.path.includes("/blobs/uploads/") && req.query.get("session") !== "kept") {
            lost.push(`${req.method} ${req.path}`);
            res.writeHead(404, { "content-type": "application/json" });
            res.end(JSON.stringify({ errors: [{ code: "BLOB_UPLOAD_UNKNOWN", message: "blob upload unknown to registry" }] }));
            return true;
          }
          return false;
        },
        rewrite: (req, answer) => {
          delete answer.headers["docker-content-digest"];
          if (req.method === "HEAD" && answer.status === 404) answer.headers["content-type"] = "application/json; charset=utf-8";
          const location = answer.headers.location;
          if (typeof location !== "string" || !location.includes("/blobs/uploads/")) return;
          const url = new URL(location, `http://${front.host}`);
          if (style === "relative") answer.headers.location = `${url.pathname}${url.search}`;
          else {
            url.searchParams.set("session", "kept");
            answer.headers.location = url.href;
          }
        },
      });
      fronts.push(front);
      const r = await push(front.host, "project/team/locations");
      const program = built(r);
      assert.deepEqual(lost, [], "every upload went on at the Location given");
      assert.equal((await skopeoJson(registry, "project/team/locations:latest")).Digest, program.digest);
      assert.ok(front.requests.some((q) => q.method === "PUT" && q.query.has("digest")), "blobs were uploaded through the front");
    });
  }

  test("a login accepted, but without push rights on the repository (insufficient_scope), is told as access denied, not as wrong credentials", async () => {
    // Docker Hub's token endpoint grants only what the user may do (pushing to library/app: nothing);
    // the registry then answers 401 with error="insufficient_scope".
    const registry = await startRegistry({ auth: "token", token: { grant: (_user, repository, actions) => (repository.startsWith("readonly/") ? actions.filter((a) => a === "pull") : actions) } });
    registries.push(registry);
    const { user } = registry.users[0]!;
    const r = await push(registry.host, "readonly/app", credentialsOf(registry).env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`slimgo: ${registry.host.replace(/\./g, "\\.")}: access denied for user ${user} \\(401 insufficient_scope\\): the login is accepted but may not push to readonly/app`));
    assert.doesNotMatch(r.stderr, /check credentials/);
    assertNoSecrets(registry, r);
  });

  test("a registry that refuses OCI artifacts (400 MANIFEST_INVALID, as GitLab's media type list does) gets the image, and a warning that the SBOM is not attached", async () => {
    const registry = await startRegistry();
    registries.push(registry);
    const front = await startFront(registry.host, {
      intercept: (req, res, body) => {
        if (req.method !== "PUT" || !req.path.includes("/manifests/")) return false;
        const artifactType = (JSON.parse(body.toString("utf8")) as { artifactType?: string }).artifactType;
        if (!artifactType) return false;
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "MANIFEST_INVALID", message: "manifest invalid", detail: `unknown media type: ${artifactType}` }] }));
        return true;
      },
    });
    fronts.push(front);
    const r = await push(front.host, "noartifacts/app");
    const program = built(r);
    assert.equal((await skopeoJson(registry, "noartifacts/app:latest")).Digest, program.digest, "the image is pushed and tagged");
    assert.deepEqual(program.published[0]!.attached, []);
    assert.match(r.stderr, /SBOM of sha256:[0-9a-f]{12} not attached, the registry refused it: .*\(400\): MANIFEST_INVALID: manifest invalid; the image is pushed without it/);
    assert.deepEqual(await tags(registry, "noartifacts/app"), ["latest"], "no fallback tag for an SBOM that is not there");
  });

  test("a challenge naming a scope beyond the request's own: the token asked for it is reused for every upload", async () => {
    const registry = await startRegistry({ auth: "token" });
    registries.push(registry);
    // The front stands for a registry that wants more in its tokens than slimgo asks for by itself
    // (here registry:catalog:*), and says so in each challenge's scope, as the token spec has it.
    const extra = "registry:catalog:*";
    const front = await startFront(registry.host, {
      intercept: (req, res) => {
        if (req.path === "/v2/") return false;
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        const access = bearer ? (JSON.parse(Buffer.from(bearer.split(".")[1] ?? "", "base64url").toString()) as { access: { type: string; name: string }[] }).access : [];
        if (access.some((a) => a.type === "registry" && a.name === "catalog")) return false;
        res.writeHead(401, {
          "content-type": "application/json",
          "www-authenticate": `Bearer realm="${registry.realm}",service="${registry.service}",scope="${scopeOf(req)} ${extra}"`,
        });
        res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
        return true;
      },
    });
    fronts.push(front);
    const r = await push(front.host, "scoped/app", credentialsOf(registry).env);
    const program = built(r);
    const pushTokens = registry.tokenLog.filter((t) => t.scopes.includes("repository:scoped/app:pull,push"));
    assert.deepEqual(pushTokens.map((t) => t.scopes), [["repository:scoped/app:pull,push", extra]], "one push token, asked with the challenge's scope, served every upload");
    assert.equal((await skopeoJson(registry, "scoped/app:latest")).Digest, program.digest);
  });

  test("an upload Location on another origin (storage that signs its URLs) gets the upload but no credential", async () => {
    const registry = await startRegistry({ auth: "basic" });
    registries.push(registry);
    const { env: login, basic } = credentialsOf(registry);
    // The upload host trusts the state in its URL and reaches the registry with its own login.
    const uploads = await startFront(registry.host, { forwardHeaders: () => ({ authorization: `Basic ${basic}` }) });
    fronts.push(uploads);
    const front = await startFront(registry.host, {
      rewrite: (req, answer) => {
        const location = answer.headers.location;
        if (req.method !== "POST" || answer.status !== 202 || typeof location !== "string") return;
        const url = new URL(location, `http://${registry.host}`);
        answer.headers.location = `http://${uploads.host}${url.pathname}${url.search}`;
      },
    });
    fronts.push(front);
    const r = await push(front.host, "offsite/app", login);
    const program = built(r);
    assert.equal((await skopeoJson(registry, "offsite/app:latest")).Digest, program.digest);
    assert.ok(uploads.requests.some((q) => q.method === "PUT" && q.query.has("digest")), "the blobs went up at the Location given");
    assert.deepEqual(uploads.requests.filter((q) => q.headers.authorization !== undefined).map((q) => `${q.method} ${q.path}`), [], "no credential went to the other origin");
    assertNoSecrets(registry, r);
  });

  test("docker login's identity token (a refresh token) against an OAuth2 token endpoint: POST grant_type=refresh_token, as docker does", async () => {
    const refreshToken = "refresh-0123456789abcdef";
    const registry = await startRegistry({ auth: "token", token: { oauth2Only: { refreshTokens: { [refreshToken]: "slimgo" } } } });
    registries.push(registry);
    const dockerConfig = await mkdtemp(join(tmpdir(), "slimgo-dockercfg-"));
    temps.push(dockerConfig);
    await writeFile(join(dockerConfig, "config.json"), JSON.stringify({ auths: { [registry.host]: { identitytoken: refreshToken } } }));
    const r = await push(registry.host, "oauth/app", { DOCKER_CONFIG: dockerConfig });
    const program = built(r);
    assert.ok(registry.tokenLog.some((t) => t.user === "slimgo" && t.scopes.includes("repository:oauth/app:pull,push")));
    // skopeo, like docker, asks for tokens by GET with a password only: give it one taken here by POST.
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, service: registry.service, scope: "repository:oauth/app:pull", client_id: "test" });
    const { access_token: pullToken } = (await (await fetch(registry.realm!, { method: "POST", body: form })).json()) as { access_token: string };
    const inspected = JSON.parse((await runTool("skopeo", ["inspect", "--tls-verify=false", "--registry-token", pullToken, `docker://${registry.host}/oauth/app:latest`])).stdout) as { Digest: string };
    assert.equal(inspected.Digest, program.digest);
    assert.ok(!(r.stdout + r.stderr).includes(refreshToken), "the refresh token is in slimgo's output");
  });
});
