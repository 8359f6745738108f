import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { SlimgoError, ExitCode } from "../errors.js";

/** A content digest such as `sha256:0123…`; only sha256 is produced, sha256 and sha512 are read. */
export type Digest = string;

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

export function sha256(data: Buffer | string): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** The hex part of a digest, checked so it is safe to use as a file name. */
export function digestHex(digest: Digest): string {
  if (!isDigest(digest)) throw new SlimgoError(`"${digest}" is not a valid sha256 digest`);
  return digest.slice(digest.indexOf(":") + 1);
}

export function digestAlgorithm(digest: Digest): "sha256" | "sha512" {
  if (!isDigest(digest)) throw new SlimgoError(`"${digest}" is not a valid sha256 digest`);
  return digest.startsWith("sha512:") ? "sha512" : "sha256";
}

/** Throws when `data` does not hash to `expected`: the blob was corrupted or tampered with. */
export function verifyBytes(data: Buffer, expected: Digest, what: string): void {
  const actual = `${digestAlgorithm(expected)}:${createHash(digestAlgorithm(expected)).update(data).digest("hex")}`;
  if (actual !== expected) throw digestMismatch(what, expected, actual);
}

export function digestMismatch(what: string, expected: Digest, actual: Digest): SlimgoError {
  return new SlimgoError(`${what}: content has digest ${actual} but ${expected} was expected (corrupt or tampered blob)`, {
    exitCode: ExitCode.findings,
  });
}

/**
 * A pass-through stream that hashes what flows through it and fails at the end when the
 * digest or size differs from what was expected, so a reader never trusts an unverified blob.
 */
export class VerifyingStream extends Transform {
  private readonly hash;
  private bytes = 0;

  constructor(
    private readonly expected: Digest,
    private readonly expectedSize: number | undefined,
    private readonly what: string,
  ) {
    super();
    this.hash = createHash(digestAlgorithm(expected));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      done(new SlimgoError(`${this.what}: blob is larger than its declared ${this.expectedSize} bytes`, { exitCode: ExitCode.findings }));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      done(new SlimgoError(`${this.what}: blob has ${this.bytes} bytes but ${this.expectedSize} were declared (truncated or tampered)`, { exitCode: ExitCode.findings }));
      return;
    }
    const actual = `${digestAlgorithm(this.expected)}:${this.hash.digest("hex")}`;
    if (actual !== this.expected) {
      done(digestMismatch(this.what, this.expected, actual));
      return;
    }
    done();
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
