/** Whether a command line from the image config (entrypoint, health check) can start in the image. */
import { posix } from "node:path";
import type { ImageView } from "./image-view.js";
import { stringLiteralLookup } from "../gobinary/string-literals.js";
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

export interface FlagFinding {
  arg: string;
  name: string;
  /** absent: the name is nowhere in the binary; unconfirmed: it is there, but not as a string of its own (or the binary's code is not read here). */
  verdict: "absent" | "unconfirmed";
  why: string;
}

/**
 * The first flag-like argument (`-health`, `--probe=x`) the Go binary it is given to may not define,
 * up to a `--`. A flag the program defines has its name as a string literal in the binary. A name
 * that is nowhere in it is certainly undefined; one found only inside other strings is most likely
 * a typo, but a program can build its flag names (from struct tags, say), so that is reported as
 * unconfirmed rather than failed.
 */
export async function undefinedGoFlag(view: ImageView, path: string, args: readonly string[]): Promise<FlagFinding | undefined> {
  const binary = view.goBinaries.find((b) => b.path === path);
  if (binary === undefined) return undefined;
  const end = args.indexOf("--");
  const flags = (end === -1 ? args : args.slice(0, end))
    .map((arg) => ({ arg, name: /^--?([A-Za-z][\w.-]*)(?:=.*)?$/.exec(arg)?.[1] }))
    .filter((f): f is { arg: string; name: string } => f.name !== undefined);
  if (flags.length === 0) return undefined;
  const bytes = await view.readFile(path, MAX_GO_BINARY_BYTES);
  if (bytes === undefined) return undefined;
  const literal = stringLiteralLookup(bytes, binary.info.elf);
  const findings = flags.flatMap((flag): FlagFinding[] => {
    const verdict = literal(flag.name);
    if (verdict === "literal") return [];
    if (verdict === "absent") return [{ ...flag, verdict, why: `${path} is a Go binary with no "${flag.name}" anywhere in it` }];
    const why =
      verdict === "embedded"
        ? `${path} holds "${flag.name}" only inside other strings, not as a string of its own, as a flag name would be`
        : `${path} holds "${flag.name}", but slimgo reads string literals only in amd64 and arm64 code, not ${binary.info.elf.machine}`;
    return [{ ...flag, verdict: "unconfirmed", why }];
  });
  return findings.find((f) => f.verdict === "absent") ?? findings[0];
}
