import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { after } from "node:test";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SLIMGO_BIN = fileURLToPath(new URL("../../../bin/slimgo.js", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));
export const EXAMPLES = fileURLToPath(new URL("../../../examples/", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI (bin/slimgo.js) with NO_COLOR unless `env` says otherwise: as `node
 * bin/slimgo.js`, or with `asProgram` as the installed command runs, through its sh part; with
 * `user`, as that user (the tests run as root in CI, and root writes where others cannot); with
 * `wrapper`, under that command (`["unshare", "-n"]`: without network).
 */
export function runSlimgo(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; asProgram?: boolean; user?: { uid: number; gid: number }; wrapper?: string[] } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = options.asProgram ? [SLIMGO_BIN, ...args] : [process.execPath, SLIMGO_BIN, ...args];
    const [program, ...rest] = [...(options.wrapper ?? []), ...command];
    const child = spawn(program!, rest, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.user ?? {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 128, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Copies a fixture module (test/fixtures/NAME) or example (examples/NAME) to a fresh temp dir. */
export async function copyModule(name: string, from: "fixtures" | "examples" = "fixtures"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `slimgo-${name}-`));
  await cp(join(from === "fixtures" ? FIXTURES : EXAMPLES, name), dir, { recursive: true });
  return dir;
}

/** A `copyModule` whose copies are removed when the test file ends. */
export function moduleCopies(): (name: string, from?: "fixtures" | "examples") => Promise<string> {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  return async (name, from = "fixtures") => {
    const dir = await copyModule(name, from);
    dirs.push(dir);
    return dir;
  };
}
