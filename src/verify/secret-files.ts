/** Which files hold secrets: .env files, private keys, credential files (SV011, on the final file system and on earlier layers). */
import { posix } from "node:path";

/** PEM private keys are small; larger files are not read. */
export const MAX_KEY_FILE = 1024 * 1024;
export const MAX_CREDENTIAL_FILE = 256 * 1024;
/** Bytes of a file's start that tell a PEM private key. */
export const KEY_HEAD = 64;
const PRIVATE_KEY_HEAD = /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const KEY_FILE_NAMES = /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/;
/** .env files that are meant to be published. */
const ENV_TEMPLATES = /\.(example|sample|template|dist|defaults)$/;

/** Credential files and what in their content makes them hold a credential (undefined: any content). */
const CREDENTIAL_FILES: { pattern: RegExp; holdsSecret?: RegExp; what: string }[] = [
  { pattern: /(^|\/)\.docker\/config\.json$/, holdsSecret: /"(auth|identitytoken|registrytoken)"\s*:\s*"[^"]+"/, what: "registry credentials" },
  { pattern: /(^|\/)\.aws\/credentials$/, holdsSecret: /aws_(secret_access_key|session_token)\s*=\s*\S/, what: "AWS credentials" },
  { pattern: /(^|\/)(\.netrc|_netrc)$/, holdsSecret: /\bpassword\s+\S/, what: "netrc passwords" },
  { pattern: /(^|\/)\.npmrc$/, holdsSecret: /(_authToken|_auth|_password)\s*=\s*\S/, what: "npm tokens" },
  { pattern: /(^|\/)\.git-credentials$/, holdsSecret: /:\/\/[^\s:@]+:[^\s@]+@/, what: "git credentials" },
  { pattern: /(^|\/)\.pypirc$/, holdsSecret: /\bpassword\s*[=:]\s*\S/, what: "PyPI passwords" },
  { pattern: /(^|\/)\.kube\/config$/, holdsSecret: /\b(token|client-key-data|password)\s*:\s*\S/, what: "Kubernetes credentials" },
];

/**
 * What secret the regular file at `path` holds, or undefined. `read` gives up to `maxBytes` of
 * its content; it is called only for names that need a look inside (credential files, keys).
 */
export async function secretFileKind(path: string, size: number, read: (maxBytes: number) => Promise<Buffer | undefined>): Promise<string | undefined> {
  const name = posix.basename(path);
  if ((name === ".env" || name.startsWith(".env.")) && !ENV_TEMPLATES.test(name)) return ".env file";
  const credential = CREDENTIAL_FILES.find((c) => c.pattern.test(path));
  if (credential !== undefined) {
    const text = (await read(MAX_CREDENTIAL_FILE))?.toString("utf8") ?? "";
    return credential.holdsSecret === undefined || credential.holdsSecret.test(text) ? credential.what : undefined;
  }
  if (size < 32 || size > MAX_KEY_FILE) return undefined;
  const head = await read(KEY_HEAD);
  if (head === undefined) return undefined;
  const text = head.toString("latin1");
  if (PRIVATE_KEY_HEAD.test(text)) return "private key";
  // An id_rsa that is not PEM (e.g. PuTTY) is still a key by its name.
  return KEY_FILE_NAMES.test(name) && !text.startsWith("ssh-") ? "private key" : undefined;
}
