import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { buffer } from "node:stream/consumers";
import { tarStream, type TarEntry } from "../../src/tar/write.js";
import { layerFromFiles } from "../../src/tar/layer.js";
import { walkTar, type TarHeader } from "../../src/tar/read.js";
import { SlimgoError } from "../../src/errors.js";
import { skipUnless } from "../support/tools.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-tar-write-"));
after(() => rmSync(work, { recursive: true, force: true }));

const longName = `usr/share/${"very-long-directory-name/".repeat(6)}file-with-a-long-name.txt`;
const entries = (): TarEntry[] => [
  { path: "/app/server", type: "file", content: "#!binary", mode: 0o755 },
  { path: "tmp", type: "dir", mode: 0o1777 },
  { path: "etc/passwd", type: "file", content: "root:x:0:0:root:/root:/sbin/nologin\n" },
  { path: "etc/ssl/certs/ca.pem", type: "symlink", linkTarget: "/usr/share/ca.pem" },
  { path: longName, type: "file", content: "long" },
  { path: "app/server-link", type: "hardlink", linkTarget: "app/server" },
];

async function headersOf(bytes: Buffer): Promise<TarHeader[]> {
  const headers: TarHeader[] = [];
  await walkTar([bytes], (e) => void headers.push(e.header));
  return headers;
}

test("the same entries in any order give the same bytes", async () => {
  const one = await buffer(tarStream(entries(), { mtime: 1700000000 }));
  const two = await buffer(tarStream(entries().reverse(), { mtime: 1700000000 }));
  assert.ok(one.equals(two));
  assert.equal(one.length % 512, 0);
});

