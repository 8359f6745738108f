import { join } from "node:path";
import type { BuiltProgram } from "../build/index.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { makeDirectories } from "../fsutil/make-directories.js";

export { spdxFromBuildInfo, type SpdxDocument } from "./spdx.js";
export { sbomArtifact, referrersTag, SPDX_MEDIA_TYPE } from "./artifact.js";

/** Writes each program's SBOMs as DIR/BINARY-OS-ARCH.spdx.json; returns the paths. */
export async function writeSboms(programs: BuiltProgram[], dir: string): Promise<string[]> {
  await makeDirectories(dir);
  const files = programs.flatMap((p) => p.sboms.map((s) => ({ path: join(dir, `${p.main.binary}-${s.platform.replace(/\//g, "-")}.spdx.json`), content: s.document })));
  await writeFilesAtomically(files);
  return files.map((f) => f.path);
}
