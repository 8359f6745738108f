import { createHash } from "node:crypto";
import { valibot } from "../lazy-valibot.js";
import { ExitCode, SlimgoError, inputError } from "../errors.js";
import { canonicalJsonBytes } from "../image/canonical-json.js";
import { sha256, type Digest } from "../image/digest.js";
import { layerFromOpener } from "../image/layer.js";
import { imageFromManifestBytes, loadDescriptor, MAX_METADATA_BLOB, type BlobReader } from "../image/load.js";
import { MediaType } from "../image/media-types.js";
import { parseConfigFile, parseIndexManifest } from "../image/parse.js";
import { fullLocalName, parseRegistryReference, formatRegistryReference } from "../image/reference.js";
import { isImageIndex, type Image, type ImageManifest, type ImageOrIndex } from "../image/types.js";
import { indexTarFile, type TarFileIndex } from "../tar/file-index.js";
import type { TarLimits } from "../tar/read.js";
import { archiveBlobReader, writeLayoutArchive } from "./layout-archive.js";

/**
 * Writes `docker-archive:FILE` for `docker load` / `podman load`. A single image becomes one tar
 * that is both a docker-archive (manifest.json) and an OCI layout sharing the same blobs, as
 * `docker save` writes since Engine 25; an index cannot be expressed in manifest.json, so a
 * multi-platform image is written as an OCI archive, which both loaders also take.
 */
export async function writeDockerArchive(file: string, item: ImageOrIndex, options: { ref?: string } = {}): Promise<void> {
  await writeLayoutArchive(file, item, { ...options, dockerManifest: !isImageIndex(item) });
}

/** The shape of a docker-archive's manifest.json (valibot loads only when an archive is read). */
function manifestJsonSchema() {
  const v = valibot();
  return v.array(
    v.looseObject({
      Config: v.string(),
      RepoTags: v.nullish(v.array(v.string())),
      Layers: v.array(v.string()),
    }),
  );
}
interface ArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

function normalizedName(name: string): string | undefined {
  try {
    return formatRegistryReference(parseRegistryReference(name));
  } catch {
    return undefined;
  }
}

function selectArchiveEntry(entries: ArchiveEntry[], ref: string | undefined, what: string): ArchiveEntry {
  if (entries.length === 0) throw inputError(`${what}: manifest.json lists no images`);
  if (ref === undefined) {
    if (entries.length === 1) return entries[0]!;
    throw inputError(`${what}: the archive holds ${entries.length} images; add :NAME or :@INDEX (tags: ${entries.flatMap((e) => e.RepoTags ?? []).join(", ")})`);
  }
  if (/^@\d+$/.test(ref)) {
    const entry = entries[Number(ref.slice(1))];
    if (entry === undefined) throw inputError(`${what}: no image at position ${ref} (the archive holds ${entries.length})`);
    return entry;
  }
  const wanted = new Set([ref, normalizedName(ref), (() => { try { return fullLocalName(ref); } catch { return undefined; } })()].filter((n): n is string => n !== undefined));
  const found = entries.find((e) => (e.RepoTags ?? []).some((t) => wanted.has(t) || wanted.has(normalizedName(t) ?? t)));
  if (found === undefined) throw inputError(`${what}: no image tagged "${ref}"; tags: ${entries.flatMap((e) => e.RepoTags ?? []).join(", ") || "(none)"}`);
  return found;
}

/** Hashes an archive member by streaming it (layers are never held whole). */
async function hashMember(archive: TarFileIndex, path: string): Promise<{ digest: Digest; size: number; gzip: boolean }> {
  const hash = createHash("sha256");
  let size = 0;
  let first: Buffer | undefined;
  for await (const chunk of archive.open(path) as AsyncIterable<Buffer>) {
    if (first === undefined) first = chunk;
    size += chunk.length;
    hash.update(chunk);
  }
  return { digest: `sha256:${hash.digest("hex")}`, size, gzip: first !== undefined && first[0] === 0x1f && first[1] === 0x8b };
}

