import { stat } from "node:fs/promises";
import { join } from "node:path";
import { inputError } from "../errors.js";
import { indexTarFile } from "../tar/file-index.js";
import { dirTransportError } from "../image/reference.js";

const TRANSPORT = /^(oci|oci-archive|docker-archive|podman|docker|containers-storage):/;
const EXPLICIT_PATH = /^(\/|\.\.?\/|\.\.?$)/;
const ARCHIVE_NAME = /\.(tar|tar\.gz|tgz)$/;

/**
 * The transport reference for an image given as a plain path, as `slimgo build --tarball` and
 * `--oci-layout` write them: a directory with an `oci-layout` file is `oci:DIR`, a tar with an
 * `index.json` is `oci-archive:FILE` (slimgo's tarballs and newer `docker save` output have both
 * files), one with only `manifest.json` is `docker-archive:FILE`. Undefined when `input` is not
 * taken for a path: a path is what starts with `/`, `./` or `../`, or an existing directory or
 * `.tar` file named without them; no registry reference can start with those, and a bare name is
 * a registry image unless it is there on disk as a layout or archive.
 */
export async function localPathReference(input: string): Promise<string | undefined> {
  if (TRANSPORT.test(input)) return undefined;
  const explicit = EXPLICIT_PATH.test(input);
  const info = await stat(input).catch(() => undefined);
  if (info === undefined) {
    if (explicit) throw inputError(`${input}: no such file or directory (an image path must be an OCI layout directory or an image tarball)`);
    return undefined;
  }
  if (info.isDirectory()) {
    const layout = await stat(join(input, "oci-layout")).catch(() => undefined);
    if (layout?.isFile()) return `oci:${input}`;
    const skopeoDir = await stat(join(input, "version")).catch(() => undefined);
    if (skopeoDir?.isFile() && (await stat(join(input, "manifest.json")).catch(() => undefined))?.isFile()) throw dirTransportError(input);
    if (explicit) throw inputError(`${input} is a directory but not an OCI layout (it has no oci-layout file)`);
    return undefined;
  }
  if (!info.isFile() || (!explicit && !ARCHIVE_NAME.test(input))) return undefined;
  const archive = await indexTarFile(input);
  if (archive.resolve("index.json") !== undefined) return `oci-archive:${input}`;
  if (archive.resolve("manifest.json") !== undefined) return `docker-archive:${input}`;
  throw inputError(`${input} is a tar file but not an image archive (neither index.json nor manifest.json inside)`);
}
