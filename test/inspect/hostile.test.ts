/**
 * Hostile and broken images through the real CLI: each gives a one-line error and exit 2, or a safe
 * result, and nothing is written outside slimgo's own temp dirs.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGzip, gzipSync } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { Readable, Writable } from "node:stream";
import { runSlimgo } from "../support/cli.js";
import { rawTar, type RawEntry } from "../tar/raw-tar.js";
import { sha256, writeRawLayout, type RawLayer } from "./raw-layout.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-inspect-hostile-"));
/** A private TMPDIR for the CLI, so the test can see everything slimgo writes. */
const cliTemp = join(work, "tmp");
after(() => rmSync(work, { recursive: true, force: true }));

function gzLayer(entries: RawEntry[]): RawLayer {
  const tar = rawTar(entries);
  return { blob: gzipSync(tar), diffId: sha256(tar) };
}

let counter = 0;
function layout(layers: RawLayer[], config: Record<string, unknown> = {}): string {
  const dir = join(work, `layout-${++counter}`);
  writeRawLayout(dir, layers, config);
  return `oci:${dir}`;
}

/** Runs the CLI with its temp dir inside `work`, and checks it left nothing there or beside the layout. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  rmSync(cliTemp, { recursive: true, force: true });
  await import("node:fs/promises").then((fs) => fs.mkdir(cliTemp));
  const before = readdirSync(work).sort();
  const result = await runSlimgo(args, { env: { TMPDIR: cliTemp } });
  assert.deepEqual(readdirSync(cliTemp), [], `slimgo left files in its temp dir: ${readdirSync(cliTemp).join(", ")}`);
  assert.deepEqual(readdirSync(work).sort(), before, "slimgo wrote next to the image");
  return result;
}

function assertOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /^slimgo: /);
  assert.match(lines[0]!, pattern);
}

const ELF_HEAD = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(200)]);

describe("hostile images through slimgo inspect and verify", () => {
  let zeros200: RawLayer;
  let bomb: RawLayer;
  before(async () => {
    // 200 MiB of zeros in one file: about 200 KiB gzipped. Real images carry such files (`dd`, a
    // lastlog for a large uid, preallocated database files): far past 250:1, yet not a bomb.
    const size = 200 * 1024 * 1024;
    const header = rawTar([{ name: "zeros", size, data: "" }], { end: false }).subarray(0, 512);
    const zeros = Buffer.alloc(1024 * 1024);
    const chunks: Buffer[] = [];
    const hash = (await import("node:crypto")).createHash("sha256");
    async function* tar(): AsyncGenerator<Buffer> {
      yield header;
      hash.update(header);
      for (let i = 0; i < size / zeros.length; i++) {
        hash.update(zeros);
        yield zeros;
      }
      const end = Buffer.alloc(1024);
      hash.update(end);
      yield end;
    }
    await pipeline(Readable.from(tar()), createGzip(), new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) }));
    zeros200 = { blob: Buffer.concat(chunks), diffId: `sha256:${hash.digest("hex")}` };

    // 2 GiB of zeros from 1.3 MiB: one gzip member of 64 MiB of zeros repeated (gunzip reads
    // concatenated members as one stream), so the bomb costs nothing to make.
    const member = 64 * 1024 * 1024;
    const count = 32;
    const bombHeader = rawTar([{ name: "zeros", size: member * count, data: "" }], { end: false }).subarray(0, 512);
    const zerosMember = gzipSync(Buffer.alloc(member));
    const end = Buffer.alloc(1024);
    // The diff ID is never reached (the walk stops first); any digest will do.
    bomb = { blob: Buffer.concat([gzipSync(bombHeader), ...Array.from({ length: count }, () => zerosMember), gzipSync(end)]), diffId: sha256(end) };
  });

  test("a path with .. is refused", async () => {
    const ref = layout([gzLayer([{ name: "../../escaped", data: "x" }])]);
    for (const command of ["inspect", "verify"]) {
      assertOneLineError(await run([command, ref]), /"\.\.\/\.\.\/escaped" has a "\.\." component/);
    }
    assert.equal(existsSync(join(work, "escaped")), false);
    assert.equal(existsSync(join(tmpdir(), "escaped")), false);
  });

  test("a symlink that climbs out of the root stays inside the image: safe result", async () => {
    const ref = layout([gzLayer([{ name: "etc", type: "2", linkname: "../../../../etc" }, { name: "app", data: ELF_HEAD, mode: 0o755 }])]);
    const result = await run(["inspect", "--json", "--tree", ref]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    const tree = report.images[0].tree as { path: string; linkTarget?: string }[];
    assert.deepEqual(tree.find((e) => e.path === "/etc"), { path: "/etc", type: "symlink", size: 0, mode: "0644", layer: 0, linkTarget: "../../../../etc" });
    // The host's /etc/passwd is not read through the link: the image has no passwd, so a named user cannot resolve.
    const verify = await run(["verify", "--json", ref]);
    assert.ok(verify.code === 0 || verify.code === 1, verify.stderr);
    const passwdNeeded = JSON.parse(verify.stdout).reports[0].checks.find((c: { name: string }) => c.name === "non-root-user");
    assert.equal(passwdNeeded.status, "pass", JSON.stringify(passwdNeeded));
    assert.doesNotMatch(verify.stdout, /root:x:0:0/);
  });

  test("a hard link to a path outside the root is not followed out of the image", async () => {
    // User "nobody" resolves through the host's /etc/passwd, never through the image's dangling link.
    const ref = layout([gzLayer([{ name: "etc/passwd", type: "1", linkname: "../../../etc/passwd" }])], { config: { User: "nobody", Entrypoint: ["/app"] } });
    const result = await run(["verify", "--json", ref]);
    assert.equal(result.code, 1, result.stderr);
    const user = JSON.parse(result.stdout).reports[0].checks.find((c: { name: string }) => c.name === "non-root-user");
    assert.equal(user.status, "fail", JSON.stringify(user));
    assert.doesNotMatch(result.stdout, /root:x:0:0/);
  });

  test("a truncated gzip layer is a clear error", async () => {
    const good = gzLayer([{ name: "app", data: "x".repeat(10_000) }]);
    const ref = layout([{ ...good, blob: good.blob.subarray(0, good.blob.length - 20) }]);
    assertOneLineError(await run(["inspect", ref]), /claims|truncated|corrupt/);
  });

  test("a layer whose content does not match its digest is a clear error", async () => {
    const good = gzLayer([{ name: "app", data: "original" }]);
    const other = gzipSync(rawTar([{ name: "app", data: "tampered" }]));
    const padded = Buffer.concat([other, Buffer.alloc(Math.max(0, good.blob.length - other.length))]).subarray(0, good.blob.length);
    const ref = layout([{ blob: padded, digest: sha256(good.blob), diffId: good.diffId }]);
    assertOneLineError(await run(["verify", ref]), /digest|corrupt or tampered/);
  });

  test("a gzip bomb is stopped by the decompression ratio limit", async () => {
    const ref = layout([bomb]);
    assertOneLineError(await run(["inspect", ref]), /expands \d+ times .* decompression bomb/);
  });

  test("a 200 MiB file of zeros is read, not refused as a bomb", async () => {
    const ref = layout([zeros200], { config: { User: "65532", Entrypoint: ["/zeros"] } });
    const result = await run(["inspect", "--json", "--tree", ref]);
    assert.equal(result.code, 0, result.stderr);
    const tree = JSON.parse(result.stdout).images[0].tree as { path: string; size: number }[];
    assert.equal(tree.find((e) => e.path === "/zeros")?.size, 200 * 1024 * 1024);
    const verify = await run(["verify", ref]);
    assert.ok(verify.code === 0 || verify.code === 1, verify.stderr);
  });

  test("a tar header claiming a huge size is a clear error", async () => {
    const ref = layout([gzLayer([{ name: "huge", size: 0o77777777777, data: "tiny" }])]);
    assertOneLineError(await run(["inspect", ref]), /huge|claims|ends/);
  });

  test("a docker-archive whose outer tar climbs out with .. is refused", async () => {
    const file = join(work, "escape.tar");
    writeFileSync(file, rawTar([{ name: "../escaped-archive", data: "x" }, { name: "manifest.json", data: "[]" }]));
    assertOneLineError(await run(["inspect", `docker-archive:${file}`]), /escape|\.\./);
    assert.equal(existsSync(join(work, "..", "escaped-archive")), false);
  });

  test("a bad reference is a usage error naming what to write", async () => {
    assertOneLineError(await run(["inspect", "oci-archive:"]), /nothing after "oci-archive:"/);
    assertOneLineError(await run(["verify", `oci:${join(work, "missing")}`]), /not an OCI layout/);
    assertOneLineError(await run(["inspect", "--platform", "linux", "oci:/x"]), /not a platform/);
  });
});

test("a private TMPDIR stays empty after a normal run", { skip: false }, async () => {
  const dir = join(work, "ok");
  writeRawLayout(dir, [gzLayer([{ name: "app", data: ELF_HEAD, mode: 0o755 }, { name: "etc/passwd", data: "nonroot:x:65532:65532::/:/sbin/nologin\n" }])]);
  writeFileSync(join(work, "marker"), "");
  const result = await run(["inspect", `oci:${dir}`]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /app/);
});
