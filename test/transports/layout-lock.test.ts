/**
 * Writers of one OCI layout take turns: concurrent writes keep every tag, a lock left by a dead
 * writer is broken, a live one is waited for, and an interrupted writer leaves neither its lock nor
 * blobs that index.json does not name.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { listOciLayout, writeOciLayout, LAYOUT_LOCK, REF_NAME_ANNOTATION } from "../../src/transports/oci-layout.js";
import { withConfig } from "../../src/image/mutate.js";
import { withFileLock } from "../../src/fsutil/file-lock.js";
import { SlimgoError } from "../../src/errors.js";
import { busyboxImage } from "./fixture.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-layout-lock-"));
after(() => rmSync(work, { recursive: true, force: true }));
const blobDir = join(work, "blobs");

const tagsIn = async (layout: string) => (await listOciLayout(layout)).map((d) => d.annotations?.[REF_NAME_ANNOTATION]).sort();

/** Every file under `dir`, as relative paths. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`])).sort();
}

/** A pid that is no process's: one that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

async function writeAtOnce(layout: string): Promise<string[]> {
  const base = await busyboxImage(blobDir);
  const images = Array.from({ length: 8 }, (_, i) => withConfig(base, { config: { Env: [`N=${i}`] } }));
  await Promise.all(images.map((image, i) => writeOciLayout(layout, image, { ref: `app:${i}` })));
  assert.ok(!existsSync(join(layout, LAYOUT_LOCK)), "the lock is gone");
  assert.deepEqual(readdirSync(work).filter((n) => n.includes("slimgo")), [], "no lock or temp dir beside the layout");
  return images.map((_, i) => `localhost/app:${i}`);
}

test("writes at once into an existing layout keep every tag", async () => {
  const layout = join(work, "existing");
  await writeOciLayout(layout, await busyboxImage(blobDir), { ref: "app:first" });
  const written = await writeAtOnce(layout);
  assert.deepEqual(await tagsIn(layout), ["localhost/app:first", ...written].sort());
});

test("writes at once into a layout not made yet: one makes it, the others add to it", async () => {
  const layout = join(work, "new");
  const written = await writeAtOnce(layout);
  assert.deepEqual(await tagsIn(layout), written.sort());
});

test("a lock left by a dead process is broken; a live holder is waited for, and named", async () => {
  const layout = join(work, "held");
  const image = await busyboxImage(blobDir);
  await writeOciLayout(layout, image, { ref: "app:1" });
  writeFileSync(join(layout, LAYOUT_LOCK), `${await deadPid()}@${hostname()}\n`);
  await writeOciLayout(layout, image, { ref: "app:2" });
  assert.deepEqual(await tagsIn(layout), ["localhost/app:1", "localhost/app:2"]);
  assert.ok(!existsSync(join(layout, LAYOUT_LOCK)));

  writeFileSync(join(layout, LAYOUT_LOCK), `${process.pid}@${hostname()}\n`);
  const told: string[] = [];
  let done = false;
  const writing = writeOciLayout(layout, image, { ref: "app:3", onWait: (m) => told.push(m) }).then(() => (done = true));
  await sleep(1500);
  assert.equal(done, false, "it waits while the holder lives");
  assert.deepEqual(told, [`oci:${layout}: waiting for process ${process.pid}, which is writing to it`]);
  rmSync(join(layout, LAYOUT_LOCK));
  await writing;
  assert.deepEqual(await tagsIn(layout), ["localhost/app:1", "localhost/app:2", "localhost/app:3"]);
});

test("a holder that keeps the lock past the time limit is a usage error naming the lock file", async () => {
  const lock = join(work, "limit.lock");
  writeFileSync(lock, `${process.pid}@${hostname()}\n`);
  await assert.rejects(
    withFileLock(lock, { what: "oci:limit", timeoutMs: 200 }, async () => undefined),
    (err: unknown) => err instanceof SlimgoError && err.exitCode === 2 && err.message.startsWith(`oci:limit: process ${process.pid} has held its lock (${lock}) for 0 s: wait for it to finish, or remove the lock file`),
  );
  rmSync(lock);
});

const writers: ReturnType<typeof spawn>[] = [];
after(() => {
  for (const w of writers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
});

/**
 * A child process that writes an image whose layer never finishes streaming into `layout`: it
 * holds the lock, with the config and manifest blobs already written, when it is signalled.
 */
function hangingWriter(layout: string, ref: string) {
  const module = (path: string) => JSON.stringify(new URL(`../../src/${path}`, import.meta.url).href);
  const script = `
    import { Readable } from "node:stream";
    import { writeOciLayout } from ${module("transports/oci-layout.js")};
    import { appendLayers, emptyImage } from ${module("image/mutate.js")};
    const digest = "sha256:" + "ab".repeat(32);
    const hanging = { digest, diffId: digest, size: 1 << 20, mediaType: "application/vnd.oci.image.layer.v1.tar",
      open: async () => new Readable({ read() { if (!this.sent) { this.sent = true; this.push(Buffer.alloc(4096)); } } }),
      openUncompressed: async () => { throw new Error("unused"); } };
    const image = appendLayers(emptyImage({ os: "linux", architecture: "amd64" }), [hanging], [{ created_by: "hangs" }]);
    // The stream waits on nothing: this keeps the process alive until it is signalled.
    setInterval(() => {}, 60_000);
    await writeOciLayout(${JSON.stringify(layout)}, image, { ref: ${JSON.stringify(ref)} });
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "pipe"] });
  writers.push(child);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  return { child, exited, stderr: () => stderr };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 20_000; !check(); await sleep(20)) if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
}

test("a writer stopped by SIGINT or SIGTERM while it holds the lock leaves the layout as it was, without its lock or blobs", async () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const layout = join(work, `interrupted-${signal}`);
    await writeOciLayout(layout, await busyboxImage(blobDir), { ref: "app:1" });
    const before = filesUnder(layout);
    const index = readFileSync(join(layout, "index.json"));
    const writer = hangingWriter(layout, "app:2");
    // Holding the lock, with the small blobs written and the layer streaming.
    await until(() => existsSync(join(layout, LAYOUT_LOCK)) && filesUnder(layout).length >= before.length + 3, `the writer to hold the lock (${writer.stderr()})`);
    writer.child.kill(signal);
    assert.equal(await writer.exited, signal, writer.stderr());
    assert.deepEqual(filesUnder(layout), before, "no lock, no blob and no temp file left");
    assert.deepEqual(readFileSync(join(layout, "index.json")), index);
  }
});

test("after a writer killed outright (SIGKILL), the next write breaks its lock", async () => {
  const layout = join(work, "killed");
  const image = await busyboxImage(blobDir);
  await writeOciLayout(layout, image, { ref: "app:1" });
  const writer = hangingWriter(layout, "app:2");
  await until(() => existsSync(join(layout, LAYOUT_LOCK)), "the writer to hold the lock");
  writer.child.kill("SIGKILL");
  await writer.exited;
  assert.ok(existsSync(join(layout, LAYOUT_LOCK)), "SIGKILL leaves the lock");
  await writeOciLayout(layout, image, { ref: "app:3" });
  assert.deepEqual(await tagsIn(layout), ["localhost/app:1", "localhost/app:3"]);
  assert.ok(!existsSync(join(layout, LAYOUT_LOCK)));
});
