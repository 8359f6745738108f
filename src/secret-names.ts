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
