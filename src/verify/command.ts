/** Whether a command line from the image config (entrypoint, health check) can start in the image. */
import { posix } from "node:path";
import type { ImageView } from "./image-view.js";
import { findCommand, isExecutableFile, MAX_GO_BINARY_BYTES, readImageFile, type ResolvedPath } from "./image-paths.js";

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"]);

/** `["/bin/sh", "-c", "…"]` is what shell form (`ENTRYPOINT app --flag`) is stored as. */
export function isShellForm(argv: readonly string[]): boolean {
  const [program, flag] = argv;
  return program !== undefined && SHELLS.has(posix.basename(program)) && flag === "-c";
}

export interface CommandVerdict {
  ok: boolean;
  /** What is wrong, phrased to follow "the entrypoint …"; empty when ok. */
  problem: string;
  evidence: string[];
  /** The image path argv[0] resolved to, when it exists. */
  path?: string;
}

/** Checks that argv[0] exists as an executable regular file, and that a script's interpreter does too. */
export async function checkProgram(view: ImageView, argv: readonly string[], env: ReadonlyMap<string, string>): Promise<CommandVerdict> {
  const program = argv[0];
  if (program === undefined || program === "") return { ok: false, problem: "is empty", evidence: [] };
  const evidence: string[] = [];
  const found = findCommand(view, program, env);
  const problem = describeMissing(program, found);
  if (found !== undefined) evidence.push(...found.links);
  if (problem !== undefined) {
    if (!program.includes("/")) evidence.push(`PATH=${env.get("PATH") ?? "(unset: runtime default)"}`);
    return { ok: false, problem, evidence };
  }
  const path = found!.path;
  evidence.push(`${path}: regular file, mode ${found!.entry!.mode.toString(8).padStart(4, "0")}`);
  const head = await readImageFile(view, path, 256);
  if (head !== undefined && head.subarray(0, 2).toString("latin1") === "#!") {
    const line = head.toString("latin1").slice(2).split("\n")[0]?.trim() ?? "";
    const [interpreter, firstArg] = line.split(/\s+/);
    evidence.push(`${path} is a script: #!${line}`);
    if (interpreter === undefined || interpreter === "") return { ok: false, problem: `${path} is a script with an empty #! line`, evidence };
    const interp = findCommand(view, interpreter, env);
    if (!isExecutableFile(interp?.entry)) return { ok: false, problem: `${path} is a script whose interpreter ${interpreter} is not in the image`, evidence };
    if (posix.basename(interpreter) === "env" && firstArg !== undefined && !firstArg.startsWith("-")) {
      const viaEnv = findCommand(view, firstArg, env);
      if (!isExecutableFile(viaEnv?.entry)) return { ok: false, problem: `${path} runs ${firstArg} through env, and ${firstArg} is not in the image's PATH`, evidence };
    }
  }
  return { ok: true, problem: "", evidence, path };
}

function describeMissing(program: string, found: ResolvedPath | undefined): string | undefined {
  if (found === undefined || found.entry === undefined) {
    return program.includes("/") ? `${program} does not exist in the image` : `${program} is not found in the image's PATH`;
  }
  const { entry, path } = found;
  if (entry.type === "dir") return `${path} is a directory`;
  if (entry.type !== "file") return `${path} is not a regular file`;
  if ((entry.mode & 0o111) === 0) return `${path} is not executable (mode ${entry.mode.toString(8).padStart(4, "0")})`;
  return undefined;
}

/**
 * The first flag-like argument (`-health`, `--probe=x`) whose name appears nowhere in the Go binary
 * it is given to, up to a `--`. A flag the program defines has its name as a string literal in the
 * binary; the name's absence proves there is none (its presence proves nothing, so only absence fails).
 */
export async function undefinedGoFlag(view: ImageView, path: string, args: readonly string[]): Promise<{ arg: string; name: string } | undefined> {
  if (!view.goBinaries.some((b) => b.path === path)) return undefined;
  const end = args.indexOf("--");
  const flags = (end === -1 ? args : args.slice(0, end))
    .map((arg) => ({ arg, name: /^--?([A-Za-z][\w.-]*)(?:=.*)?$/.exec(arg)?.[1] }))
    .filter((f): f is { arg: string; name: string } => f.name !== undefined);
  if (flags.length === 0) return undefined;
  const bytes = await view.readFile(path, MAX_GO_BINARY_BYTES);
  if (bytes === undefined) return undefined;
  return flags.find((f) => !bytes.includes(f.name));
}
