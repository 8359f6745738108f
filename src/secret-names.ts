/**
 * Names that look like they hold secrets, judged like BuildKit's SecretsUsedInArgOrEnv check: a
 * secret-ish word as the whole name or as a word of it, unless a word says the value is public.
 * `slimgo lint` (SG113) asks it of ARG/ENV names, `verify` and `inspect` of an image's config.
 */

/** BuildKit's token list (frontend/dockerfile SecretsUsedInArgOrEnv). */
const SECRET_WORDS = new Set(["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"]);
const PUBLIC_WORDS = new Set(["public"]);

/**
 * BuildKit splits ENV and ARG names on "_"; label keys also use "." and "-" (org.example.api-token),
 * and Dockerfile authors camelCase (apiKey), so `separators` says where words end.
 */
export function looksLikeSecretName(name: string, separators: RegExp = /_/): boolean {
  const words = name.split(separators).map((w) => w.toLowerCase()).filter(Boolean);
  return words.some((w) => SECRET_WORDS.has(w)) && !words.some((w) => PUBLIC_WORDS.has(w));
}

/** .env files that are meant to be published (as `verify` SV011 lets them through). */
const ENV_TEMPLATES = /\.(example|sample|template|dist|defaults)$/;
const SECRET_FILE_NAMES = /^(\.netrc|_netrc|\.git-credentials|\.pypirc|\.npmrc|id_(rsa|dsa|ecdsa|ed25519)(_sk)?)$/;

/**
 * Which file or directory names hold secrets, as the .dockerignore `init` writes (.git, .env,
 * .env.*, .netrc, *.pem, *.key, secrets/) and `verify` SV011 reports: the pattern it matches, or
 * undefined. `build --assets` leaves these out of a directory it copies.
 */
export function secretFilePattern(name: string, isDirectory: boolean): string | undefined {
  if (isDirectory) return name === ".git" ? ".git" : name === "secrets" ? "secrets/" : undefined;
  if (name === ".env") return ".env";
  if (name.startsWith(".env.") && !ENV_TEMPLATES.test(name)) return ".env.*";
  if (name.endsWith(".pem")) return "*.pem";
  if (name.endsWith(".key")) return "*.key";
  if (SECRET_FILE_NAMES.test(name)) return name;
  return undefined;
}
