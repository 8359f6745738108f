import type { ImageView } from "./image-view.js";

export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
  status: CheckStatus;
  /** One line: what was found, and for a failure what to do. */
  message: string;
  /** Paths, config fields and binary facts the verdict rests on (secret values masked). */
  evidence: string[];
}

export interface VerifyOptions {
  /** Fail when the image is larger than this many bytes (compressed when known, else uncompressed). */
  maxSize?: number;
  /** Fail when the image holds a shell. */
  noShell?: boolean;
  /** Fail when the image holds a package manager. */
  noPackageManager?: boolean;
}

export interface VerifyCheck {
  /** Stable id, e.g. SV001. */
  id: string;
  /** kebab-case name, e.g. entrypoint. */
  name: string;
  /** What the check proves, one line. */
  title: string;
  run(view: ImageView, options: VerifyOptions): Promise<CheckResult>;
}

export interface CheckReport extends CheckResult {
  id: string;
  name: string;
  title: string;
}

export interface VerifyReport {
  /** The image reference as the user gave it, when known. */
  reference?: string;
  /** os/architecture[/variant]. */
  platform: string;
  checks: CheckReport[];
  counts: Record<CheckStatus, number>;
  /** True when no check failed. */
  passed: boolean;
}

export const pass = (message: string, evidence: string[] = []): CheckResult => ({ status: "pass", message, evidence });
export const fail = (message: string, evidence: string[] = []): CheckResult => ({ status: "fail", message, evidence });
export const skip = (message: string, evidence: string[] = []): CheckResult => ({ status: "skip", message, evidence });
