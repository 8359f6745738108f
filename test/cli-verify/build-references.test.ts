/**
 * What `slimgo build` prints on stdout is what `slimgo verify` and `slimgo inspect` take: the example
 * built with the real CLI to an OCI layout, a tarball, podman and a registry started here; each printed
 * line opens the image it names, and a digest the image there does not have is an error (exit 2).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { removeImages } from "../support/podman.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { skipContainers, skipUnless } from "../support/tools.js";

const skip = skipContainers() || skipUnless("docker-registry");
const copy = moduleCopies();
const name = "localhost/slimgo-test/build-refs";
let module = "";
let registry: TestRegistry | undefined;
let printed: string[] = [];

/** The printed line that starts with `prefix`. */
function line(prefix: string): string {
  const found = printed.find((l) => l.startsWith(prefix));
  assert.ok(found, `no line starts with ${prefix}: ${printed.join("\n")}`);
  return found;
}

const digestOf = (reference: string) => reference.slice(reference.lastIndexOf("@") + 1);
const withoutDigest = (reference: string) => reference.slice(0, reference.lastIndexOf("@"));

function insecure(line: string): string[] {
  return registry !== undefined && line.startsWith(registry.host) ? ["--insecure-registry", registry.host] : [];
}

describe("the references slimgo build prints", { skip, concurrency: 1 }, () => {
  before(async () => {
    module = await copy("notes", "examples");
    registry = await startRegistry();
    const built = await runSlimgo(
      ["build", "--oci-layout", "out-l", "--tarball", "out.tar", "--load", "podman", "--name", name, "--push", `${registry.host}/slimgo-test/notes`, "--insecure-registry", registry.host],
      { cwd: module },
    );
    assert.equal(built.code, 0, built.stderr);
    printed = built.stdout.trim().split("\n");
  });
  after(async () => {
    await registry?.stop();
    await removeImages(`${name}:latest`);
    if (module !== "") await rm(join(module, "out-l"), { recursive: true, force: true });
  });

  test("build prints one line per output, each with the digest stored there", () => {
    assert.equal(printed.length, 4, printed.join("\n"));
    assert.match(line("oci:"), /^oci:out-l:localhost\/slimgo-test\/build-refs:latest@sha256:[0-9a-f]{64}$/);
    assert.match(line("docker-archive:"), /^docker-archive:out\.tar@sha256:[0-9a-f]{64}$/);
    assert.match(line("podman:"), /^podman:localhost\/slimgo-test\/build-refs:latest@sha256:[0-9a-f]{64}$/);
    assert.match(line("127.0.0.1:"), /^127\.0\.0\.1:\d+\/slimgo-test\/notes:latest@sha256:[0-9a-f]{64}$/);
  });

  test("verify and inspect --json open each printed line as the image it names", async () => {
    for (const reference of printed) {
      const verified = await runSlimgo(["verify", reference, ...insecure(reference)], { cwd: module });
      assert.equal(verified.code, 0, `${reference}\n${verified.stdout}${verified.stderr}`);
      assert.ok(verified.stdout.startsWith(`${reference} (linux/`), verified.stdout);
      const inspected = await runSlimgo(["inspect", reference, "--json", ...insecure(reference)], { cwd: module });
      assert.equal(inspected.code, 0, `${reference}\n${inspected.stderr}`);
      const doc = JSON.parse(inspected.stdout) as { digest: string; images: { config: { entrypoint?: string[] } }[] };
      assert.deepEqual(doc.images[0]!.config.entrypoint, ["/usr/local/bin/notes"], reference);
      if (!reference.startsWith("podman:")) assert.equal(doc.digest, digestOf(reference), reference);
    }
  });

  test("podman: is read through podman save, which writes the loaded (gzipped) layers uncompressed: another manifest digest, layer digests equal to the diff IDs (docs/inspect.md)", async () => {
    const reference = line("podman:");
    const inspected = await runSlimgo(["inspect", reference, "--json"], { cwd: module });
    assert.equal(inspected.code, 0, inspected.stderr);
    const doc = JSON.parse(inspected.stdout) as { digest: string; images: { layers: { digest: string; diffId: string }[] }[] };
    const built = JSON.parse((await runSlimgo(["inspect", line("docker-archive:"), "--json"], { cwd: module })).stdout) as typeof doc;
    assert.notEqual(doc.digest, digestOf(reference));
    assert.deepEqual(doc.images[0]!.layers.map((l) => l.digest), doc.images[0]!.layers.map((l) => l.diffId));
    assert.deepEqual(doc.images[0]!.layers.map((l) => l.diffId), built.images[0]!.layers.map((l) => l.diffId));
    for (const layer of built.images[0]!.layers) assert.notEqual(layer.digest, layer.diffId, "the tarball's layers are gzipped");
  });

  test("a digest the image there does not have is an error naming both", async () => {
    const tarballDigest = digestOf(line("docker-archive:"));
    const layoutDigest = digestOf(line("oci:"));
    assert.notEqual(tarballDigest, layoutDigest, "the layout holds the OCI form of the image");
    for (const wrong of [`${withoutDigest(line("oci:"))}@${tarballDigest}`, `${withoutDigest(line("docker-archive:"))}@${layoutDigest}`]) {
      const r = await runSlimgo(["verify", wrong], { cwd: module });
      assert.equal(r.code, 2, `${wrong}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /the image there has digest sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64}: it was replaced after that reference was written/);
    }
    const podman = await runSlimgo(["inspect", `podman:${name}:latest@${layoutDigest}`], { cwd: module });
    assert.equal(podman.code, 2, podman.stdout + podman.stderr);
    assert.match(podman.stderr, /image not known/);
  });
});
