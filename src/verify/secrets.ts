/** What the secret checks show of a value (masked) and read from build history lines. */

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
