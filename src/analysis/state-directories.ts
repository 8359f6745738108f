/**
 * Directories outside the working directory that the program writes its state to: an absolute
 * path it creates or writes files under (`os.MkdirAll("/var/lib/app")`), or the absolute default of
 * a flag or environment variable that names a data directory or file (`-data /var/lib/app`,
 * `DB_PATH=/data/app.db`) in a program that writes files. A non-root user cannot create them in an
 * image, so the image must have them, owned by that user.
 */
import { posix } from "node:path";
import { evidenceAt } from "./evidence.js";
import { callArguments, isQualified, type GoSourceFile } from "./go-source.js";
import { envLookups, flagCall } from "./server.js";
import type { StateDirectory } from "./types.js";

/** Calls that create or write a path, with whether the path is the directory itself. */
const WRITES: { pkg: string; names: RegExp; directory: boolean }[] = [
  { pkg: "os", names: /^(MkdirAll|Mkdir)$/, directory: true },
  { pkg: "os", names: /^(CreateTemp|MkdirTemp)$/, directory: true },
  { pkg: "os", names: /^(Create|WriteFile|OpenFile)$/, directory: false },
  { pkg: "io/ioutil", names: /^(WriteFile|TempFile|TempDir)$/, directory: false },
];

/** Where a container's state belongs; not /tmp (its own need), the OS's directories, or mounted secrets. */
const STATE_ROOTS = /^\/(var|data|srv|opt|home|app|storage|state|db|uploads|cache)(\/|$)/;
const NOT_STATE = /^\/(var\/run|run|tmp|var\/tmp|etc|usr|bin|sbin|lib|proc|sys|dev)(\/|$)/;
/** Words of a flag or variable name that say it is where data goes. */
const DATA_WORDS = new Set(["data", "dir", "directory", "path", "storage", "store", "state", "db", "database", "cache", "upload", "uploads", "volume", "home", "root", "file", "files"]);
/** Words that say it is read, not written: a config file, certificates, a socket; or logs, which belong on stdout. */
const READ_WORDS = new Set(["conf", "config", "cfg", "cert", "certs", "key", "keys", "tls", "ssl", "ca", "secret", "secrets", "token", "socket", "sock", "log", "logs", "pid"]);

/** `DB_PATH`, `cache-dir`, `dataDir` as words. */
function nameWords(name: string): string[] {
  return name.split(/[-_.]+|(?<=[a-z0-9])(?=[A-Z])/).map((w) => w.toLowerCase()).filter(Boolean);
}

function namesStateDirectory(name: string): boolean {
  const words = nameWords(name);
  return words.some((w) => DATA_WORDS.has(w)) && !words.some((w) => READ_WORDS.has(w));
}

function asStateDirectory(path: string, isFile: boolean): string | undefined {
  const clean = posix.normalize(path).replace(/\/+$/, "");
  if (!clean.startsWith("/") || NOT_STATE.test(clean) || !STATE_ROOTS.test(clean)) return undefined;
  const dir = isFile ? posix.dirname(clean) : clean;
  return dir === "/" || !STATE_ROOTS.test(dir) ? undefined : dir;
}

/** A value that names a file rather than a directory: `/data/app.db`. */
function looksLikeFile(path: string): boolean {
  return /\.[A-Za-z0-9]{1,8}$/.test(posix.basename(path));
}

export function stateDirectories(files: GoSourceFile[]): StateDirectory[] {
  const found = new Map<string, StateDirectory>();
  const add = (path: string | undefined, dir: StateDirectory) => {
    if (path !== undefined && !found.has(path)) found.set(path, { ...dir, path });
  };
  let writes = false;
  for (const src of files) {
    const t = src.tokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i + 1]?.value !== ".") continue;
      const write = WRITES.find((w) => isQualified(src, i, w.pkg, w.names) && t[i + 3]?.value === "(");
      if (!write) continue;
      writes = true;
      const first = callArguments(t, i + 3)[0];
      const arg = first ? t[first.start] : undefined;
      const joined = arg && (isQualified(src, first!.start, "path/filepath", "Join") || isQualified(src, first!.start, "path", "Join")) ? t[first!.start + 4] : undefined;
      const literal = arg?.kind === "string" && first!.end - first!.start === 1 ? arg : joined?.kind === "string" ? joined : undefined;
      // A Join's first element is a directory the rest goes under.
      if (literal) add(asStateDirectory(literal.value, literal === arg && !write.directory), { path: "", source: "literal", evidence: evidenceAt(src, literal.line) });
    }
  }
  if (!writes) return [...found.values()];
  for (const src of files) {
    const t = src.tokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i + 1]?.value !== "." || !flagCall(src, i, /^(String|StringVar)$/)) continue;
      const args = callArguments(t, i + 3);
      const isVar = t[i + 2]!.value === "StringVar";
      const name = args[isVar ? 1 : 0];
      const dflt = args[isVar ? 2 : 1];
      const flagName = name && t[name.start]?.kind === "string" ? t[name.start]!.value : undefined;
      const value = dflt && dflt.end - dflt.start === 1 && t[dflt.start]?.kind === "string" ? t[dflt.start]! : undefined;
      if (!flagName || !value || !namesStateDirectory(flagName)) continue;
      add(asStateDirectory(value.value, looksLikeFile(value.value)), { path: "", source: "flag", name: flagName, evidence: evidenceAt(src, value.line) });
    }
    for (const e of envLookups(src)) {
      if (e.default === undefined || !namesStateDirectory(e.name)) continue;
      add(asStateDirectory(e.default, looksLikeFile(e.default)), { path: "", source: "env", name: e.name, evidence: e.defaultEvidence ?? e.evidence });
    }
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
