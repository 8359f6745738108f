/** `slimgo build --push` shows upload bytes on stderr while a large layer crawls through a slow link. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyModule, runSlimgo } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { startFaultProxy, type FaultProxy } from "../registry/support/proxy.js";
import { mostAheadOfLink, startSlowLink, type SlowLink } from "../registry/support/slow-link.js";
import { skipUnlessRegistryTools } from "../registry/support/skip.js";

// The client counts bytes as it hands them on, some of them before the link takes them. So the
// layer is larger than that lead plus three seconds of the link: whatever the lead, the count
// still crawls for seconds, with a progress line each second.
const LINK_BYTES_PER_SECOND = 4_000_000;
const ASSET_BYTES = mostAheadOfLink() + 3 * LINK_BYTES_PER_SECOND;

interface BuildJson {
  programs: { digest: string; published: { reference: string; digest: string }[] }[];
}

describe("push progress on stderr", { skip: skipUnlessRegistryTools("go", "skopeo"), concurrency: 1 }, () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let link: SlowLink;
  let module = "";
  const cacheDir = join(tmpdir(), `slimgo-progress-cache-${process.pid}`);
  const env = { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_CACHE_DIR: cacheDir };

  before(async () => {
    module = await copyModule("root-main");
    await mkdir(join(module, "static"));
    // Random bytes do not compress: the asset layer stays about as large as the file.
    await writeFile(join(module, "static", "blob.bin"), randomBytes(ASSET_BYTES));
    registry = await startRegistry();
    // The first blob upload loses its connection, so one upload starts over.
    let uploads = 0;
    proxy = await startFaultProxy(registry.host, (req) => (req.method === "PUT" && req.path.includes("/blobs/uploads/") && uploads++ === 0 ? "drop" : "pass"));
    link = await startSlowLink(proxy.host, LINK_BYTES_PER_SECOND);
  });
  after(async () => {
    await link?.stop();
    await proxy?.stop();
    await registry?.stop();
    await Promise.all([module, cacheDir].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
  });

  async function largestLayer(ref: string): Promise<{ digest: string; size: number }> {
    const manifest = JSON.parse((await runTool("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${ref}`])).stdout) as {
      layers: { digest: string; size: number }[];
    };
    const layer = [...manifest.layers].sort((a, b) => b.size - a.size)[0];
    assert.ok(layer, `${ref} has layers`);
    return layer;
  }

  test("a slow upload of a large layer shows growing byte counts, then the pushed line; a restart says retrying; stdout stays JSON", async () => {
    const started = Date.now();
    const r = await runSlimgo(["build", "--json", module, "--assets", "static", "--push", `${link.host}/progress/app`, "--insecure-registry", link.host], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as BuildJson;
    const published = result.programs[0]!.published[0]!;

    const inspected = JSON.parse((await runTool("skopeo", ["inspect", "--tls-verify=false", `docker://${registry.host}/progress/app:latest`])).stdout) as {
      Digest: string;
    };
    assert.equal(inspected.Digest, published.digest, "the pushed image reads back");

    const layer = await largestLayer(`${registry.host}/progress/app:latest`);
    assert.ok(layer.size > ASSET_BYTES, `the asset layer (${layer.size} bytes) holds the random file`);
    assert.ok(Date.now() - started > 2000, "the throttled upload took more than two seconds");
    const short = layer.digest.slice(0, 19);
    const mine = r.stderr.split("\n").filter((l) => l.includes(short));
    const pushing = mine
      .map((l) => new RegExp(`^  pushing ${short} (\\d+\\.\\d)/(\\d+\\.\\d) MB \\((\\d+)%\\)$`).exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    assert.ok(pushing.length >= 2, `at least two progress lines for ${short}:\n${r.stderr}`);
    const sent = pushing.map((m) => Number(m[1]));
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i]! > sent[i - 1]!, `byte counts grow: ${sent.join(", ")}`);
    for (const m of pushing) assert.equal(Number(m[2]), Number((layer.size / 1e6).toFixed(1)), "the total is the layer's size");
    assert.equal(mine.at(-1), `  pushed ${short} (${(layer.size / 1e6).toFixed(1)} MB)`, "the pushed line comes last");
    const retrying = r.stderr.split("\n").filter((l) => /^  retrying sha256:[0-9a-f]{12} \(upload restarted\)$/.test(l));
    assert.equal(retrying.length, 1, `one upload restarted:\n${r.stderr}`);
    const restarted = retrying[0]!.split(" ")[3]!;
    const lines = r.stderr.split("\n");
    assert.ok(lines.indexOf(retrying[0]!) < lines.findIndex((l) => l.startsWith(`  pushed ${restarted} `)), "retrying comes before that blob's pushed line");
    assert.doesNotMatch(r.stderr, /https?:\/\//, "no URLs on stderr");
  });

  test("-q prints no progress at all; stdout has the reference", async () => {
    const r = await runSlimgo(["build", "-q", module, "--assets", "static", "--push", `${registry.host}/progress/quiet`, "--insecure-registry", registry.host], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /push(ing|ed) sha256:/);
    assert.match(r.stdout.trim(), new RegExp(`^${registry.host.replace(/\./g, "\\.")}/progress/quiet:latest@sha256:[0-9a-f]{64}$`));
  });
});
