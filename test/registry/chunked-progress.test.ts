/** Upload progress follows the bytes onto the network, for chunked uploads too. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { RegistryClient } from "../../src/registry/client.js";
import { skipUnlessRegistryTools } from "./support/skip.js";
import { blobOf } from "./support/image.js";
import { startFaultProxy, type FaultProxy } from "./support/proxy.js";
import { mostAheadOfLink, startSlowLink, type SlowLink } from "./support/slow-link.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";

const LINK_BYTES_PER_SECOND = 8_000_000;

describe("upload progress on a slow link", { skip: skipUnlessRegistryTools("go") }, () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let link: SlowLink;

  before(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.host);
    link = await startSlowLink(proxy.host, LINK_BYTES_PER_SECOND);
  });
  after(async () => {
    await link?.stop();
    await proxy?.stop();
    await registry?.stop();
  });

  test("a chunked upload never counts more than what is on its way: a chunk is not counted when it is read", async () => {
    const lead = mostAheadOfLink();
    // Chunks twice the most the count may lead by, so counting a chunk as it is read shows.
    const chunkSize = 2 * lead;
    const client = new RegistryClient(link.host, { insecure: true, credentials: null, chunkSize });
    const blob = blobOf(randomBytes(chunkSize + 1_000_000));
    const leads: number[] = [];
    const counts: number[] = [];
    const result = await client.pushBlob("slow", blob, {
      onProgress: (p) => {
        counts.push(p.uploaded);
        leads.push(p.uploaded - proxy.bodyBytes());
      },
    });
    assert.equal(result.outcome, "uploaded");
    assert.ok(Math.max(...leads) <= lead, `the count led the link by at most ${lead} bytes, not ${Math.max(...leads)}`);
    assert.equal(counts.at(-1), blob.size);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! >= counts[i - 1]!, "the count never goes back");
    assert.ok(counts.filter((c) => c > 0 && c < chunkSize).length > 10, "the first chunk is counted as it streams");
    assert.ok(await client.blobExists("slow", blob.digest), "the blob is stored");
  });
});
