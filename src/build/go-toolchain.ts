import { execFile } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readFileSync, readSync, realpathSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createHash } from "node:crypto";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { promisify } from "node:util";
import { compareGoVersions } from "../analysis/go-version.js";
import type { ModuleAnalysis } from "../analysis/types.js";
import { inputError } from "../errors.js";
import { displayModuleFile } from "../fsutil/display-path.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";
import { cacheDir } from "./cache-dir.js";

const run = promisify(execFile);

export interface GoToolchain {
  binary: string;
  /** e.g. "1.19.8" */
  version: string;
  goroot: string;
}

/** The oldest Go slimgo build runs with: it reads the toolchain's version with `go env GOVERSION`, which Go 1.16 added. */
export const OLDEST_GO_FOR_SLIMGO_BUILD = "1.16";

const found = new Map<string, Promise<GoToolchain>>();

/**
 * Finds `go` and reads its version and GOROOT; a missing toolchain is a usage error that says how
 * to install one. Asked once per process and PATH: `slimgo build --watch` does not start `go env`
 * again for every rebuild.
 */
export function findGoToolchain(binary = process.env.SLIMGO_GO ?? "go"): Promise<GoToolchain> {
  const key = `${binary}\0${process.env.PATH ?? ""}`;
  let lookup = found.get(key);
  if (!lookup) {
    lookup = lookUpGoToolchain(binary);
    found.set(key, lookup);
    // A failed lookup is asked again next time (the user may install Go meanwhile).
    lookup.catch(() => found.delete(key));
  }
  return lookup;
}

async function lookUpGoToolchain(binary: string): Promise<GoToolchain> {
  const known = rememberedFile(binary);
  if (known) {
    try {
      const { version, goroot } = JSON.parse(readFileSync(known, "utf8")) as { version: string; goroot: string };
      if (typeof version === "string" && typeof goroot === "string") return { binary, version, goroot };
    } catch {
      // Not asked before, or the entry is damaged: ask go.
    }
  }
  try {
    const { stdout } = await run(binary, ["env", "GOVERSION", "GOROOT"], { env: { ...process.env, GOTOOLCHAIN: "local" } });
    const [goversion = "", goroot = ""] = stdout.trim().split("\n");
    const toolchain = { binary, version: goversion.replace(/^go/, ""), goroot };
    if (known && toolchain.version && toolchain.goroot) {
      await mkdir(dirname(known), { recursive: true })
        .then(() => writeFilesAtomically([{ path: known, content: JSON.stringify({ version: toolchain.version, goroot: toolchain.goroot }) }]))
        .catch(() => undefined);
    }
    return toolchain;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw inputError(`slimgo build needs the Go toolchain and "${binary}" is not on PATH: install it (Debian/Ubuntu: apt-get install golang-go; or https://go.dev/dl) or set SLIMGO_GO`);
    }
    throw inputError(`${binary} env failed: ${(err as Error).message.split("\n")[0]}`);
  }
}

/**
 * Where `go env`'s answer for this go is kept, or undefined when it must be asked each time.
 * Asking costs a process (about 50 ms of CPU beside the early go build). The answer depends only
 * on the executable and $GOROOT (GOTOOLCHAIN=local rules out switching; `go env -w` cannot set
 * GOROOT), so it is keyed by the executable's real path, inode, size and time: an upgrade is a
 * new file. A script in go's place (goenv, asdf) may pick a Go by directory: it is always asked.
 */
function rememberedFile(binary: string): string | undefined {
  const found = onPath(binary);
  if (!found) return undefined;
  try {
    const real = realpathSync(found);
    const info = statSync(real);
    if (!info.isFile() || !isExecutableImage(real)) return undefined;
    const key = JSON.stringify([real, info.dev, info.ino, info.size, info.mtimeMs, process.env.GOROOT ?? null]);
    return join(cacheDir(), "go-toolchains", `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
  } catch {
    return undefined;
  }
}

/** The file `binary` runs as, searched on PATH as a shell would; undefined when not found. */
function onPath(binary: string): string | undefined {
  if (binary.includes("/")) return isAbsolute(binary) ? binary : join(process.cwd(), binary);
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** ELF or Mach-O: a compiled go command, not a script that chooses one. */
function isExecutableImage(path: string): boolean {
  const magic = Buffer.alloc(4);
  const fd = openSync(path, "r");
  try {
    readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  const word = magic.readUInt32BE(0);
  return word === 0x7f454c46 || word === 0xfeedfacf || word === 0xcffaedfe;
}

/** The Go release that added go.mod's toolchain line: older ones fail on it ("unknown directive: toolchain"). */
const TOOLCHAIN_LINE_SINCE = "1.21";

/**
 * Whether the installed Go builds the module, as go build with GOTOOLCHAIN=local decides: go.mod's
 * go line must not be newer than it, and a Go before 1.21 cannot read a toolchain line at all. The
 * toolchain line is only a suggestion to Go 1.21 and later, which GOTOOLCHAIN=local ignores: a Go
 * between the go line and the toolchain line builds the module.
 */
export function checkToolchain(go: GoToolchain, analysis: ModuleAnalysis): void {
  const { go: goLine, goEvidence, toolchain, toolchainEvidence } = analysis.goMod;
  const refuse = (evidence: { file: string; line: number }, needs: string, why: string) =>
    inputError(`${displayModuleFile(analysis.root, evidence.file)}:${evidence.line}: ${why} but ${go.binary} is Go ${go.version}: install Go ${needs} or newer, or build with the Dockerfile from slimgo init`, { file: evidence.file, line: evidence.line });
  if (goLine && goEvidence && compareGoVersions(go.version, goLine) < 0) {
    throw refuse(goEvidence, goLine, `the module needs Go ${goLine} (go line)`);
  }
  if (toolchain && toolchainEvidence && compareGoVersions(go.version, TOOLCHAIN_LINE_SINCE) < 0) {
    const needs = compareGoVersions(toolchain, TOOLCHAIN_LINE_SINCE) < 0 ? TOOLCHAIN_LINE_SINCE : toolchain;
    throw refuse(toolchainEvidence, needs, `the toolchain line (go${toolchain}) needs Go ${TOOLCHAIN_LINE_SINCE} or newer to read go.mod`);
  }
}
