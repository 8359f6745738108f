import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { digestAlgorithm, digestHex, isDigest } from "../image/digest.js";
import type { Descriptor } from "../image/types.js";

/**
 * The blobs a descriptor reaches in a layout: itself and, for manifests and indexes, what they
 * name (config, layers, child manifests, subject). Undefined when a manifest cannot be read or
 * parsed: then nothing may be removed, because what it names is unknown.
 */
async function reachable(dir: string, roots: Descriptor[]): Promise<Set<string> | undefined> {
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const d = pending.pop()!;
    if (!isDigest(d.digest)) return undefined;
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    if (!/manifest|index/.test(d.mediaType)) continue;
    let parsed: { config?: Descriptor; layers?: Descriptor[]; manifests?: Descriptor[]; subject?: Descriptor };
    try {
      parsed = JSON.parse(await readFile(join(dir, "blobs", digestAlgorithm(d.digest), digestHex(d.digest)), "utf8")) as typeof parsed;
    } catch {
      return undefined;
    }
    for (const child of [parsed.config, ...(parsed.layers ?? []), ...(parsed.manifests ?? []), parsed.subject]) {
      if (child === undefined) continue;
      if (typeof child.digest !== "string" || !isDigest(child.digest) || typeof child.mediaType !== "string") return undefined;
      pending.push(child);
    }
  }
  return seen;
}

/**
 * Removes the blobs that only the `replaced` index entries used: an image that a new one took the
 * tag of, e.g. on every rebuild of `slimgo build --watch --oci-layout`. Blobs that anything still in
 * `kept` reaches stay, as do blobs slimgo did not see named (another tool's). Returns how many
 * blobs were removed; a layout it cannot read fully is left as it is.
 */
export async function pruneReplaced(dir: string, replaced: Descriptor[], kept: Descriptor[]): Promise<number> {
  if (replaced.length === 0) return 0;
  const [old, live] = await Promise.all([reachable(dir, replaced), reachable(dir, kept)]);
  if (!old || !live) return 0;
  const unused = [...old].filter((digest) => !live.has(digest));
  await Promise.all(unused.map((digest) => rm(join(dir, "blobs", digestAlgorithm(digest), digestHex(digest)), { force: true })));
  return unused.length;
}
