/** Byte sizes as people write them (`--max-size 20MB`) and as reports show them. */
import { inputError } from "../errors.js";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  k: 1024,
  ki: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * "20MB" → 20,000,000; "20MiB" (or "20M") → 20,971,520; "1500" → 1500 bytes. Throws a usage error
 * naming `flag` for anything else.
 */
export function parseByteSize(text: string, flag = "--max-size"): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match ? UNITS[(match[2] ?? "").toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw inputError(`${flag} ${JSON.stringify(text)}: not a size; write bytes or a number with a unit, e.g. 20MB or 25MiB`);
  }
  return Math.round(Number(match[1]) * factor);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
