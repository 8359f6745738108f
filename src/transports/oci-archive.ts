import { ExitCode, SlimgoError } from "../errors.js";
import { loadDescriptor } from "../image/load.js";
import { parseIndexManifest } from "../image/parse.js";
import type { ImageOrIndex } from "../image/types.js";
import { indexTarFile } from "../tar/file-index.js";
import type { TarLimits } from "../tar/read.js";
import { archiveBlobReader, writeLayoutArchive } from "./layout-archive.js";
import { selectDescriptor } from "./oci-layout.js";

/** Writes `oci-archive:FILE`: an OCI layout in one plain tar file. */
export async function writeOciArchive(file: string, item: ImageOrIndex, options: { ref?: string } = {}): Promise<void> {
  await writeLayoutArchive(file, item, { ...options, dockerManifest: false });
}

/**
 * Reads `oci-archive:FILE[:REF]` without extracting it: blobs are streamed from their byte ranges
 * in the file and verified against their digests.
 */
export async function readOciArchive(file: string, ref?: string, limits: TarLimits = {}): Promise<ImageOrIndex> {
  const what = `oci-archive:${file}`;
  const archive = await indexTarFile(file, limits);
  if (archive.resolve("index.json") === undefined) {
    throw new SlimgoError(`${file} is not an OCI archive (no index.json inside); for docker save output use docker-archive:`, { exitCode: ExitCode.usage, file });
  }
  const index = parseIndexManifest(await archive.read("index.json", 16 * 1024 * 1024), `${what}: index.json`);
  const reader = archiveBlobReader(archive, what);
  return loadDescriptor(reader, await selectDescriptor(reader, index, ref, what));
}
