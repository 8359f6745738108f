/**
 * Files beside compose.yaml that hold or protect secrets: `.env` lines and `.gitignore` entries
 * are merged into what the user has (never replacing a line), passwords are random and kept
 * across runs so an existing database volume keeps working.
 */
import { randomBytes } from "node:crypto";

/** 24 random bytes, base64url: safe inside URLs and DSNs without escaping. */
export function newPassword(): string {
  return randomBytes(24).toString("base64url");
}

/** The value of KEY in dotenv text, if set. */
export function dotEnvValue(text: string | undefined, key: string): string | undefined {
  if (text === undefined) return undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (m && m[1] === key) return m[2]!.trim().replace(/^(['"])(.*)\1$/, "$2");
  }
  return undefined;
}

/** `existing` with the variables it lacks appended; variables it sets are left as they are. */
export function mergeDotEnv(existing: string | undefined, values: Record<string, string>): string {
  const missing = Object.entries(values).filter(([k]) => dotEnvValue(existing, k) === undefined);
  if (missing.length === 0 && existing !== undefined) return existing;
  const lines = ["# Written by slimgo init for compose.yaml. Keep out of git (see .gitignore).", ...missing.map(([k, v]) => `${k}=${v}`)];
  if (existing === undefined || existing.trim() === "") return `${lines.join("\n")}\n`;
  return `${existing.replace(/\n*$/, "\n")}${lines.join("\n")}\n`;
}

/** `existing` .gitignore with the patterns it lacks appended under one comment. */
export function mergeGitignore(existing: string | undefined, patterns: string[]): string {
  const have = new Set((existing ?? "").split(/\r?\n/).map((l) => l.trim()));
  const missing = patterns.filter((p) => !have.has(p) && !have.has(p.replace(/\/$/, "")) && !have.has(`/${p}`));
  if (missing.length === 0 && existing !== undefined) return existing;
  const block = ["# Secrets for compose.yaml (slimgo init)", ...missing].join("\n");
  if (existing === undefined || existing.trim() === "") return `${block}\n`;
  return `${existing.replace(/\n*$/, "\n")}\n${block}\n`;
}
