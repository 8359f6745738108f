/**
 * `slimgo build --push` and `slimgo inspect` against what registries other than a bare
 * docker-registry do, reproduced by a front server before the real one (support/front.ts):
 * blobs redirected to storage on another origin, token endpoints that answer differently,
 * upload Locations written other ways, the OCI 1.1 referrers API. Each image written is read
 * back with skopeo; no output and no other origin ever sees a credential.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { copyModule, runSlimgo, type CliResult } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { skipUnless } from "../support/tools.js";
import { RegistryClient } from "../../src/registry/client.js";
import { sha256 } from "../../src/image/digest.js";
import { startFront, type Front } from "./support/front.js";

const temps: string[] = [];
const registries: TestRegistry[] = [];
const fronts: Front[] = [];
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

describe("slimgo against what real registries do", { skip: skipUnless("go", "docker-registry", "skopeo", "htpasswd", "openssl"), concurrency: 1 }, () => {
  before(async () => {
    module = await copyModule("root-main");
    temps.push(module);
  });
  after(async () => {
    for (const f of fronts) await f.stop();
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
});
