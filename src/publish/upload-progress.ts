import { shortDigest } from "../image/digest.js";
import type { UploadProgress } from "../registry/index.js";

export interface UploadProgressOptions {
  /** Milliseconds since any fixed point; injectable so throttling can be tested without sleeping. */
  now?: () => number;
  /** Blobs up to this many bytes report only when done. Default 1 MB. */
  quietUpTo?: number;
  /** Least time between two progress lines for one blob. Default 1 s. */
  intervalMs?: number;
}

const MB = 1e6;

export function formatMegabytes(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

/** The line printed when a blob is stored. */
export function pushedLine(digest: string, size: number): string {
  return `  pushed ${shortDigest(digest)} (${formatMegabytes(size)} MB)`;
}

/**
 * Turns one blob's byte counts into lines a person can follow while it uploads:
 * `  pushing sha256:… 12.0/48.5 MB (24%)` at most once per interval for blobs above
 * `quietUpTo`, and `  retrying sha256:… (upload restarted)` once whenever the client starts
 * the upload over, after which the counts start from the restart. Several blobs upload at
 * once, so every line names its blob. Give each upload its own tracker.
 */
export function trackUpload(print: (line: string) => void, options: UploadProgressOptions = {}): (progress: UploadProgress) => void {
  const now = options.now ?? Date.now;
  const quietUpTo = options.quietUpTo ?? MB;
  const intervalMs = options.intervalMs ?? 1000;
  let started = false;
  let lastUploaded = 0;
  let lastLineAt = 0;
  return ({ digest, uploaded, total }) => {
    // The client reports 0 at the start of every try; a second start, or a count going down, is a restart.
    const restarted = started && (uploaded === 0 || uploaded < lastUploaded);
    if (!started || restarted) {
      if (restarted) print(`  retrying ${shortDigest(digest)} (upload restarted)`);
      started = true;
      lastLineAt = now();
    }
    lastUploaded = uploaded;
    if (total <= quietUpTo || uploaded >= total) return;
    const at = now();
    if (at - lastLineAt < intervalMs) return;
    lastLineAt = at;
    const percent = Math.floor((uploaded / total) * 100);
    print(`  pushing ${shortDigest(digest)} ${formatMegabytes(uploaded)}/${formatMegabytes(total)} MB (${percent}%)`);
  };
}
