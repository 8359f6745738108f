import { after, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { extractLayer } from "../../src/tar/extract.js";
import { walkLayer, walkTar, type TarLimits } from "../../src/tar/read.js";
import { layerFromOpener } from "../../src/image/layer.js";
import { sha256 } from "../../src/image/digest.js";
import { MediaType } from "../../src/image/media-types.js";
import { SlimgoError } from "../../src/errors.js";
import type { Layer } from "../../src/image/types.js";
import { paxRecord, rawTar, type RawEntry } from "./raw-tar.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-hostile-"));
after(() => rmSync(work, { recursive: true, force: true }));
const root = join(work, "root");
const outside = join(work, "outside");

function gzLayer(tar: Buffer): Layer {
  const blob = gzipSync(tar);
  return layerFromOpener({ digest: sha256(blob), diffId: sha256(tar), size: blob.length, mediaType: MediaType.ociLayerGzip }, async () => Readable.from([blob]), true);
}

/** Every path under `dir` with a hash of its content or link target, to prove nothing changed. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const info = lstatSync(p);
      if (info.isDirectory()) {
        out.push(`${p}/`);
        walk(p);
      } else if (info.isSymbolicLink()) out.push(`${p} -> ${readlinkSync(p)}`);
      else out.push(`${p} ${info.mode} ${info.nlink} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`);
    }
  };
  walk(dir);
  return out;
}

let before: string[] = [];
beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, "secret"), "do not touch");
  before = snapshot(outside);
});

function assertOutsideUntouched(): void {
  assert.deepEqual(snapshot(outside), before);
  assert.deepEqual(readdirSync(work).sort(), ["outside", "root"]);
}

const isFinding = (pattern: RegExp) => (err: unknown) => err instanceof SlimgoError && pattern.test(err.message);

describe("hostile layers", () => {
  test("a path with .. is refused and nothing is written outside", async () => {
    const layer = gzLayer(rawTar([{ name: "ok", data: "fine" }, { name: "../outside/pwned", data: "x" }, { name: "a/../../../outside/secret", data: "x" }]));
    await assert.rejects(extractLayer(layer, root), isFinding(/"\.\.\/outside\/pwned" has a "\.\." component/));
    await assert.rejects(walkLayer(layer, () => {}), isFinding(/escape the root/));
    assertOutsideUntouched();
  });

  test("an absolute path lands inside the root", async () => {
    const layer = gzLayer(rawTar([{ name: join(outside, "abs"), data: "inside" }]));
    await extractLayer(layer, root);
    assert.equal(readFileSync(join(root, outside, "abs"), "utf8"), "inside");
    assertOutsideUntouched();
  });

  test("a symlink pointing outside cannot be written through, and is rewritten to stay inside", async () => {
    const entries: RawEntry[] = [
      { name: "abs", type: "2", linkname: outside },
      { name: "abs/pwned", data: "x" },
      { name: "dir/rel", type: "2", linkname: "../../../../../../../../outside" },
      { name: "dir/rel/pwned2", data: "y" },
      { name: "etc/localtime", type: "2", linkname: "/usr/share/zoneinfo/UTC" },
    ];
    const summary = await extractLayer(gzLayer(rawTar(entries)), root);
    assertOutsideUntouched();
    assert.equal(readFileSync(join(root, outside, "pwned"), "utf8"), "x");
    assert.equal(readFileSync(join(root, "outside", "pwned2"), "utf8"), "y");
    for (const link of ["abs", "dir/rel"]) {
      assert.ok(realpathSync(join(root, link)).startsWith(realpathSync(root)), `${link} resolves inside the root`);
    }
    assert.equal(readlinkSync(join(root, "etc/localtime")), "../usr/share/zoneinfo/UTC");
    assert.ok(summary.warnings.some((w) => /climbs above the root/.test(w)));
  });

  test("a hard link to a file outside is refused or skipped, never linked", async () => {
    await assert.rejects(extractLayer(gzLayer(rawTar([{ name: "hl", type: "1", linkname: "../outside/secret" }])), root), isFinding(/points outside the root/));
    const summary = await extractLayer(gzLayer(rawTar([{ name: "hl2", type: "1", linkname: join(outside, "secret") }])), root);
    assert.equal(existsSync(join(root, "hl2")), false);
    assert.ok(summary.warnings.some((w) => /no regular file to link to/.test(w)));
    assert.equal(statSync(join(outside, "secret")).nlink, 1);
    assertOutsideUntouched();
  });

  test("a hard link inside the archive works", async () => {
    await extractLayer(gzLayer(rawTar([{ name: "a", data: "same" }, { name: "b", type: "1", linkname: "a" }])), root);
    assert.equal(statSync(join(root, "b")).ino, statSync(join(root, "a")).ino);
  });

  test("device files and fifos are skipped with a warning", async () => {
    const summary = await extractLayer(gzLayer(rawTar([{ name: "dev/sda", type: "3" }, { name: "pipe", type: "6" }, { name: "ok", data: "fine" }])), root);
    assert.equal(summary.skipped, 2);
    assert.equal(existsSync(join(root, "dev/sda")), false);
    assert.equal(existsSync(join(root, "pipe")), false);
    assert.equal(readFileSync(join(root, "ok"), "utf8"), "fine");
  });

  test("truncated gzip gives a clear error", async () => {
    const tar = rawTar([{ name: "file", data: Buffer.alloc(100_000, 1) }]);
    const blob = gzipSync(tar);
    const cut = blob.subarray(0, Math.floor(blob.length / 2));
    const layer = layerFromOpener({ digest: sha256(cut), diffId: sha256(tar), size: cut.length, mediaType: MediaType.ociLayerGzip }, async () => Readable.from([cut]), true);
    await assert.rejects(walkLayer(layer, () => {}), isFinding(/truncated or corrupt/));
    await assert.rejects(extractLayer(layer, root), isFinding(/truncated or corrupt/));
    assertOutsideUntouched();
  });

  test("a blob whose bytes do not match its digest is refused", async () => {
    const tar = rawTar([{ name: "file", data: "real" }]);
    const blob = gzipSync(tar);
    const lying = layerFromOpener({ digest: sha256("something else"), diffId: sha256(tar), size: blob.length, mediaType: MediaType.ociLayerGzip }, async () => Readable.from([blob]), true);
    await assert.rejects(walkLayer(lying, () => {}), isFinding(/expected \(corrupt or tampered/));
    const wrongDiff = layerFromOpener({ digest: sha256(blob), diffId: sha256("other"), size: blob.length, mediaType: MediaType.ociLayerGzip }, async () => Readable.from([blob]), true);
    await assert.rejects(walkLayer(wrongDiff, () => {}), isFinding(/uncompressed/));
  });

  test("a gzip bomb is stopped by the size cap and by the ratio cap", async () => {
    const zeros = Buffer.alloc(1024 * 1024);
    const layer = gzLayer(rawTar(Array.from({ length: 20 }, (_, i) => ({ name: `zeros-${i}`, data: zeros }))));
    await assert.rejects(walkLayer(layer, () => {}, { limits: { maxUncompressedBytes: 5 * 1024 * 1024 } }), isFinding(/decompression bomb/));
    const ratio: TarLimits = { ratioGraceBytes: 1024 * 1024, maxRatio: 100 };
    await assert.rejects(extractLayer(layer, root, { limits: ratio }), isFinding(/expands \d+ times/));
    assertOutsideUntouched();
  });

  test("a tar that stops right after the last file's data (umoci 0.4 insert) is read; one cut inside the padding is truncated", async () => {
    const whole = rawTar([{ name: "usr/local/bin/app", data: "x".repeat(1000), mode: 0o755 }], { end: false });
    const noPadding = whole.subarray(0, 512 + 1000);
    const seen: string[] = [];
    const summary = await walkTar([noPadding], (entry) => void seen.push(`${entry.header.path} ${entry.header.size}`));
    assert.deepEqual(seen, ["usr/local/bin/app 1000"]);
    assert.ok(summary.warnings.some((w) => /ends right after "usr\/local\/bin\/app"/.test(w)), summary.warnings.join("; "));
    await walkLayer(gzLayer(noPadding), () => {});
    await assert.rejects(walkTar([whole.subarray(0, 512 + 1000 + 10)], () => {}), isFinding(/ends inside the padding after "usr\/local\/bin\/app"/));
    await assert.rejects(walkTar([whole.subarray(0, 512 + 999)], () => {}), isFinding(/truncated: entry "usr\/local\/bin\/app" claims 1000 bytes/));
  });

  test("a header claiming a huge size is a truncation error, or refused outright above the cap", async () => {
    const tar = rawTar([{ name: "huge", data: "tiny", size: 8_000_000_000 }], { end: false });
    await assert.rejects(walkTar([tar], () => {}), isFinding(/truncated: entry "huge" claims 8000000000 bytes/));
    await assert.rejects(walkTar([tar], () => {}, { limits: { maxUncompressedBytes: 1024 ** 3 } }), isFinding(/claims 8000000000 bytes, more than/));
    await assert.rejects(extractLayer(gzLayer(tar), root), isFinding(/truncated/));
    assertOutsideUntouched();
  });

  test("PAX records that overflow or exceed the limit are refused", async () => {
    const overflow = rawTar([{ name: "pax", type: "x", data: "99999 path=x\n" }, { name: "f", data: "x" }]);
    await assert.rejects(walkTar([overflow], () => {}), isFinding(/PAX record length overflows/));
    const big = rawTar([{ name: "pax", type: "x", data: paxRecord("comment", "x".repeat(2 * 1024 * 1024)) }, { name: "f", data: "x" }]);
    await assert.rejects(walkTar([big], () => {}), isFinding(/exceeds the 1048576-byte limit/));
    const good = rawTar([{ name: "pax", type: "x", data: paxRecord("path", `long/${"n".repeat(300)}`) }, { name: "short", data: "x" }]);
    const paths: string[] = [];
    await walkTar([good], (e) => void paths.push(e.header.path));
    assert.deepEqual(paths, [`long/${"n".repeat(300)}`]);
  });

  test("data that is not a tar archive is refused", async () => {
    await assert.rejects(walkTar([Buffer.alloc(1024, 0x41)], () => {}), isFinding(/checksum mismatch|invalid/));
  });
});
