/**
 * An ImageView over an image model (from a layout, an archive, a registry): the final file system
 * from the layers with whiteouts applied, and the Go binaries read from the layers. Layers are
 * streamed once; executable ELF files go to a private temp dir just long enough to be read, and
 * only small files and the heads of executables stay in memory, so no layer is ever held whole.
 */
import { constants } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { isElf, readGoBinary } from "../gobinary/index.js";
import { storedCompression } from "../image/layer.js";
import { computeFilesystem, type FileNode, type Image, type ImageFilesystem } from "../image/index.js";
import { walkLayer, type TarLimits, type TarVisitorEntry } from "../tar/read.js";
import { parseImageConfig } from "./directory-view.js";
import type { EarlierLayerSecret, FileEntry, FileType, GoBinaryInImage, ImageView } from "./image-view.js";
import { secretFileKind } from "./secret-files.js";
import { removeAtExit } from "../fsutil/temp-cleanup.js";

export interface ImageScanOptions {
  limits?: TarLimits;
  /** Bytes of small files kept in memory for readFile (default 32 MiB); others are re-read from their layer. */
  memoryBudget?: number;
  /** Bytes of file heads kept in memory (default 64 MiB). */
  headBudget?: number;
  onWarning?: (message: string) => void;
}

export interface ImageScan {
  view: ImageView;
  filesystem: ImageFilesystem;
  /** The file system's warnings and those from reading Go binaries, each also given to onWarning. */
  warnings: string[];
}

/** Go installations, module and build caches: their test keys (crypto/tls testdata) are no leak. */
const TREES_WITH_TEST_KEYS = /\/(testdata|pkg\/mod|\.cache\/go-build)\/|^\/usr\/(local\/go|lib\/go[^/]*)\//;

/** Files up to this size are kept whole while the budget lasts. */
const SMALL_FILE = 64 * 1024;
/** Bytes kept from the start of every executable (shebang lines, ELF headers). */
const EXECUTABLE_HEAD = 4096;
/** Bytes kept from the start of every other file (private key headers). */
const FILE_HEAD = 64;
/** Smaller files cannot be ELF executables worth reading. */
const MIN_ELF = 64;

interface Stored {
  layer: number;
  bytes: Buffer;
  /** True when `bytes` is the whole file, not just its head. */
  whole: boolean;
  /** Counted against the head budget rather than the small-file budget. */
  head?: boolean;
}

function fileType(node: FileNode): FileType {
  switch (node.type) {
    case "file":
    case "dir":
    case "symlink":
    case "hardlink":
      return node.type;
    default:
      return "other";
  }
}

function toEntry(node: FileNode): FileEntry {
  const entry: FileEntry = { type: fileType(node), mode: node.mode, size: node.type === "file" ? node.size : 0, uid: node.uid, gid: node.gid };
  if (node.type === "symlink" && node.linkTarget !== undefined) entry.linkTarget = node.linkTarget;
  if (node.type === "hardlink" && node.linkTarget !== undefined) entry.linkTarget = posix.normalize(`/${node.linkTarget}`);
  return entry;
}

