import { posix } from "node:path";
import type { FileEntry, ImageView } from "../image-view.js";
import { buildCaches, goroots, isUnder } from "../go-trees.js";
import { fail, pass, type VerifyCheck } from "../types.js";

const SHOWN = 10;
/** PEM private keys are small; larger files are not read. */
const MAX_KEY_FILE = 1024 * 1024;
const MAX_CREDENTIAL_FILE = 256 * 1024;
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

interface Found {
  kind: string;
  path: string;
}

async function scan(view: ImageView): Promise<Found[]> {
  const found: Found[] = [];
  const skipTrees = [...goroots(view), ...buildCaches(view).keys()];
  for (const [path, entry] of view.files) {
    if (isUnder(path, skipTrees)) continue;
    const name = posix.basename(path);
    if (name === ".git" && entry.type === "dir") {
      found.push({ kind: "git repository", path });
      continue;
    }
    if (entry.type !== "file") continue;
    if ((name === ".env" || name.startsWith(".env.")) && !ENV_TEMPLATES.test(name)) {
      found.push({ kind: ".env file", path });
      continue;
    }
    const credential = CREDENTIAL_FILES.find((c) => c.pattern.test(path));
    if (credential !== undefined) {
      const text = (await view.readFile(path, MAX_CREDENTIAL_FILE))?.toString("utf8") ?? "";
      if (credential.holdsSecret === undefined || credential.holdsSecret.test(text)) found.push({ kind: credential.what, path });
      continue;
    }
    if (await isPrivateKey(view, path, name, entry)) found.push({ kind: "private key", path });
  }
  return found;
}

async function isPrivateKey(view: ImageView, path: string, name: string, entry: FileEntry): Promise<boolean> {
  if (entry.size < 32 || entry.size > MAX_KEY_FILE) return false;
  const head = await view.readFile(path, 64);
  if (head === undefined) return false;
  const text = head.toString("latin1");
  if (PRIVATE_KEY_HEAD.test(text)) return true;
  // An id_rsa that is not PEM (e.g. PuTTY) is still a key by its name.
  return KEY_FILE_NAMES.test(name) && !text.startsWith("ssh-");
}

export const check: VerifyCheck = {
  id: "SV011",
  name: "no-secret-files",
  title: "No .git directories, .env files, private keys or credential files in the final file system",
  async run(view) {
    const found = await scan(view);
    if (found.length === 0) return pass("no .git, .env, private keys or credential files found");
    const evidence = found.slice(0, SHOWN).map((f) => `${f.kind}: ${f.path}`);
    if (found.length > SHOWN) evidence.push(`and ${found.length - SHOWN} more`);
    const kinds = [...new Set(found.map((f) => f.kind))];
    return fail(
      `the image holds ${kinds.join(", ")}, readable by anyone who pulls it: list them in .dockerignore, COPY only what the program needs, and pass secrets at run time (or with RUN --mount=type=secret at build time)`,
      evidence,
    );
  },
};
