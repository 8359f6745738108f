/**
 * inspect calls a layer's size what it is: "stored", with the compression its media type says. A
 * slimgo-built image stores gzip; podman save writes plain tar layers, whose size is not compressed.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { storedWording } from "../../src/inspect/stored.js";
import { EXAMPLES, runSlimgo } from "../support/cli.js";
import { podman, removeImages, runTool } from "../support/podman.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipContainers } from "../support/tools.js";

const temp = tempDirs();

interface Inspected { size: { compressed: number; stored: number; storedCompression: string }; layers: { mediaType: string; size: number; compression: string }[] }

async function inspected(reference: string): Promise<{ text: string; json: Inspected; html: string }> {
  const text = await runSlimgo(["inspect", reference]);
  assert.equal(text.code, 0, text.stderr);
  const json = await runSlimgo(["inspect", "--json", reference]);
  const page = join(await temp.make("slimgo-stored-html-"), "report.html");
  const html = await runSlimgo(["inspect", "--html", page, reference]);
  assert.equal(html.code, 0, html.stderr);
  return { text: text.stdout, json: (JSON.parse(json.stdout) as { images: Inspected[] }).images[0]!, html: await readFile(page, "utf8") };
}

test("several layers stored differently are counted by kind", () => {
  assert.equal(storedWording([{ compression: "gzip" }, { compression: "gzip" }]), "gzip");
  assert.equal(storedWording([{ compression: "none" }]), "uncompressed");
  assert.equal(storedWording([{ compression: "gzip" }, { compression: "none" }, { compression: "gzip" }]), "2 gzip and 1 uncompressed layers");
});

describe("inspect's stored sizes", { skip: skipContainers(), concurrency: 1 }, () => {
  const image = `localhost/slimgo-stored-size:${process.pid}`;
  after(() => removeImages(image));

  test("a slimgo-built image is stored gzip, and podman save's copy of it uncompressed: text, JSON and HTML say which", async () => {
    const layout = join(await temp.make("slimgo-stored-"), "layout");
    const built = await runSlimgo(["build", join(EXAMPLES, "notes"), "--oci-layout", layout]);
    assert.equal(built.code, 0, built.stderr);
    const gzip = await inspected(`oci:${layout}:localhost/notes:latest`);
    assert.match(gzip.text, /^ {2}size {8}\S+ \S+ stored \(gzip\), \S+ \S+ of files/m);
    assert.match(gzip.text, /^ {3}# {6}STORED {7}FILES/m);
    assert.deepEqual(gzip.json.layers.map((l) => l.compression), ["gzip", "gzip"]);
    assert.equal(gzip.json.size.storedCompression, "gzip");
    assert.equal(gzip.json.size.stored, gzip.json.size.compressed, "the old key stays, with the same sum");
    assert.match(gzip.html, /<th>stored<\/th>/);
    assert.match(gzip.html, /stored \(gzip\) — /);

    await runTool("skopeo", ["copy", "-q", `oci:${layout}:localhost/notes:latest`, `containers-storage:${image}`]);
    const tarball = join(await temp.make("slimgo-stored-"), "saved.tar");
    await podman(["save", "-o", tarball, image]);
    const plain = await inspected(`docker-archive:${tarball}`);
    assert.deepEqual(plain.json.layers.map((l) => [l.mediaType, l.compression]), [
      ["application/vnd.docker.image.rootfs.diff.tar", "none"],
      ["application/vnd.docker.image.rootfs.diff.tar", "none"],
    ]);
    assert.equal(plain.json.size.storedCompression, "none");
    assert.match(plain.text, /^ {2}size {8}\S+ \S+ stored \(uncompressed\), /m);
    for (const output of [plain.text, plain.html]) assert.doesNotMatch(output, /\bcompressed\b/, "a plain tar's size is not compressed");
    assert.match(plain.html, /stored \(uncompressed\) — /);
    assert.match(plain.html, /<td>stored<\/td><td>\S+ \S+ \(uncompressed\)<\/td>/);
  });

  test("podman's --uncompressed oci-dir save, plain tar under the +gzip media type, is read by its bytes: inspect and verify work, and inspect calls it uncompressed", async () => {
    const layout = join(await temp.make("slimgo-stored-"), "layout");
    const built = await runSlimgo(["build", join(EXAMPLES, "notes"), "--oci-layout", layout]);
    assert.equal(built.code, 0, built.stderr);
    await runTool("skopeo", ["copy", "-q", `oci:${layout}:localhost/notes:latest`, `containers-storage:${image}`]);
    const saved = join(await temp.make("slimgo-stored-"), "oci-dir");
    await podman(["save", "--uncompressed", "--format", "oci-dir", "-o", saved, image]);
    const manifest = JSON.parse(await readFile(join(saved, "blobs", "sha256", (JSON.parse(await readFile(join(saved, "index.json"), "utf8")) as { manifests: { digest: string }[] }).manifests[0]!.digest.slice(7)), "utf8")) as { layers: { mediaType: string; digest: string }[] };
    const first = await readFile(join(saved, "blobs", "sha256", manifest.layers[0]!.digest.slice(7)));
    assert.ok(manifest.layers[0]!.mediaType.endsWith("+gzip") && first.subarray(0, 2).toString("hex") !== "1f8b", "podman still labels a plain tar gzip (if this fails, podman was fixed: keep the test's other half)");
    const inspect = await runSlimgo(["inspect", `oci:${saved}`]);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.match(inspect.stdout, /\/usr\/local\/bin\/notes {2}\S+ MiB {2}go1\./);
    // Its size is told as what it is, a plain tar's: the blob's digest is its diff ID.
    assert.match(inspect.stdout, /^ {2}size {8}\S+ \S+ stored \(uncompressed\), /m);
    const { json } = await inspected(`oci:${saved}`);
    assert.deepEqual(json.layers.map((l) => l.compression), ["none", "none"]);
    assert.equal(json.size.storedCompression, "none");
    const verify = await runSlimgo(["verify", `oci:${saved}`]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /PASS {2}SV003 linking/);
  });
});
