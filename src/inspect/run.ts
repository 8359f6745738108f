import { isImageIndex, type Image } from "../image/index.js";
import { asInputError, disposeSavedImage, imagesOf, openImage, type OpenImageOptions } from "../sources/index.js";
import type { TarLimits } from "../tar/read.js";
import { scanImage, type ImageScan } from "../verify/image-view-from-image.js";
import { verifyImage, type VerifyImageOptions } from "../verify/index.js";
import type { VerifyReport } from "../verify/types.js";
import { inspectionOf, programReport } from "./report.js";
import type { InspectResult } from "./types.js";

export interface RunOptions extends OpenImageOptions {
  limits?: TarLimits;
  onWarning?: (message: string) => void;
}

/** `warn`: whether warnings go to onWarning too (verify), or only into the result (inspect prints them there). */
async function scan(image: Image, reference: string, options: RunOptions, warn: boolean): Promise<ImageScan> {
  try {
    return await scanImage(image, { ...(options.limits ? { limits: options.limits } : {}), ...(warn && options.onWarning ? { onWarning: options.onWarning } : {}) });
  } catch (error) {
    throw asInputError(error, reference);
  }
}

export interface InspectRunOptions extends RunOptions {
  tree?: boolean;
  /** Also run verify on every image (for the HTML report). */
  verify?: boolean | VerifyImageOptions;
}

/** Opens the reference, reads every platform's layers once, and reports on each (and verifies, when asked). */
export async function inspectReference(reference: string, options: InspectRunOptions = {}): Promise<{ result: InspectResult; verify: VerifyReport[] }> {
  const item = await openImage(reference, options);
  try {
    const result: InspectResult = { reference, digest: item.digest, mediaType: item.mediaType, index: isImageIndex(item), images: [] };
    const reports: VerifyReport[] = [];
    for (const { image } of imagesOf(item)) {
      const scanned = await scan(image, reference, options, false);
      const program = await programReport(scanned.view);
      result.images.push(inspectionOf(image, scanned, { reference, tree: options.tree === true, ...(program ? { program } : {}) }));
      if (options.verify) {
        const verifyOptions = typeof options.verify === "object" ? options.verify : {};
        reports.push(await verifyImage(scanned.view, { ...verifyOptions, reference }));
      }
    }
    return { result, verify: reports };
  } finally {
    // The result is plain data: a podman:/docker: image's saved copy is not read again.
    disposeSavedImage(item);
  }
}

/** `slimgo verify`: one report per platform of the reference. */
export async function verifyReference(reference: string, options: RunOptions & VerifyImageOptions = {}): Promise<VerifyReport[]> {
  const item = await openImage(reference, options);
  try {
    const reports: VerifyReport[] = [];
    for (const { image } of imagesOf(item)) {
      const scanned = await scan(image, reference, options, true);
      const verifyOptions: VerifyImageOptions = { reference };
      if (options.maxSize !== undefined) verifyOptions.maxSize = options.maxSize;
      if (options.noShell) verifyOptions.noShell = true;
      if (options.noPackageManager) verifyOptions.noPackageManager = true;
      reports.push(await verifyImage(scanned.view, verifyOptions));
    }
    return reports;
  } finally {
    disposeSavedImage(item);
  }
}
