/**
 * `slimgo verify REGISTRY/REPO:TAG` downloads each blob once: the binary's layer is read for the
 * file checks and the Go analysis, and again for the health check's flag; the second read comes
 * from the copy the first one kept.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { startFaultProxy, type FaultProxy } from "../registry/support/proxy.js";
import { skipUnlessRegistryTools } from "../registry/support/skip.js";
import { tempDirs } from "../support/temp-dirs.js";
import { join } from "node:path";

const skip = skipUnlessRegistryTools("go");
const temp = tempDirs();
const fixture = moduleCopies();
let registry: TestRegistry | undefined;
let proxy: FaultProxy | undefined;

before(async () => {
  if (skip) return;
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.host);
});
after(async () => {
  await proxy?.stop();
  await registry?.stop();
});

test("verify of a registry image downloads every blob once, and checks the health check's -health flag all the same", { skip }, async () => {
  const dir = await fixture("health-flag");
  const env = { SLIMGO_CACHE_DIR: join(await temp.make("slimgo-verify-downloads-"), "cache") };
  const pushed = await runSlimgo(["build", dir, "--push", `${registry!.host}/downloads/app:1`, "--insecure-registry", registry!.host], { env });
  assert.equal(pushed.code, 0, pushed.stderr);
  const r = await runSlimgo(["verify", `${proxy!.host}/downloads/app:1`, "--insecure-registry", proxy!.host], { env });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^ {2}PASS {2}SV002 healthcheck: /m);
  const blobGets = proxy!.requests.filter((q) => q.method === "GET" && q.path.includes("/blobs/sha256:")).map((q) => q.path);
  assert.ok(blobGets.length >= 3, `config and two layers: ${blobGets.join(" ")}`);
  assert.deepEqual(blobGets, [...new Set(blobGets)], "no blob downloaded twice");
  const pulls = r.stderr.split("\n").filter((l) => l.startsWith("pulling layer "));
  assert.deepEqual(pulls, [...new Set(pulls)], r.stderr);
});
