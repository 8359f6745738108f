import { looksLikeSecretName } from "../secret-names.js";
import { maskValue } from "../verify/secrets.js";

/** Values that are credentials whatever the variable is called (token prefixes, PEM keys, URLs with passwords). */
const SECRET_VALUE = [
  /^gh[pousr]_[A-Za-z0-9]{20,}/,
  /^github_pat_[A-Za-z0-9_]{20,}/,
  /^(AKIA|ASIA)[A-Z0-9]{16}$/,
  /^xox[abpsr]-[A-Za-z0-9-]{10,}/,
  /^glpat-[A-Za-z0-9_-]{20,}/,
  /^sk_(live|test)_[A-Za-z0-9]{10,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
];

/** True when an env value should not be shown: a secret-looking name, or a value shaped like a credential. */
export function isSecretEnv(name: string, value: string): boolean {
  return value !== "" && (looksLikeSecretName(name) || SECRET_VALUE.some((p) => p.test(value)));
}

/** `NAME=value` with the value masked when it looks like a secret. */
export function maskEnvLine(line: string): string {
  const eq = line.indexOf("=");
  if (eq < 0) return line;
  const name = line.slice(0, eq);
  const value = line.slice(eq + 1);
  return isSecretEnv(name, value) ? `${name}=${maskValue(value)}` : line;
}
