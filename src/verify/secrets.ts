/**
 * Names that look like they hold secrets, judged like BuildKit's SecretsUsedInArgOrEnv check: a
 * secret-ish word as the whole name or as a word of it, unless a word says the value is public.
 */

/** BuildKit's token list (frontend/dockerfile SecretsUsedInArgOrEnv). */
const SECRET_WORDS = new Set(["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"]);
const PUBLIC_WORDS = new Set(["public"]);

/**
 * BuildKit splits ENV and ARG names on "_"; label keys also use "." and "-" (org.example.api-token),
 * so `separators` lets label checks split on those too.
 */
export function looksLikeSecretName(name: string, separators: RegExp = /_/): boolean {
  const words = name.toLowerCase().split(separators).filter(Boolean);
  return words.some((w) => SECRET_WORDS.has(w)) && !words.some((w) => PUBLIC_WORDS.has(w));
}

/** A value shown in evidence without revealing it. */
export function maskValue(value: string): string {
  return value === "" ? "" : "****";
}

export interface Assignment {
  name: string;
  value: string;
}

/**
 * `NAME=value` words in a history `created_by` line: `ENV A=1`, `ARG TOKEN=x`, and the
 * `|2 A=1 B=2 /bin/sh -c …` prefix builders record for RUN with build arguments.
 */
export function assignmentsIn(text: string): Assignment[] {
  const out: Assignment[] = [];
  const pattern = /(?:^|[\s|])([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*)/g;
  for (const match of text.matchAll(pattern)) {
    const name = match[1] ?? "";
    let value = match[2] ?? "";
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    out.push({ name, value });
  }
  return out;
}
