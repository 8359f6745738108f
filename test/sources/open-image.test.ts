/**
 * openImage on a multi-platform image, from an OCI layout and from a registry started here:
 * every platform is reported separately unless --platform picks one, registry pulls print progress
 * and give the same digests as the layout, and plain HTTP is used only for registries the user names.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SlimgoError } from "../../src/errors.js";
import { sha256 } from "../../src/image/digest.js";
import { buildIndex, computeFilesystem, isImageIndex, platformOf, platformString, type Image, type ImageIndex } from "../../src/image/index.js";
import { imagesOf, openImage } from "../../src/sources/index.js";
import { writeOciLayout } from "../../src/transports/index.js";
import { FIXTURES, runSlimgo } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { skipUnless } from "../support/tools.js";
import { busyboxImage } from "../transports/fixture.js";

const skip = skipUnless("go", "skopeo", "docker-registry");
const work = mkdtempSync(join(tmpdir(), "slimgo-sources-"));
const layout = join(work, "layout");
let registry: TestRegistry | undefined;
let index: ImageIndex;

after(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function goBinary(arch: "amd64" | "arm64"): Promise<string> {
  const out = join(work, `wordcount-${arch}`);
  await runTool("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", out, "."], {
    cwd: join(FIXTURES, "cli-tool"),
    env: { CGO_ENABLED: "0", GOOS: "linux", GOARCH: arch, GOFLAGS: "", GOWORK: "off", GOPROXY: "off" },
    timeoutMs: 180_000,
  });
  return out;
}

describe("openImage with several platforms", { skip, concurrency: 1 }, () => {
  before(async () => {
    const images: Image[] = [];
    for (const arch of ["amd64", "arm64"] as const) {
      images.push(await busyboxImage(join(work, "blobs"), { binary: await goBinary(arch), platform: { os: "linux", architecture: arch } }));
    }
    index = buildIndex(images);
    await writeOciLayout(layout, index, { ref: "multi:1" });
    registry = await startRegistry();
    await runTool("skopeo", ["copy", "-q", "--all", "--dest-tls-verify=false", `oci:${layout}:localhost/multi:1`, `docker://${registry.host}/slimgo-test/multi:1`]);
  });

  test("an index opens whole, and --platform narrows it to one image", async () => {
    const item = await openImage(`oci:${layout}:multi:1`);
    assert.ok(isImageIndex(item));
    assert.equal(item.digest, index.digest);
    assert.deepEqual(imagesOf(item).map((i) => platformString(i.platform)), ["linux/amd64", "linux/arm64"]);
    const arm = await openImage(`oci:${layout}:multi:1`, { platform: "linux/arm64" });
    assert.ok(!isImageIndex(arm));
    assert.equal(platformString(platformOf(arm)), "linux/arm64");
    await assert.rejects(
      openImage(`oci:${layout}:multi:1`, { platform: "linux/s390x" }),
      (e: unknown) => e instanceof SlimgoError && e.exitCode === 2 && /has no linux\/s390x image \(it has linux\/amd64, linux\/arm64\)/.test(e.message),
    );
  });

  test("the registry copy has the same digests, pulls with progress, and its layers verify", async () => {
    const progress: string[] = [];
    const ref = `${registry!.host}/slimgo-test/multi:1`;
    const item = await openImage(ref, { insecureRegistries: [registry!.host], onProgress: (m) => progress.push(m) });
    assert.ok(isImageIndex(item));
    assert.equal(item.digest, index.digest);
    assert.deepEqual(item.manifests.map((m) => m.image.digest), index.manifests.map((m) => m.image.digest));
    const arm = imagesOf(item)[1]!.image;
    const fs = await computeFilesystem(arm);
    assert.ok(fs.files.has("bin/app"));
    assert.match(progress.join("\n"), /pulling manifest of 127\.0\.0\.1:\d+\/slimgo-test\/multi:1/);
    assert.match(progress.join("\n"), /pulling layer sha256:[0-9a-f]{12} \(\d+\.\d MB\)/);
  });

  test("BuildKit's attestation entries (unknown/unknown) are not images: never listed, picked or offered", async () => {
    // As buildx pushes: each platform's image followed by its provenance, an in-toto statement as its one layer.
    const attested = join(work, "attested");
    cpSync(layout, attested, { recursive: true });
    const blob = (bytes: Buffer) => {
      writeFileSync(join(attested, "blobs", "sha256", sha256(bytes).slice("sha256:".length)), bytes);
      return { digest: sha256(bytes), size: bytes.length };
    };
    const manifests = index.index.manifests.flatMap((child) => {
      const statement = blob(Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2"}'));
      const config = blob(Buffer.from(JSON.stringify({ architecture: "unknown", os: "unknown", config: {}, rootfs: { type: "layers", diff_ids: [statement.digest] } })));
      const manifest = blob(Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.in-toto+json", ...statement, annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" } }],
      })));
      const attestation = {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        ...manifest,
        platform: { architecture: "unknown", os: "unknown" },
        annotations: { "vnd.docker.reference.digest": child.digest, "vnd.docker.reference.type": "attestation-manifest" },
      };
      return [child, attestation];
    });
    const top = blob(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests })));
    writeFileSync(join(attested, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.index.v1+json", ...top, annotations: { "org.opencontainers.image.ref.name": "localhost/attested:1" } }] }));
    await runTool("skopeo", ["copy", "-q", "--all", "--dest-tls-verify=false", `oci:${attested}:localhost/attested:1`, `docker://${registry!.host}/slimgo-test/attested:1`]);

    const ref = `${registry!.host}/slimgo-test/attested:1`;
    const item = await openImage(ref, { insecureRegistries: [registry!.host] });
    assert.ok(isImageIndex(item));
    assert.equal(item.manifests.length, 4, "the registry served the index as pushed, attestations included");
    assert.deepEqual(imagesOf(item).map((i) => platformString(i.platform)), ["linux/amd64", "linux/arm64"]);
    const arm = await openImage(ref, { insecureRegistries: [registry!.host], platform: "linux/arm64" });
    assert.equal(arm.digest, index.manifests[1]!.image.digest);
    await assert.rejects(
      openImage(ref, { insecureRegistries: [registry!.host], platform: "linux/s390x" }),
      (e: unknown) => e instanceof SlimgoError && e.exitCode === 2 && /has no linux\/s390x image \(it has linux\/amd64, linux\/arm64\);/.test(e.message),
    );
    const verified = await runSlimgo(["verify", ref, "--insecure-registry", registry!.host, "--json"]);
    assert.deepEqual(JSON.parse(verified.stdout).reports.map((r: { platform: string }) => r.platform), ["linux/amd64", "linux/arm64"], "verify reports no unknown/unknown image");
  });

  test("an OCI artifact in the index (an SBOM with the empty config) is not an image: the index still opens, without it", async () => {
    const withArtifact = join(work, "with-artifact");
    cpSync(layout, withArtifact, { recursive: true });
    const blob = (bytes: Buffer) => {
      writeFileSync(join(withArtifact, "blobs", "sha256", sha256(bytes).slice("sha256:".length)), bytes);
      return { digest: sha256(bytes), size: bytes.length };
    };
    const sbom = blob(Buffer.from('{"spdxVersion":"SPDX-2.3"}'));
    const empty = blob(Buffer.from("{}"));
    const artifact = blob(Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      artifactType: "application/spdx+json",
      config: { mediaType: "application/vnd.oci.empty.v1+json", ...empty },
      layers: [{ mediaType: "application/spdx+json", ...sbom }],
    })));
    const manifests = [...index.index.manifests, { mediaType: "application/vnd.oci.image.manifest.v1+json", artifactType: "application/spdx+json", ...artifact }];
    const top = blob(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests })));
    writeFileSync(join(withArtifact, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.index.v1+json", ...top, annotations: { "org.opencontainers.image.ref.name": "localhost/with-artifact:1" } }] }));

    const item = await openImage(`oci:${withArtifact}`);
    assert.ok(isImageIndex(item));
    assert.equal(item.digest, top.digest);
    assert.deepEqual(imagesOf(item).map((i) => platformString(i.platform)), ["linux/amd64", "linux/arm64"]);
    const verified = await runSlimgo(["verify", `oci:${withArtifact}`, "--json"]);
    assert.deepEqual(JSON.parse(verified.stdout).reports.map((r: { platform: string }) => r.platform), ["linux/amd64", "linux/arm64"], verified.stderr);
  });

  test("a registry not named insecure is reached over HTTPS only, and failing that is exit 2", async () => {
    await assert.rejects(openImage(`${registry!.host}/slimgo-test/multi:1`), (e: unknown) => e instanceof SlimgoError && e.exitCode === 2);
  });

  test("the CLI reports every platform separately, or the one --platform names", async () => {
    const all = await runSlimgo(["verify", `${registry!.host}/slimgo-test/multi:1`, "--insecure-registry", registry!.host, "--json"]);
    const reports = JSON.parse(all.stdout).reports as { platform: string; checks: { name: string; status: string; evidence: string[] }[] }[];
    assert.deepEqual(reports.map((r) => r.platform), ["linux/amd64", "linux/arm64"]);
    for (const r of reports) {
      const arch = r.checks.find((c) => c.name === "architecture")!;
      assert.equal(arch.status, "pass", JSON.stringify(arch));
    }
    assert.match(all.stderr, /pulling layer/);
    const one = await runSlimgo(["inspect", `oci:${layout}:multi:1`, "--platform", "linux/arm64", "--json"]);
    assert.equal(one.code, 0, one.stderr);
    const doc = JSON.parse(one.stdout);
    assert.equal(doc.images.length, 1);
    assert.equal(doc.images[0].platform, "linux/arm64");
    assert.equal(doc.images[0].goBinaries[0].machine, "aarch64");
    assert.equal(doc.images[0].goBinaries[0].path, "/bin/app");
  });
});
