import { after, test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";

// go does not cache linked binaries, so slimgo keeps the health probe it links in its own cache.

const copy = moduleCopies();
const scratch: string[] = [];
after(() => Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true }))));

test("the health probe is linked once and taken from slimgo's cache after that", { skip: skipUnless("go") }, async () => {
  const moduleDir = await copy("root-main");
  const cache = await mkdtemp(join(tmpdir(), "slimgo-probe-cache-"));
  const out = await mkdtemp(join(tmpdir(), "slimgo-probe-out-"));
  scratch.push(cache, out);
  const env = { SLIMGO_CACHE_DIR: cache, SOURCE_DATE_EPOCH: "1700000000", SLIMGO_NO_SPECULATION: "1" };
  const build = async (n: number) => {
    const r = await runSlimgo(["build", moduleDir, "--oci-layout", join(out, `layout-${n}`), "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { programs: { digest: string }[] }).programs[0]!.digest;
  };
  const first = await build(1);
  const probes = await readdir(join(cache, "health-probes"));
  assert.equal(probes.length, 1, "one probe for linux/amd64");
  assert.equal(await build(2), first, "the cached probe is the one go linked");
  // Whatever is in the cache is what goes into the image: a planted binary changes the digest.
  await copyFile("/bin/true", join(cache, "health-probes", probes[0]!));
  assert.notEqual(await build(3), first);
});
