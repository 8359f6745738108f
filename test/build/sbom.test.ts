import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyModule, runSlimgo } from "../support/cli.js";
import { freePort, runTool } from "../support/podman.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { skipUnless } from "../support/tools.js";

const temps: string[] = [];
const registries: TestRegistry[] = [];
after(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

test("--sbom-dir writes an SPDX 2.3 document listing the module, the Go version and every dependency", { skip: skipUnless("go") }, async () => {
  const dir = await copyModule("vendored");
  const out = await mkdtemp(join(tmpdir(), "slimgo-sbom-"));
  temps.push(dir, out);
  const r = await runSlimgo(["build", dir, "--sbom-dir", out, "--platform", "linux/amd64,linux/arm64", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await readdir(out)).sort(), ["vendored-linux-amd64.spdx.json", "vendored-linux-arm64.spdx.json"]);
  const doc = JSON.parse(await readFile(join(out, "vendored-linux-arm64.spdx.json"), "utf8"));
  assert.equal(doc.spdxVersion, "SPDX-2.3");
  assert.equal(doc.dataLicense, "CC0-1.0");
  const goVersion = (await runTool("go", ["env", "GOVERSION"])).stdout.trim();
  const byName = Object.fromEntries(doc.packages.map((p: { name: string }) => [p.name, p]));
  assert.equal(byName["example.com/vendored"].versionInfo, "(devel)");
  assert.match(byName["example.com/vendored"].comment, /GOARCH=arm64/);
  assert.equal(byName.stdlib.versionInfo, goVersion);
  const modulesTxt = await readFile(join(dir, "vendor/modules.txt"), "utf8");
  const vendored = [...modulesTxt.matchAll(/^# (\S+) (v\S+)$/gm)].map((m) => [m[1], m[2]]);
  assert.ok(vendored.length > 0);
  for (const [path, version] of vendored) {
    assert.equal(byName[path!]?.versionInfo, version, `${path} is in the SBOM at ${version}`);
    assert.equal(byName[path!].externalRefs[0].referenceLocator, `pkg:golang/${path}@${version}`);
  }
  const ids = new Set(doc.packages.map((p: { SPDXID: string }) => p.SPDXID));
  assert.equal(ids.size, doc.packages.length, "SPDX ids are unique");
  for (const rel of doc.relationships) assert.ok(rel.spdxElementId === "SPDXRef-DOCUMENT" || ids.has(rel.spdxElementId));
  assert.ok(doc.relationships.some((rel: { relationshipType: string }) => rel.relationshipType === "DESCRIBES"));
  const json = JSON.parse(r.stdout);
  assert.match(doc.documentNamespace, new RegExp(json.programs[0].sboms[1].subject.slice(7)), "the namespace names the image it describes");
});

test("a build whose push fails writes no SBOM, as it writes no --oci-layout: outputs are all or nothing", { skip: skipUnless("go") }, async () => {
  const dir = await copyModule("root-main");
  const out = await mkdtemp(join(tmpdir(), "slimgo-sbom-failed-"));
  temps.push(dir, out);
  const port = await freePort();
  const r = await runSlimgo(["build", dir, "--push", `127.0.0.1:${port}/x`, "--insecure-registry", `127.0.0.1:${port}`, "--sbom-dir", join(out, "sb"), "--oci-layout", join(out, "o")]);
  assert.notEqual(r.code, 0, r.stderr);
  assert.match(r.stderr, /127\.0\.0\.1:\d+/);
  assert.deepEqual(await readdir(out), [], "neither the layout nor the SBOM directory was written");
});

test("--push attaches the SBOM as an OCI artifact that refers to the image", { skip: skipUnless("go", "docker-registry", "skopeo") }, async () => {
  const registry = await startRegistry();
  registries.push(registry);
  const dir = await copyModule("vendored");
  temps.push(dir);
  const r = await runSlimgo(["build", dir, "--push", `${registry.host}/sbom/app`, "--insecure-registry", registry.host, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const program = JSON.parse(r.stdout).programs[0];
  const published = program.published[0];
  assert.equal(published.attached.length, 1);
  const skopeo = (ref: string, ...args: string[]) => runTool("skopeo", ["inspect", "--tls-verify=false", ...args, `docker://${registry.host}/sbom/app${ref}`]);
  const referrers = JSON.parse((await skopeo(`:${program.digest.replace(":", "-")}`, "--raw")).stdout);
  assert.equal(referrers.manifests[0].artifactType, "application/spdx+json");
  assert.equal(referrers.manifests[0].digest, published.attached[0]);
  const artifact = JSON.parse((await skopeo(`@${published.attached[0]}`, "--raw")).stdout);
  assert.equal(artifact.subject.digest, program.digest, "the artifact's subject is the pushed image");
  assert.equal(artifact.layers[0].mediaType, "application/spdx+json");
  const blob = await fetch(`${registry.url}/v2/sbom/app/blobs/${artifact.layers[0].digest}`);
  const sbom = await blob.json();
  assert.equal(sbom.spdxVersion, "SPDX-2.3");
  assert.ok(sbom.packages.some((p: { name: string }) => p.name === "example.com/greet"));
});
