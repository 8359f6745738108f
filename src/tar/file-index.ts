import { createReadStream, mkdtempSync } from "node:fs";
import { open as openFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { ExitCode, SlimgoError, inputError } from "../errors.js";
import { walkTar, type TarHeader, type TarLimits, type TarVisitor } from "./read.js";
import { removeAtExit } from "../fsutil/temp-cleanup.js";

/**
 * A tar file read by byte range: one pass records where each entry's data lies, then entries are
 * streamed straight from the file. Archives from outside are never extracted, so nothing in them
 * can land on disk; links are followed only inside the archive. A gzipped archive (`docker save |
 * gzip`) is decompressed once, under the size and ratio limits, into a private temp file.
 */
export interface TarFileIndex {
  file: string;
  entries: Map<string, TarHeader>;
  /** The regular-file entry at `path`, following symlinks and hard links inside the archive. */
  resolve(path: string): TarHeader | undefined;
  open(path: string): Readable;
  read(path: string, maxBytes: number): Promise<Buffer>;
}

const MAX_LINK_FOLLOWS = 16;

let processTempDir: string | undefined;

function tempDir(): string {
  if (processTempDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "slimgo-archives-"));
    processTempDir = dir;
    removeAtExit(dir);
  }
  return processTempDir;
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await openFile(file, "r").catch((err: Error) => {
    throw inputError(`${file}: cannot open the archive (${err.message})`, { file });
  });
  try {
    const magic = Buffer.alloc(2);
    await handle.read(magic, 0, 2, 0);
    return magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Walks a gzipped tar while copying the uncompressed bytes to `target`, in one pass. */
async function walkGzipToFile(file: string, target: string, visitor: TarVisitor, limits: TarLimits): Promise<void> {
  const compressed = createReadStream(file);
  let compressedBytes = 0;
  compressed.on("data", (chunk: string | Buffer) => {
    compressedBytes += chunk.length;
  });
  const gunzip = createGunzip();
  compressed.on("error", (err) => gunzip.destroy(err));
  const plain = compressed.pipe(gunzip);
  const out = await openFile(target, "w");
  async function* copied(): AsyncGenerator<Buffer> {
    for await (const chunk of plain as AsyncIterable<Buffer>) {
      await out.write(chunk);
      yield chunk;
    }
  }
  try {
    await walkTar(copied(), visitor, { limits, what: file, compressedBytes: () => compressedBytes });
  } catch (err) {
    compressed.destroy();
    await out.close();
    await rm(target, { force: true });
    const code = (err as { code?: string }).code ?? "";
    if (code.startsWith("Z_")) throw new SlimgoError(`${file}: the gzip data is truncated or corrupt (${(err as Error).message})`, { exitCode: ExitCode.findings });
    throw err;
  }
  await out.close();
}

export async function indexTarFile(file: string, limits: TarLimits = {}): Promise<TarFileIndex> {
  const entries = new Map<string, TarHeader>();
  const record: TarVisitor = (entry) => void entries.set(entry.header.path, entry.header);
  let plainFile = file;
  if (await isGzip(file)) {
    plainFile = join(tempDir(), `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}.tar`);
    await walkGzipToFile(file, plainFile, record, limits);
  } else {
    // No ratio limit: a plain tar has no compression to bomb with.
    await walkTar(createReadStream(file), record, { limits: { ...limits, maxRatio: Number.POSITIVE_INFINITY }, what: file });
  }

  const resolve = (path: string): TarHeader | undefined => {
    let current = path.split("/").filter((p) => p !== "" && p !== ".").join("/");
    for (let i = 0; i < MAX_LINK_FOLLOWS; i++) {
      const header = entries.get(current);
      if (header === undefined) return undefined;
      if (header.type === "file") return header;
      if (header.type === "hardlink") {
        current = (header.linkTarget ?? "").split("/").filter((p) => p !== "" && p !== ".").join("/");
      } else if (header.type === "symlink") {
        const base = header.linkTarget!.startsWith("/") ? [] : current.split("/").slice(0, -1);
        for (const part of header.linkTarget!.split("/")) {
          if (part === "" || part === ".") continue;
          if (part === "..") {
            if (base.length === 0) return undefined;
            base.pop();
          } else base.push(part);
        }
        current = base.join("/");
      } else return undefined;
    }
    return undefined;
  };
  const require = (path: string): TarHeader => {
    const header = resolve(path);
    if (header === undefined) throw new SlimgoError(`${file}: the archive has no file "${path}"`, { exitCode: ExitCode.findings });
    return header;
  };
  return {
    file,
    entries,
    resolve,
    open: (path) => {
      const header = require(path);
      if (header.size === 0) return Readable.from([]);
      return createReadStream(plainFile, { start: header.dataOffset, end: header.dataOffset + header.size - 1 });
    },
    read: async (path, maxBytes) => {
      const header = require(path);
      if (header.size > maxBytes) throw new SlimgoError(`${file}: "${path}" has ${header.size} bytes, more than the ${maxBytes} allowed`, { exitCode: ExitCode.findings });
      const handle = await openFile(plainFile, "r");
      try {
        const buffer = Buffer.alloc(header.size);
        const { bytesRead } = await handle.read(buffer, 0, header.size, header.dataOffset);
        if (bytesRead !== header.size) throw new SlimgoError(`${file}: "${path}" is truncated`, { exitCode: ExitCode.findings });
        return buffer;
      } finally {
        await handle.close();
      }
    },
  };
}
