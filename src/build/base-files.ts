/**
 * What a --base must have for slimgo's non-root user and a Go program: an /etc/passwd and
 * /etc/group entry for uid 65532 (os/user, and programs that look up their home) and a /tmp
 * (os.TempDir, net/http's spooled uploads). A scratch-like base has neither, and a base such as
 * alpine has users but not 65532. The base's layers are read once for these facts, which the cache
 * keeps by image digest, and a small layer adds what is missing.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { computeFilesystem, resolveInImage, type FileNode } from "../image/filesystem.js";
import { storedCompression } from "../image/layer.js";
import type { Image } from "../image/types.js";
import type { TarEntry } from "../tar/write.js";
import { NONROOT_UID } from "./base-layer.js";
import { cacheDir } from "./cache-dir.js";

/** An account file's text; "absent", or "other" for a link or one too big to read, which is left as it is. */
type AccountFile = { text: string } | "absent" | "other";

export interface BaseFiles {
  passwd: AccountFile;
  group: AccountFile;
  tmp: boolean;
}

const ACCOUNT_FILES = ["etc/passwd", "etc/group"] as const;
const MAX_ACCOUNT_FILE = 1024 * 1024;

const read = new Map<string, Promise<BaseFiles | undefined>>();

/** The facts for `image`, or undefined when its layers cannot be read here (zstd needs a newer Node than 20). */
export function baseFiles(image: Image): Promise<BaseFiles | undefined> {
  let reading = read.get(image.digest);
  if (reading === undefined) {
    reading = readBaseFiles(image);
    read.set(image.digest, reading);
  }
  return reading;
}

async function readBaseFiles(image: Image): Promise<BaseFiles | undefined> {
  if (image.layers.some((l) => storedCompression(l) === "zstd")) return undefined;
  const kept = join(cacheDir(), "base-files", `${image.digest.replace(":", "-")}.json`);
  const cached = await readFile(kept, "utf8").then((t) => JSON.parse(t) as BaseFiles, () => undefined);
  if (cached !== undefined && typeof cached.tmp === "boolean") return cached;
  const texts = new Map<string, { layer: number; text: string }>();
  const fs = await computeFilesystem(image, {
    onEntry: async (entry, layer) => {
      const { path, type, size } = entry.header;
      if ((ACCOUNT_FILES as readonly string[]).includes(path) && type === "file" && size <= MAX_ACCOUNT_FILE) {
        texts.set(path, { layer, text: (await entry.read(MAX_ACCOUNT_FILE)).toString("utf8") });
      }
    },
  });
  const account = (path: string): AccountFile => {
    const node: FileNode | undefined = fs.files.get(path);
    if (node === undefined) return "absent";
    const text = texts.get(path);
    return node.type === "file" && text?.layer === node.layer ? { text: text.text } : "other";
  };
  const tmpNode = resolveInImage(fs.files, "tmp");
  const tmp = tmpNode?.type === "dir" || [...fs.files.keys()].some((p) => p.startsWith("tmp/"));
  const facts: BaseFiles = { passwd: account("etc/passwd"), group: account("etc/group"), tmp };
  // A cache that cannot be written costs reading the base again next time, nothing more.
  await mkdir(join(cacheDir(), "base-files"), { recursive: true })
    .then(() => writeFile(`${kept}.${process.pid}`, JSON.stringify(facts)))
    .then(() => rename(`${kept}.${process.pid}`, kept))
    .catch(() => undefined);
  return facts;
}

/** Whether an account file has an entry with this numeric id (the third field). */
function hasId(text: string, id: number): boolean {
  return text.split("\n").some((line) => line.split(":")[2] === String(id));
}

function withLine(file: { text: string } | "absent", rootLine: string, line: string): string {
  const text = file === "absent" ? rootLine : file.text;
  return `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${line}`;
}

/**
 * The files to add over a base for slimgo's default user 65532: its passwd and group entries
 * (the base's files with the entry appended, or new ones with root's too) and home when the base
 * lacks them (only with `forUser`: a --user of the user's own is theirs to provide), and /tmp
 * (1777) when it has none. Empty when the base has them all.
 */
export function missingBaseEntries(files: BaseFiles, forUser: boolean): TarEntry[] {
  const entries: TarEntry[] = [];
  if (forUser && files.passwd !== "other" && !(typeof files.passwd === "object" && hasId(files.passwd.text, NONROOT_UID))) {
    entries.push({ path: "etc/passwd", type: "file", mode: 0o644, content: withLine(files.passwd, "root:x:0:0:root:/root:/sbin/nologin\n", `nonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin\n`) });
    entries.push({ path: "home/nonroot", type: "dir", mode: 0o755, uid: NONROOT_UID, gid: NONROOT_UID });
  }
  if (forUser && files.group !== "other" && !(typeof files.group === "object" && hasId(files.group.text, NONROOT_UID))) {
    entries.push({ path: "etc/group", type: "file", mode: 0o644, content: withLine(files.group, "root:x:0:\n", `nonroot:x:${NONROOT_UID}:\n`) });
  }
  if (!files.tmp) entries.push({ path: "tmp", type: "dir", mode: 0o1777 });
  return entries;
}

/** The history line of the layer `missingBaseEntries` gave. */
export function describeMissingBaseEntries(entries: TarEntry[]): string {
  const what = entries.filter((e) => e.path !== "home/nonroot").map((e) => (e.path === "tmp" ? "/tmp (1777)" : `${e.path === "etc/group" ? "gid" : "uid"} ${NONROOT_UID} in /${e.path}`));
  return `slimgo build: ${what.join(", ")}, which the base lacks`;
}
