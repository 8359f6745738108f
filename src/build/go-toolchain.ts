import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { ModuleAnalysis } from "../analysis/types.js";
import { inputError } from "../errors.js";

const run = promisify(execFile);

export interface GoToolchain {
  binary: string;
  /** e.g. "1.19.8" */
  version: string;
  goroot: string;
}

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
  try {
    const { stdout } = await run(binary, ["env", "GOVERSION", "GOROOT"], { env: { ...process.env, GOTOOLCHAIN: "local" } });
    const [goversion = "", goroot = ""] = stdout.trim().split("\n");
    return { binary, version: goversion.replace(/^go/, ""), goroot };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw inputError(`slimgo build needs the Go toolchain and "${binary}" is not on PATH: install it (Debian/Ubuntu: apt-get install golang-go; or https://go.dev/dl) or set SLIMGO_GO`);
    }
    throw inputError(`${binary} env failed: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** go.mod's toolchain (else go) line must not be newer than the installed Go. */
export function checkToolchain(go: GoToolchain, analysis: ModuleAnalysis): void {
  const wanted = analysis.goMod.toolchain ?? analysis.goMod.go;
  const evidence = analysis.goMod.toolchain ? analysis.goMod.toolchainEvidence : analysis.goMod.goEvidence;
  if (!wanted || !evidence) return;
  if (compareGoVersions(go.version, wanted) < 0) {
    const which = analysis.goMod.toolchain ? "toolchain" : "go";
    throw inputError(
      `${evidence.file}:${evidence.line}: the module needs Go ${wanted} (${which} line) but ${go.binary} is Go ${go.version}: install Go ${wanted} or newer, or build with the Dockerfile from slimgo init`,
      { file: evidence.file, line: evidence.line },
    );
  }
}

/** Compares "1.21", "1.21.5", "1.21rc1" numerically; a missing patch counts as 0. */
export function compareGoVersions(a: string, b: string): number {
  const parse = (v: string) => v.replace(/^go/, "").split(/[.a-z]+/).filter(Boolean).map(Number);
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
