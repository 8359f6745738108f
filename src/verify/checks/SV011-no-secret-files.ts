import { posix } from "node:path";
import type { ImageView } from "../image-view.js";
import { secretFileKind } from "../secret-files.js";
import { buildCaches, goroots, isUnder } from "../go-trees.js";
import { fail, pass, type VerifyCheck } from "../types.js";

const SHOWN = 10;

interface Found {
  kind: string;
  path: string;
  /** The layer holding it, when the final file system no longer shows it. */
  layer?: number;
}

async function scan(view: ImageView): Promise<Found[]> {
  const found: Found[] = [];
  const skipTrees = [...goroots(view), ...buildCaches(view).keys()];
  for (const [path, entry] of view.files) {
    if (isUnder(path, skipTrees)) continue;
    const name = posix.basename(path);
    if (name === ".git" && entry.type === "dir") {
      found.push({ kind: "git repository", path });
      continue;
    }
    if (entry.type !== "file") continue;
    const kind = await secretFileKind(path, entry.size, (maxBytes) => view.readFile(path, maxBytes));
    if (kind !== undefined) found.push({ kind, path });
  }
  for (const earlier of view.earlierLayerSecrets ?? []) {
    found.push({ kind: earlier.kind, path: earlier.path, layer: earlier.layer });
  }
  return found;
}

export const check: VerifyCheck = {
  id: "SV011",
  name: "no-secret-files",
  title: "No .git directories, .env files, private keys or credential files in the final file system or in a layer a later one covers",
  async run(view) {
    const found = await scan(view);
    if (found.length === 0) return pass("no .git, .env, private keys or credential files found");
    const evidence = found
      .slice(0, SHOWN)
      .map((f) => (f.layer === undefined ? `${f.kind}: ${f.path}` : `${f.kind}: ${f.path} in layer ${f.layer}, which a later layer deletes or replaces`));
    if (found.length > SHOWN) evidence.push(`and ${found.length - SHOWN} more`);
    const kinds = [...new Set(found.map((f) => f.kind))];
    const deleted = found.some((f) => f.layer !== undefined) ? " (a file a later layer deletes is still in the layer that wrote it)" : "";
    return fail(
      `the image holds ${kinds.join(", ")}, readable by anyone who pulls it${deleted}: list them in .dockerignore, COPY only what the program needs, and pass secrets at run time (or with RUN --mount=type=secret at build time)`,
      evidence,
    );
  },
};
