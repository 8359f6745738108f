/**
 * Random access to the bytes of a binary. Go binaries can be 50+ MB, so readers
 * ask for the headers and sections they need by offset instead of loading the file.
 */
import { open, type FileHandle } from "node:fs/promises";
import { inputError, type SlimgoError } from "../errors.js";

export interface ByteSource {
  /** Shown in error messages: the file path, or a name the caller gave a buffer. */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset`; throws a SlimgoError when the range is past the end. */
  read(offset: number, length: number): Promise<Buffer>;
}

/** A truncated or corrupt binary: one line naming the file, what is wrong and what to do. */
export function corruptBinary(name: string, problem: string): SlimgoError {
  return inputError(`${name}: truncated or corrupt ELF binary (${problem}); copy or rebuild the file and try again`, {
    file: name,
  });
}

function checkRange(source: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw corruptBinary(source.name, `bad range ${offset}+${length}`);
  }
  if (offset + length > source.size) {
    throw corruptBinary(source.name, `needs bytes ${offset}..${offset + length} but the file has ${source.size}`);
  }
}

export function bufferSource(buffer: Buffer, name = "<buffer>"): ByteSource {
  const source: ByteSource = {
    name,
    size: buffer.length,
    async read(offset, length) {
      checkRange(source, offset, length);
      return buffer.subarray(offset, offset + length);
    },
  };
  return source;
}

/** A source over an open file; the caller closes the handle. */
export function fileHandleSource(handle: FileHandle, size: number, name: string): ByteSource {
  const source: ByteSource = {
    name,
    size,
    async read(offset, length) {
      checkRange(source, offset, length);
      const buffer = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) throw corruptBinary(name, `file shrank while reading at offset ${offset + done}`);
        done += bytesRead;
      }
      return buffer;
    },
  };
  return source;
}

/** What the public functions accept: a path, the bytes themselves, or a reader. */
export type BinaryInput = string | Buffer | ByteSource;

/** Runs `use` with a source for `input`, closing any file it opened. */
export async function withSource<T>(input: BinaryInput, use: (source: ByteSource) => Promise<T>): Promise<T> {
  if (Buffer.isBuffer(input)) return use(bufferSource(input));
  if (typeof input !== "string") return use(input);
  let handle: FileHandle;
  try {
    handle = await open(input, "r");
  } catch (error) {
    throw inputError(`${input}: cannot open (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path`, {
      file: input,
    });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw inputError(`${input}: not a regular file; pass the path of a binary`, { file: input });
    return await use(fileHandleSource(handle, stat.size, input));
  } finally {
    await handle.close();
  }
}