test("entries are sorted, parents are added, owners, times and modes are fixed", async () => {
  const headers = await headersOf(await buffer(tarStream(entries(), { mtime: 1700000000, uid: 65532, gid: 65532 })));
  const paths = headers.map((h) => h.path);
  assert.deepEqual(paths, [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  for (const parent of ["app", "etc", "etc/ssl", "etc/ssl/certs", "usr", "usr/share"]) {
    assert.equal(headers.find((h) => h.path === parent)?.type, "dir", parent);
  }
  assert.ok(headers.every((h) => h.mtime === 1700000000 && h.uid === 65532 && h.gid === 65532));
  assert.equal(headers.find((h) => h.path === "tmp")?.mode, 0o1777);
  assert.equal(headers.find((h) => h.path === "app/server")?.mode, 0o755);
  assert.equal(headers.find((h) => h.path === "etc/passwd")?.mode, 0o644);
  assert.equal(headers.find((h) => h.path === longName)?.size, 4);
  assert.equal(headers.find((h) => h.path === "etc/ssl/certs/ca.pem")?.linkTarget, "/usr/share/ca.pem");
  assert.equal(headers.find((h) => h.path === "app/server-link")?.linkTarget, "app/server");
});

test("GNU tar reads the archive, PAX long names and sticky bits included", { skip: skipUnless("tar") }, async () => {
  const file = join(work, "list.tar");
  writeFileSync(file, await buffer(tarStream(entries(), { mtime: 0 })));
  const listing = execFileSync("tar", ["-tvf", file], { encoding: "utf8" });
  assert.match(listing, new RegExp(`${longName.replace(/\//g, "\\/")}`));
  assert.match(listing, /drwxrwxrwt 0\/0 +0 1970-01-01 00:00 tmp\//);
  assert.match(listing, /-rwxr-xr-x 0\/0 +8 1970-01-01 00:00 app\/server\n/);
  assert.match(listing, /etc\/ssl\/certs\/ca.pem -> \/usr\/share\/ca.pem/);
  assert.match(listing, /app\/server-link link to app\/server/);
});

test("bad entries are refused with a clear error", async () => {
  const cases: TarEntry[][] = [
    [{ path: "../escape", type: "file", content: "x" }],
    [{ path: "a", type: "file", content: "x" }, { path: "/a", type: "file", content: "y" }],
    [{ path: "a", type: "file", content: "x" }, { path: "a/b", type: "file", content: "y" }],
    [{ path: "a", type: "file" }],
    [{ path: "l", type: "symlink" }],
  ];
  for (const bad of cases) {
    await assert.rejects(buffer(tarStream(bad, { mtime: 0 })), SlimgoError);
  }
});

test("layerFromFiles is reproducible and its digests match the bytes", async () => {
  const source = join(work, "binary");
  writeFileSync(source, Buffer.alloc(300_000, 7));
  const files = (): TarEntry[] => [{ path: "app", type: "file", sourcePath: source, mode: 0o755 }, { path: "tmp", type: "dir", mode: 0o1777 }];
  const a = await layerFromFiles(files(), { mtime: 0, blobDir: join(work, "blobs-a") });
  const b = await layerFromFiles(files(), { mtime: 0, blobDir: join(work, "blobs-b") });
  assert.equal(a.digest, b.digest);
  assert.equal(a.diffId, b.diffId);
  const blob = await buffer(await a.open());
  assert.ok(blob.equals(readFileSync(join(work, "blobs-b", `sha256-${b.digest.slice(7)}`))));
  assert.equal(blob.length, a.size);
  const { createHash } = await import("node:crypto");
  assert.equal(`sha256:${createHash("sha256").update(blob).digest("hex")}`, a.digest);
  const tar = await buffer(await a.openUncompressed());
  assert.equal(`sha256:${createHash("sha256").update(tar).digest("hex")}`, a.diffId);
  // gzip header: no file name, no time
  assert.equal(blob[3], 0);
  assert.equal(blob.readUInt32LE(4), 0);
  const c = await layerFromFiles(files(), { mtime: 1, blobDir: join(work, "blobs-a") });
  assert.notEqual(c.digest, a.digest);
});

test("layerFromFiles with compression none stores the tar itself: its digest is its diffID", async () => {
  const source = join(work, "plain-binary");
  writeFileSync(source, Buffer.alloc(2_500_000, 3)); // over a write batch, so the batching is crossed
  const files = (): TarEntry[] => [{ path: "app", type: "file", sourcePath: source, mode: 0o755 }];
  const plain = await layerFromFiles(files(), { mtime: 0, blobDir: join(work, "blobs-plain"), compression: "none" });
  const gzipped = await layerFromFiles(files(), { mtime: 0, blobDir: join(work, "blobs-plain") });
  assert.equal(plain.mediaType, "application/vnd.oci.image.layer.v1.tar");
  assert.equal(plain.digest, plain.diffId);
  assert.equal(plain.diffId, gzipped.diffId, "the same tar as the gzip layer's");
  const blob = await buffer(await plain.open());
  assert.ok(blob.equals(await buffer(tarStream(files(), { mtime: 0 }))));
  assert.equal(blob.length, plain.size);
  const docker = await layerFromFiles(files(), { mtime: 0, blobDir: join(work, "blobs-plain"), compression: "none", format: "docker" });
  assert.equal(docker.mediaType, "application/vnd.docker.image.rootfs.diff.tar");
  assert.equal(docker.digest, plain.digest);
});

test("files over one read (1 MiB) land byte for byte, each in its place, in gzip and plain layers", async () => {
  const { randomBytes, createHash } = await import("node:crypto");
  const { tarDigest } = await import("../../src/tar/layer.js");
  const { walkLayer } = await import("../../src/tar/read.js");
  const contents = new Map([
    ["app/server", randomBytes(2_600_000)],
    ["app/worker", randomBytes(1_300_000)],
    ["etc/small", randomBytes(1000)],
  ]);
  const files = (): TarEntry[] =>
    [...contents].map(([path, bytes]) => {
      const source = join(work, `random-${path.replace("/", "-")}`);
      writeFileSync(source, bytes);
      return { path, type: "file", sourcePath: source, mode: 0o755 };
    });
  const streamed = await buffer(tarStream(files(), { mtime: 0 }));
  const diffId = `sha256:${createHash("sha256").update(streamed).digest("hex")}`;
  assert.equal(await tarDigest(files(), { mtime: 0 }), diffId);
  for (const compression of ["gzip", "none"] as const) {
    const layer = await layerFromFiles(files(), { mtime: 0, blobDir: join(work, `blobs-random-${compression}`), compression });
    assert.equal(layer.diffId, diffId, compression);
    const seen = new Map<string, Buffer>();
    await walkLayer(layer, async (entry) => {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.chunks()) chunks.push(Buffer.from(chunk));
      if (entry.header.type === "file") seen.set(entry.header.path, Buffer.concat(chunks));
    });
    for (const [path, bytes] of contents) assert.ok(seen.get(path)?.equals(bytes), `${compression}: ${path} has other bytes`);
  }
});

test("a file that changed since its diffID was taken is refused, unless the caller vouches it cannot have", async () => {
  const source = join(work, "changes");
  writeFileSync(source, Buffer.alloc(100_000, 1));
  const files = (): TarEntry[] => [{ path: "app", type: "file", sourcePath: source, mode: 0o755 }];
  const { tarDigest } = await import("../../src/tar/layer.js");
  const before = await tarDigest(files(), { mtime: 0 });
  const settled = await layerFromFiles(files(), { mtime: 0, blobDir: join(work, "blobs-d"), expectedDiffId: before, filesAreSettled: true });
  const checked = await layerFromFiles(files(), { mtime: 0, blobDir: join(work, "blobs-d"), expectedDiffId: before });
  assert.equal(settled.digest, checked.digest, "taking the diffID as given changes nothing when the file did not change");
  assert.equal(settled.diffId, before);

  writeFileSync(source, Buffer.alloc(100_000, 2)); // same size, other bytes
  await assert.rejects(layerFromFiles(files(), { mtime: 0, blobDir: join(work, "blobs-d"), expectedDiffId: before }), (err: Error) => err.message.startsWith(`${source} changed while its layer was being written`));
});

test("a source file that changes size while archived is an error", async () => {
  const source = join(work, "shrinks");
  writeFileSync(source, "abc");
  const stream = tarStream([{ path: "x", type: "file", open: async () => (await import("node:fs")).createReadStream(source), size: 10 }], { mtime: 0 });
  await assert.rejects(buffer(stream), /has 3 bytes, 10 were expected/);
});
