/**
 * The paths a build writes on this machine (--oci-layout, --tarball, --sbom-dir): checked before
 * anything is compiled, so a typo costs no compile and leaves no output half-published; and a
 * write that fails all the same, named by its option and path.
 */
import { join, resolve } from "node:path";
import { inputError, SlimgoError } from "../errors.js";
import { isFileSystemError, outputPathProblem, type OutputKind } from "../fsutil/output-path.js";

export interface LocalOutputs {
  ociLayout?: string;
  tarball?: string;
  sbomDir?: string;
}

export async function checkLocalOutputs(outputs: LocalOutputs): Promise<void> {
  const options: [string, string | undefined, OutputKind][] = [
    ["--oci-layout", outputs.ociLayout, "directory"],
    ["--tarball", outputs.tarball, "file"],
    ["--sbom-dir", outputs.sbomDir, "directory"],
  ];
  const given = options.flatMap(([option, path, kind]) => (path === undefined ? [] : [{ option, path, kind }]));
  for (const [i, a] of given.entries()) {
    const same = given.slice(i + 1).find((b) => resolve(b.path) === resolve(a.path));
    if (same) throw inputError(`${a.option} and ${same.option} are both ${a.path}: give each its own path`);
  }
  for (const { option, path, kind } of given) {
    const problem = await outputPathProblem(path, kind);
    if (problem) throw inputError(`${option} ${path}: ${problem}`);
  }
  const layout = outputs.ociLayout;
  if (layout !== undefined) {
    const { isForeignDirectory } = await import("../transports/oci-layout.js");
    if (await isForeignDirectory(layout)) throw inputError(`--oci-layout ${layout}: is a non-empty directory that is not an OCI layout: give a new or empty directory`);
    // An existing layout gets its blobs in blobs/sha256, which can be less writable than the layout.
    const blobs = await outputPathProblem(join(layout, "blobs", "sha256"), "directory");
    if (blobs) throw inputError(`--oci-layout ${layout}: blobs/sha256 ${blobs}`);
  }
}

/**
 * A failed write to an output, as an error naming the option and path; other errors as they are.
 * The publishers already turn their file-system errors into ones naming the path (outputWriteFailure):
 * the option is put in front of those too.
 */
export function writeFailure(option: string, path: string, err: unknown): unknown {
  const cause = err instanceof SlimgoError && isFileSystemError(err.cause) ? err.cause : err;
  if (!isFileSystemError(cause)) return err;
  return inputError(couldNotWrite(`${option} ${path}`, cause), { file: path });
}

/** A publisher's failed write, as an error naming its path (a program that calls it has no option to name); other errors as they are. */
export function outputWriteFailure(path: string, err: unknown): unknown {
  if (!isFileSystemError(err)) return err;
  return new SlimgoError(couldNotWrite(path, err), { file: path, cause: err });
}

function couldNotWrite(what: string, cause: Error): string {
  return `${what}: could not be written (${cause.message}): check the path, its permissions and the free space, or give another path`;
}
