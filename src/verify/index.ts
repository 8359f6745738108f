/**
 * `slimgo verify`: checks an image against what its Go binaries need at run time and against
 * what a production image must not carry. Each check passes, fails or skips with its evidence.
 */
import { ExitCode, SlimgoError } from "../errors.js";
import { checks } from "./checks/index.js";
import type { ImageView } from "./image-view.js";
import type { CheckReport, CheckStatus, VerifyOptions, VerifyReport } from "./types.js";

export { checks } from "./checks/index.js";
export { imageViewFromDirectory, parseImageConfig, readImageConfigFile, type DirectoryViewOptions } from "./directory-view.js";
export { formatJson, formatSarif, formatText, noColors, type SarifOptions, type VerifyColors } from "./format.js";
export { formatBytes, parseByteSize } from "./size.js";
export { imageViewFromImage, scanImage } from "./image-view-from-image.js";
export type * from "./image-view.js";
export type * from "./types.js";

export interface VerifyImageOptions extends VerifyOptions {
  /** The image reference as the user gave it; shown in reports and used as the SARIF location. */
  reference?: string;
}

/** Runs every check against the image; a check that throws a SlimgoError fails with its message. */
export async function verifyImage(view: ImageView, options: VerifyImageOptions = {}): Promise<VerifyReport> {
  const reports: CheckReport[] = [];
  for (const check of checks) {
    let result;
    try {
      result = await check.run(view, options);
    } catch (error) {
      if (!(error instanceof SlimgoError)) throw error;
      result = { status: "fail" as const, message: `could not check: ${error.message}`, evidence: [] };
    }
    reports.push({ id: check.id, name: check.name, title: check.title, ...result });
  }
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, skip: 0 };
  for (const r of reports) counts[r.status]++;
  const { os, architecture, variant } = view.platform;
  return {
    ...(options.reference === undefined ? {} : { reference: options.reference }),
    platform: [os, architecture, variant].filter(Boolean).join("/"),
    checks: reports,
    counts,
    passed: counts.fail === 0,
  };
}

/** The CLI's exit code for one or more reports (one per platform): 1 when any check failed. */
export function verifyExitCode(reports: VerifyReport | readonly VerifyReport[]): 0 | 1 {
  const list = Array.isArray(reports) ? reports : [reports as VerifyReport];
  return list.every((r) => r.passed) ? ExitCode.ok : ExitCode.findings;
}
