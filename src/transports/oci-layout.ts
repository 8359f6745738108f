import { constants, createReadStream, createWriteStream, rmSync } from "node:fs";
import { copyFile, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { ExitCode, SlimgoError, inputError } from "../errors.js";
import { canonicalJsonBytes } from "../image/canonical-json.js";
import { VerifyingStream, digestAlgorithm, digestHex, isDigest, verifyBytes, verifyFile } from "../image/digest.js";
import { loadDescriptor, readVerified, type BlobReader } from "../image/load.js";
import { isIndexMediaType, MediaType } from "../image/media-types.js";
import { parseIndexManifest } from "../image/parse.js";
import { fullLocalName } from "../image/reference.js";
import { descriptorOf, isImageIndex, platformOf, type Descriptor, type ImageOrIndex, type IndexManifest } from "../image/types.js";
import { blobsOf, type BlobToWrite } from "./blobs.js";
import { pruneReplaced } from "./layout-prune.js";
import { tempPathBeside, writeAside } from "../fsutil/atomic-write.js";
import { withFileLock } from "../fsutil/file-lock.js";
import { makeDirectories } from "../fsutil/make-directories.js";
import { atExit } from "../fsutil/temp-cleanup.js";

export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";
const LAYOUT_FILE = "oci-layout";
const LAYOUT_CONTENT = '{"imageLayoutVersion":"1.0.0"}';
const MAX_INDEX_JSON = 16 * 1024 * 1024;

function blobPath(dir: string, digest: string): string {
  return join(dir, "blobs", digestAlgorithm(digest), digestHex(digest));
}

/** Blobs of a layout directory, checked against their digests. */
export function layoutBlobReader(dir: string, what = `oci:${dir}`): BlobReader {
  const pathOf = async (d: Descriptor): Promise<string> => {
    const path = blobPath(dir, d.digest);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) {
      throw new SlimgoError(`${what}: blob ${d.digest} is missing from the layout`, { exitCode: ExitCode.findings });
    }
    if (info.size !== d.size) {
      throw new SlimgoError(`${what}: blob ${d.digest} has ${info.size} bytes, ${d.size} declared (corrupt or tampered)`, { exitCode: ExitCode.findings });
    }
    return path;
  };
  return {
    what,
    readBlob: async (d) => readFile(await pathOf(d)),
    openBlob: async (d) => createReadStream(await pathOf(d)),
  };
}

async function readLayoutIndex(dir: string, what: string): Promise<IndexManifest> {
  const path = join(dir, "index.json");
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw inputError(`${dir} is not an OCI layout (no index.json): give a directory written by slimgo, skopeo or buildah`, { file: dir });
  if (info.size > MAX_INDEX_JSON) throw inputError(`${path} is larger than ${MAX_INDEX_JSON} bytes; refusing it`, { file: path });
  return parseIndexManifest(await readFile(path), `${what}: index.json`);
}

function refNames(index: IndexManifest): string[] {
  return index.manifests.map((m) => m.annotations?.[REF_NAME_ANNOTATION]).filter((r): r is string => r !== undefined);
}

/**
 * The index.json entry `ref` names: an exact ref name, else the unique entry whose full
 * reference has that tag (`1.0` finds `localhost/app:1.0`), else a digest; without `ref`,
 * the only entry.
 */
export function selectEntry(index: IndexManifest, ref: string | undefined, what: string): Descriptor {
  const entries = index.manifests;
  if (ref === undefined) {
    if (entries.length === 0) throw inputError(`${what}: the layout holds no images`);
    // Several tags of one image (`-t a -t b`) are one image.
    if (entries.every((m) => m.digest === entries[0]!.digest)) return entries[0]!;
    throw inputError(`${what}: the layout holds ${entries.length} images; ${howToPick(index)}`);
  }
  const exact = entries.filter((m) => m.annotations?.[REF_NAME_ANNOTATION] === ref);
  if (exact.length >= 1) return exact[exact.length - 1]!;
  const byTag = entries.filter((m) => {
    const name = m.annotations?.[REF_NAME_ANNOTATION];
    return name !== undefined && (name.endsWith(`:${ref}`) || name === fullLocalNameOrSelf(ref));
  });
  if (byTag.length === 1) return byTag[0]!;
  const byDigest = entries.filter((m) => m.digest === ref);
  if (byDigest.length >= 1) return byDigest[0]!;
  if (byTag.length > 1) throw inputError(`${what}: "${ref}" matches ${byTag.length} images; give the full name`);
  throw inputError(`${what}: no image named "${ref}"; the layout has ${refNames(index).join(", ") || "only unnamed images"}`);
}

/** How deep `selectDescriptor` looks for a digest inside nested indexes. */
const MAX_NESTING = 4;

/**
 * The entry `ref` names (see selectEntry); a digest no index.json entry has may also name a
 * manifest or index that an index in the layout lists: an index nested in another is not read as
 * a whole, and this is how one picks it (`oci:DIR@sha256:…`).
 */
