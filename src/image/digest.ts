import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { SlimgoError, ExitCode } from "../errors.js";

/** A content digest such as `sha256:0123…`; only sha256 is produced, sha256 and sha512 are read. */
export type Digest = string;

export type DigestAlgorithm = "sha256" | "sha512";

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** True when `value` has the shape of a digest that can be verified: sha256 or sha512. */
export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

/** `ALGORITHM:HEX` of some bytes. */
export function digestOf(data: Uint8Array | string, algorithm: DigestAlgorithm = "sha256"): Digest {
  return `${algorithm}:${createHash(algorithm).update(data).digest("hex")}`;
}

export function sha256(data: Uint8Array | string): Digest {
  return digestOf(data, "sha256");
}

/** "sha256:1d644cc74ea6": enough of a digest to tell blobs apart in a message. */
export function shortDigest(digest: Digest): string {
  return digest.slice(0, digest.indexOf(":") + 13);
}

/** The hex part of a digest, checked so it is safe to use as a file name. */
export function digestHex(digest: Digest): string {
  return digest.slice(digestAlgorithm(digest).length + 1);
}

export function digestAlgorithm(digest: Digest): DigestAlgorithm {
  if (!isDigest(digest)) throw new SlimgoError(`"${digest}" is not a valid digest (expected sha256: and 64 hex digits, or sha512: and 128)`);
  return digest.startsWith("sha512:") ? "sha512" : "sha256";
}

/** Throws when `data` does not hash to `expected`: the blob was corrupted or tampered with. */
export function verifyBytes(data: Uint8Array, expected: Digest, what: string): void {
  const actual = digestOf(data, digestAlgorithm(expected));
  if (actual !== expected) throw digestMismatch(what, expected, actual);
}

/** Throws when the file at `path` does not hash to `expected` or has another size than `size`. */
export async function verifyFile(path: string, expected: Digest, size: number, what: string): Promise<void> {
  const check = new ContentCheck(expected, size, what);
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const file = await open(path, "r");
  try {
    for (let n = (await file.read(buffer, 0, buffer.length)).bytesRead; n > 0; n = (await file.read(buffer, 0, buffer.length)).bytesRead) {
      const tooLarge = check.update(buffer.subarray(0, n));
      if (tooLarge) throw tooLarge;
    }
  } finally {
    await file.close();
  }
  const mismatch = check.finish();
  if (mismatch) throw mismatch;
}

export function digestMismatch(what: string, expected: Digest, actual: Digest): SlimgoError {
  return new SlimgoError(`${what}: content has digest ${actual} but ${expected} was expected (corrupt or tampered blob)`, {
    exitCode: ExitCode.findings,
  });
}

/** What a VerifyingStream saw when the content was not what was expected. */
export interface ContentMismatch {
  expected: Digest;
  expectedSize: number | undefined;
  /** Undefined when the stream stopped early because more bytes came than were declared. */
  actual: Digest | undefined;
  /** Bytes seen so far. */
  bytes: number;
}

/**
 * A pass-through stream that hashes what flows through it and fails at the end when the
 * digest or size differs from what was expected, so a reader never trusts an unverified blob.
 * `what` names the blob in the default errors; a function instead builds the error itself
 * (so a caller such as the registry client can raise its own kind).
 */
export class VerifyingStream extends Transform {
  private readonly check;

  constructor(expected: Digest, expectedSize: number | undefined, what: string | ((mismatch: ContentMismatch) => Error)) {
    super();
    this.check = new ContentCheck(expected, expectedSize, what);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const tooLarge = this.check.update(chunk);
    if (tooLarge) done(tooLarge);
    else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    done(this.check.finish());
  }
}

/** Hashes and counts content as it comes, and tells when it is not what was expected (see VerifyingStream for `what`). */
class ContentCheck {
  private readonly hash;
  private bytes = 0;

  constructor(
    private readonly expected: Digest,
    private readonly expectedSize: number | undefined,
    private readonly what: string | ((mismatch: ContentMismatch) => Error),
  ) {
    this.hash = createHash(digestAlgorithm(expected));
  }

  /** The error when more bytes came than were declared. */
  update(chunk: Buffer): Error | undefined {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      return typeof this.what === "function"
        ? this.what(this.mismatch(undefined))
        : new SlimgoError(`${this.what}: blob is larger than its declared ${this.expectedSize} bytes`, { exitCode: ExitCode.findings });
    }
    this.hash.update(chunk);
    return undefined;
  }

  /** The error when the digest or size differs, at the end. */
  finish(): Error | undefined {
    const actual = `${digestAlgorithm(this.expected)}:${this.hash.digest("hex")}`;
    const sizeMatches = this.expectedSize === undefined || this.bytes === this.expectedSize;
    if (sizeMatches && actual === this.expected) return undefined;
    if (typeof this.what === "function") return this.what(this.mismatch(actual));
    return sizeMatches
      ? digestMismatch(this.what, this.expected, actual)
      : new SlimgoError(`${this.what}: blob has ${this.bytes} bytes but ${this.expectedSize} were declared (truncated or tampered)`, { exitCode: ExitCode.findings });
  }

  private mismatch(actual: Digest | undefined): ContentMismatch {
    return { expected: this.expected, expectedSize: this.expectedSize, actual, bytes: this.bytes };
  }
}

/** Counts bytes and computes sha256 of a stream as it passes through. */
export class HashingStream extends Transform {
  private readonly hash = createHash("sha256");
  private result: Digest | undefined;
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.result = `sha256:${this.hash.digest("hex")}`;
    done();
  }

  /** Only valid after the stream has ended. */
  digest(): Digest {
    if (this.result === undefined) throw new Error("HashingStream.digest() called before the stream ended");
    return this.result;
  }
}