/** Reads the image's layers once and returns the verify view together with the file system facts inspect shows. */
export async function scanImage(image: Image, options: ImageScanOptions = {}): Promise<ImageScan> {
  const temp = await mkdtemp(join(tmpdir(), "slimgo-scan-"));
  const forgetTemp = removeAtExit(temp);
  try {
    const stored = new Map<string, Stored>();
    const elfFiles = new Map<string, { layer: number; file: string }>();
    let budget = options.memoryBudget ?? 32 * 1024 * 1024;
    let headBudget = options.headBudget ?? 64 * 1024 * 1024;
    let counter = 0;

    const written: EarlierLayerSecret[] = [];
    const noteSecret = async (path: string, layer: number, size: number, bytes: Buffer): Promise<void> => {
      if (TREES_WITH_TEST_KEYS.test(`/${path}`)) return;
      const kind = await secretFileKind(`/${path}`, size, async (maxBytes) => bytes.subarray(0, maxBytes));
      if (kind !== undefined) written.push({ path, layer, kind });
    };

    const onEntry = async (entry: TarVisitorEntry, layer: number): Promise<void> => {
      const { header } = entry;
      const git = /^(.*?(?:^|\/)\.git)(?:\/|$)/.exec(header.path);
      if (git?.[1] !== undefined && !TREES_WITH_TEST_KEYS.test(`/${git[1]}`) && !written.some((w) => w.path === git[1] && w.layer === layer)) {
        written.push({ path: git[1], layer, kind: "git repository" });
      }
      const old = stored.get(header.path);
      if (old !== undefined) {
        if (old.head) headBudget += old.bytes.length;
        else budget += old.bytes.length;
        stored.delete(header.path);
      }
      elfFiles.delete(header.path);
      if (header.type !== "file") return;
      const executable = (header.mode & 0o111) !== 0;
      if (header.size <= SMALL_FILE && header.size <= budget) {
        const bytes = await entry.read(SMALL_FILE);
        budget -= bytes.length;
        stored.set(header.path, { layer, bytes, whole: true });
        await noteSecret(header.path, layer, header.size, bytes);
        return;
      }
      const elf = executable && header.size >= MIN_ELF;
      const headBytes = elf ? EXECUTABLE_HEAD : FILE_HEAD;
      let head = Buffer.alloc(0);
      let pending: Buffer[] = [];
      let handle: Awaited<ReturnType<typeof open>> | undefined;
      const file = join(temp, String(++counter));
      try {
        for await (const chunk of entry.chunks()) {
          if (head.length < headBytes) head = Buffer.concat([head, chunk.subarray(0, headBytes - head.length)]);
          if (handle !== undefined) {
            await handle.write(chunk);
            continue;
          }
          if (!elf) {
            if (head.length >= headBytes) break;
            continue;
          }
          pending.push(chunk);
          if (head.length < 4) continue;
          if (!isElf(head)) break;
          handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
          for (const part of pending) await handle.write(part);
          pending = [];
        }
      } finally {
        await handle?.close();
      }
      if (handle !== undefined) elfFiles.set(header.path, { layer, file });
      await noteSecret(header.path, layer, header.size, head);
      // Heads (checks look at a file's first bytes: #! lines, PEM headers) have their own budget.
      if (head.length <= headBudget) {
        headBudget -= head.length;
        stored.set(header.path, { layer, bytes: head, whole: head.length >= header.size, head: true });
      }
    };

    const filesystem = await computeFilesystem(image, { ...(options.limits ? { limits: options.limits } : {}), onEntry });
    const warnings = [...filesystem.warnings];
    const warn = (w: string) => {
      warnings.push(w);
      options.onWarning?.(w);
    };
    filesystem.warnings.forEach((w) => options.onWarning?.(w));

    const earlierLayerSecrets = written
      .filter((w) => filesystem.files.get(w.path)?.layer !== w.layer && (w.kind !== "git repository" || !filesystem.files.has(w.path)))
      .map((w) => ({ ...w, path: `/${w.path}` }));

    const files = new Map<string, FileEntry>();
    for (const [path, node] of [...filesystem.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) files.set(`/${path}`, toEntry(node));

    const goBinaries: GoBinaryInImage[] = [];
    const candidates = [...filesystem.files.values()].filter((n) => n.type === "file" && (n.mode & 0o111) !== 0 && n.size >= MIN_ELF);
    for (const node of candidates.sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const imagePath = `/${node.path}`;
      const onDisk = elfFiles.get(node.path);
      const inMemory = stored.get(node.path);
      let input: string | Buffer | undefined;
      if (onDisk !== undefined && onDisk.layer === node.layer) input = onDisk.file;
      else if (inMemory?.whole && inMemory.layer === node.layer && isElf(inMemory.bytes)) input = inMemory.bytes;
      if (input === undefined) continue;
      try {
        const info = await readGoBinary(input);
        if (info !== undefined) goBinaries.push({ path: imagePath, info: { ...info, file: imagePath } });
      } catch (error) {
        warn(`${imagePath}: ${(error as Error).message}`);
      }
    }

    const readFile = async (path: string, maxBytes: number): Promise<Buffer | undefined> => {
      const key = posix.normalize(path).replace(/^\/+/, "");
      const node = filesystem.files.get(key);
      if (node?.type !== "file") return undefined;
      const kept = stored.get(key);
      if (kept !== undefined && kept.layer === node.layer && (kept.whole || kept.bytes.length >= Math.min(maxBytes, node.size))) {
        return kept.bytes.subarray(0, maxBytes);
      }
      return readFromLayer(image, node, maxBytes, options.limits);
    };

    const { platform, config, history } = parseImageConfig(image.rawConfig.toString("utf8"), `config ${image.manifest.config.digest}`);
    const view: ImageView = {
      platform,
      config,
      history,
      files,
      readFile,
      goBinaries,
      earlierLayerSecrets,
      compressedSize: image.layers.reduce((sum, l) => sum + l.size, 0),
      layersCompressed: image.layers.every((l) => storedCompression(l) !== "none"),
      uncompressedSize: filesystem.totalBytes,
    };
    return { view, filesystem, warnings };
  } finally {
    await rm(temp, { recursive: true, force: true });
    forgetTemp();
  }
}

/** The verify view of an image (see scanImage). */
export async function imageViewFromImage(image: Image, options: ImageScanOptions = {}): Promise<ImageView> {
  return (await scanImage(image, options)).view;
}

/** Up to `maxBytes` of one file, streamed again from the layer that wrote it. */
async function readFromLayer(image: Image, node: FileNode, maxBytes: number, limits: TarLimits | undefined): Promise<Buffer | undefined> {
  const layer = image.layers[node.layer];
  if (layer === undefined) return undefined;
  let found: Buffer | undefined;
  await walkLayer(
    layer,
    async (entry) => {
      if (entry.header.path !== node.path || entry.header.type !== "file") return;
      const parts: Buffer[] = [];
      let length = 0;
      for await (const chunk of entry.chunks()) {
        parts.push(chunk);
        length += chunk.length;
        if (length >= maxBytes) break;
      }
      found = Buffer.concat(parts).subarray(0, maxBytes);
    },
    limits ? { limits } : {},
  );
  return found;
}