export async function selectDescriptor(reader: BlobReader, index: IndexManifest, ref: string | undefined, what: string): Promise<Descriptor> {
  try {
    return selectEntry(index, ref, what);
  } catch (error) {
    if (ref === undefined || !isDigest(ref)) throw error;
    const found = await findNested(reader, index.manifests, ref, 0);
    if (found === undefined) throw error;
    return found;
  }
}

async function findNested(reader: BlobReader, descriptors: readonly Descriptor[], digest: string, depth: number): Promise<Descriptor | undefined> {
  if (depth >= MAX_NESTING) return undefined;
  for (const descriptor of descriptors) {
    if (!isIndexMediaType(descriptor.mediaType)) continue;
    const children = parseIndexManifest(await readVerified(reader, descriptor, "index"), `${reader.what}: index ${descriptor.digest}`).manifests;
    const found = children.find((c) => c.digest === digest) ?? (await findNested(reader, children, digest, depth + 1));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `add :REF, one of a, b`, and for images without a ref name (as `skopeo copy ... oci:DIR` writes them), their `@DIGEST`. */
function howToPick(index: IndexManifest): string {
  const names = refNames(index);
  const unnamed = [...new Set(index.manifests.filter((m) => m.annotations?.[REF_NAME_ANNOTATION] === undefined).map((m) => m.digest))];
  const byName = names.length > 0 ? `add :REF, one of ${names.join(", ")}` : "";
  const byDigest = unnamed.length > 0 ? `add @DIGEST for one without a name: ${unnamed.map((d) => `@${d}`).join(", ")}` : "";
  return [byName, byDigest].filter(Boolean).join("; or ");
}

function fullLocalNameOrSelf(ref: string): string {
  try {
    return fullLocalName(ref);
  } catch {
    return ref;
  }
}

/** Reads `oci:DIR[:REF]`. Every blob is verified against its digest as it is read. */
export async function readOciLayout(dir: string, ref?: string): Promise<ImageOrIndex> {
  const what = `oci:${dir}`;
  const index = await readLayoutIndex(dir, what);
  const reader = layoutBlobReader(dir, what);
  return loadDescriptor(reader, await selectDescriptor(reader, index, ref, what));
}

/** The refs and descriptors a layout lists. */
export async function listOciLayout(dir: string): Promise<Descriptor[]> {
  return (await readLayoutIndex(dir, `oci:${dir}`)).manifests;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}


/** Stores one blob atomically (temp file, then rename); returns false when it was already there. */
async function writeBlob(dir: string, blob: BlobToWrite): Promise<boolean> {
  const path = blobPath(dir, blob.digest);
  const info = await stat(path).catch(() => undefined);
  if (info !== undefined && info.size === blob.size) return false;
  await makeDirectories(dirname(path));
  const temp = tempPathBeside(path);
  await writeAside(temp, path, async () => {
    if (blob.bytes !== undefined) {
      verifyBytes(blob.bytes, blob.digest, `blob ${blob.digest}`);
      await writeFile(temp, blob.bytes);
    } else if (blob.path !== undefined) {
      // A copy in the kernel (a reflink where the file system has them), then checked: several
      // times faster than streaming a binary's layer through Node.
      await copyFile(blob.path, temp, constants.COPYFILE_FICLONE);
      await verifyFile(temp, blob.digest, blob.size, `blob ${blob.digest}`);
    } else {
      const source = await blob.open!();
      const sink = createWriteStream(temp);
      const closed = new Promise<void>((resolve) => sink.once("close", resolve));
      try {
        await pipeline(source, new VerifyingStream(blob.digest, blob.size, `blob ${blob.digest}`), sink);
      } catch (err) {
        // The temp file is opened asynchronously and may appear after the pipeline failed: remove it once it is closed.
        await closed;
        throw err;
      }
    }
  });
  return true;
}

export interface WriteLayoutOptions {
  /**
   * Name for the entry, stored as a full reference (`app:1` → `localhost/app:1`); several names
   * (the tags of one build) give an entry each, added under one lock in one write of index.json.
   */
  ref?: string | readonly string[];
  /** Told when another process is writing to the layout and this write waits for it. */
  onWait?: (message: string) => void;
}

/** In an existing layout, beside index.json: taken by every slimgo that writes there. */
export const LAYOUT_LOCK = "index.json.lock";

/** Writes blobs, then index.json, into an existing or new layout directory. */
async function writeInto(dir: string, item: ImageOrIndex, options: WriteLayoutOptions, created: string[]): Promise<Descriptor> {
  await makeDirectories(join(dir, "blobs"));
  // At once: each is written aside and renamed, and nothing refers to them before index.json. All
  // have settled before a failure is thrown, so the caller's cleanup sees every blob added.
  const writes = await Promise.allSettled(
    blobsOf(item).map(async (blob) => {
      if (await writeBlob(dir, blob)) created.push(blobPath(dir, blob.digest));
    }),
  );
  const failed = writes.find((w): w is PromiseRejectedResult => w.status === "rejected");
  if (failed) throw failed.reason;
  const existing: IndexManifest = (await exists(join(dir, "index.json")))
    ? await readLayoutIndex(dir, `oci:${dir}`)
    : { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  const given = options.ref === undefined ? [] : typeof options.ref === "string" ? [options.ref] : options.ref;
  const refNames = [...new Set(given.map((ref) => fullLocalName(ref)))];
  const platform = isImageIndex(item) ? {} : { platform: platformOf(item) };
  const entries = refNames.length === 0 ? [descriptorOf(item, platform)] : refNames.map((name) => descriptorOf(item, { annotations: { [REF_NAME_ANNOTATION]: name }, ...platform }));
  const kept = existing.manifests.filter((m) => {
    const name = m.annotations?.[REF_NAME_ANNOTATION];
    return name === undefined ? !(refNames.length === 0 && m.digest === item.digest) : !refNames.includes(name);
  });
  const index: IndexManifest = { ...existing, schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [...kept, ...entries] };
  await writeFile(join(dir, LAYOUT_FILE), LAYOUT_CONTENT);
  // Renamed, not fsynced: a failed or interrupted write never leaves half an index.json, and after
  // a power cut a rebuild restores the layout. (An fsync here cost up to 25 ms a watch rebuild.)
  const indexTemp = tempPathBeside(join(dir, "index.json"));
  await writeAside(indexTemp, join(dir, "index.json"), () => writeFile(indexTemp, canonicalJsonBytes(index)));
  // index.json names them now: from here on a failure or an interrupt must leave them.
  created.splice(0);
  // The image whose tag this one took is gone from the index: its blobs that nothing else uses go too.
  await pruneReplaced(dir, existing.manifests.filter((m) => !kept.includes(m)), index.manifests).catch(() => 0);
  return entries[0]!;
}

/** Whether `dir` is a directory with something in it, but neither index.json nor oci-layout: adding a layout there would mix it with other files. */
export async function isForeignDirectory(dir: string): Promise<boolean> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory() || (await exists(join(dir, "index.json"))) || (await exists(join(dir, LAYOUT_FILE)))) return false;
  return (await readdir(dir)).length > 0;
}

/**
 * Writes an image or index to the OCI layout at `dir`, adding to what is there (index.json is
 * merged; an entry with the same ref name is replaced). A new layout is built beside `dir` and
 * renamed into place; in an existing one blobs land by rename and index.json is replaced last,
 * and blobs added by a failed write are removed, so a failure leaves the old layout intact. When
 * the entry replaces another of the same ref name, the blobs only the replaced one used are removed
 * (a `--watch` loop would otherwise leave a binary layer behind on every rebuild).
 *
 * Writers take turns (file-lock.ts): two builds adding tags at once would each merge into the
 * index.json they read and the last would drop the other's tag, and a pruning writer could remove
 * a blob that another found present and so did not write. The lock is `index.json.lock` in an
 * existing layout, and a hidden file beside a layout not made yet (whose maker may find, once it
 * has the lock, that another made it meanwhile).
 */
export async function writeOciLayout(dir: string, item: ImageOrIndex, options: WriteLayoutOptions = {}): Promise<Descriptor> {
  const info = await stat(dir).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) throw inputError(`${dir} exists and is not a directory: give a directory for the OCI layout`, { file: dir });
  if (info !== undefined && (await isForeignDirectory(dir))) throw inputError(`${dir} is a non-empty directory that is not an OCI layout: give a new or empty directory`, { file: dir });
  const lockOptions = { what: `oci:${dir}`, onWait: options.onWait };
  if (info === undefined) {
    await makeDirectories(dirname(dir));
    const made = await withFileLock(join(dirname(dir), `.${basename(dir)}.slimgo-lock`), lockOptions, async () => {
      if (await exists(dir)) return undefined;
      const temp = tempPathBeside(dir);
      return writeAside(temp, dir, () => writeInto(temp, item, options, []));
    });
    if (made) return made;
  }
  const created: string[] = [];
  // An interrupt leaves no blob that index.json does not name yet (as a failure does not). Set
  // before the lock is taken, so that at exit it runs before the lock goes: the next writer may
  // find those blobs present and not write them.
  const forget = atExit(() => {
    for (const p of created) rmSync(p, { force: true });
  });
  try {
    return await withFileLock(join(dir, LAYOUT_LOCK), lockOptions, async () => {
      try {
        return await writeInto(dir, item, options, created);
      } catch (err) {
        await Promise.all(created.map((p) => rm(p, { force: true })));
        throw err;
      }
    });
  } finally {
    forget();
  }
}