/** When the archive also carries an OCI layout (docker save ≥ 25, slimgo), the original manifest keeps its digest. */
async function findOriginalManifest(archive: TarFileIndex, reader: BlobReader, configDigest: Digest, what: string): Promise<Image | undefined> {
  if (archive.resolve("index.json") === undefined) return undefined;
  const index = parseIndexManifest(await archive.read("index.json", MAX_METADATA_BLOB), `${what}: index.json`);
  for (const descriptor of index.manifests) {
    const item = await loadDescriptor(reader, descriptor).catch(() => undefined);
    if (item === undefined) continue;
    const images = isImageIndex(item) ? item.manifests.map((c) => c.image) : [item];
    const match = images.find((image) => image.manifest.config.digest === configDigest);
    if (match !== undefined) return match;
  }
  return undefined;
}

/**
 * Reads `docker-archive:FILE[:NAME|:@N]` without extracting it. Config and layers are checked:
 * the config against its file name when that is a digest, each layer against the config's diff_ids.
 * `what` names the image in errors (`podman:NAME` for an archive `podman save` wrote to a temp file).
 */
export async function readDockerArchive(file: string, ref?: string, limits: TarLimits = {}, what = `docker-archive:${file}`): Promise<Image> {
  const archive = await indexTarFile(file, limits);
  if (archive.resolve("manifest.json") === undefined) {
    throw new SlimgoError(`${file} is not a docker-archive (no manifest.json inside); for an OCI archive use oci-archive:`, { exitCode: ExitCode.usage, file });
  }
  const raw = await archive.read("manifest.json", MAX_METADATA_BLOB);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw new SlimgoError(`${what}: manifest.json is not valid JSON (${(err as Error).message})`, { exitCode: ExitCode.findings });
  }
  const result = valibot().safeParse(manifestJsonSchema(), parsed);
  if (!result.success) throw new SlimgoError(`${what}: manifest.json is malformed (${result.issues[0].message})`, { exitCode: ExitCode.findings });
  const entry = selectArchiveEntry(result.output, ref, what);

  const rawConfig = await archive.read(entry.Config, MAX_METADATA_BLOB);
  const configDigest = sha256(rawConfig);
  const named = /(?:^|\/)(?:sha256[:/])?([a-f0-9]{64})(?:\.json)?$/.exec(entry.Config);
  if (named !== null && `sha256:${named[1]}` !== configDigest) {
    throw new SlimgoError(`${what}: config ${entry.Config} has digest ${configDigest}, not the one its name claims (corrupt or tampered)`, { exitCode: ExitCode.findings });
  }
  const config = parseConfigFile(rawConfig, `${what}: config ${entry.Config}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== entry.Layers.length) {
    throw new SlimgoError(`${what}: manifest.json lists ${entry.Layers.length} layers but the config has ${diffIds.length} diff_ids`, { exitCode: ExitCode.findings });
  }

  const reader = archiveBlobReader(archive, what);
  const original = await findOriginalManifest(archive, reader, configDigest, what);
  if (original !== undefined) return original;

  const layers = [];
  for (const [i, path] of entry.Layers.entries()) {
    const member = await hashMember(archive, path);
    const diffId = diffIds[i]!;
    if (!member.gzip && member.digest !== diffId) {
      throw new SlimgoError(`${what}: layer ${path} has digest ${member.digest} but the config expects ${diffId} (corrupt or tampered)`, { exitCode: ExitCode.findings });
    }
    const mediaType = member.gzip ? MediaType.dockerLayerGzip : MediaType.dockerLayer;
    layers.push(layerFromOpener({ digest: member.digest, diffId, size: member.size, mediaType }, async () => archive.open(path), true));
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, digest: configDigest, size: rawConfig.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const rawManifest = canonicalJsonBytes(manifest);
  const image = await imageFromManifestBytes(
    { what, readBlob: async () => rawConfig, openBlob: async () => { throw new Error("unused"); } },
    rawManifest,
    { mediaType: MediaType.dockerManifest, digest: sha256(rawManifest), size: rawManifest.length },
  );
  return { ...image, layers };
}
