/**
 * A blob in the layer cache whose bytes no longer have its digest (a disk error, a stray edit) is
 * dropped with a warning and the layer made again: the build succeeds with the same image, where
 * it used to fail every time it published that layer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();

test("a corrupt blob in the layer cache is dropped and made again; the image is the same", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-corrupt-cache-");
  const cache = join(out, "cache");
  const env = { SLIMGO_CACHE_DIR: cache, SOURCE_DATE_EPOCH: "1700000000" };
  const build = async (layout: string) => {
    const r = await runSlimgo(["build", dir, "--oci-layout", join(out, layout), "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    return { digest: (JSON.parse(r.stdout) as { programs: { digest: string }[] }).programs[0]!.digest, stderr: r.stderr };
  };
  const first = await build("a");

  const blobs = join(cache, "blobs");
  const sizes = await Promise.all((await readdir(blobs)).map(async (name) => ({ path: join(blobs, name), size: (await stat(join(blobs, name))).size })));
  const binaryLayer = sizes.sort((a, b) => b.size - a.size)[0]!;
  const file = await open(binaryLayer.path, "r+");
  await file.write(Buffer.from("corrupt"), 0, 7, Math.floor(binaryLayer.size / 2));
  await file.close();

  const second = await build("b");
  assert.equal(second.digest, first.digest);
  assert.match(second.stderr, new RegExp(`^warning: the layer cache in ${cache} held a corrupt copy of layer sha256:[0-9a-f]{12} .*: dropped it, and the layer is made again$`, "m"));
  assert.match(second.stderr, /binary layer [\d.]+ MB compressed in/, "the binary's layer was compressed again");

  const third = await build("c");
  assert.equal(third.digest, first.digest);
  assert.doesNotMatch(third.stderr, /warning/, "the cache holds a good copy again");
  assert.match(third.stderr, /binary layer [\d.]+ MB \(cached\)/);
});
