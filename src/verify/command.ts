/** Whether a command line from the image config (entrypoint, health check) can start in the image. */
import { posix } from "node:path";
import type { FileEntry, ImageView } from "./image-view.js";
import { stringLiteralLookup } from "../gobinary/string-literals.js";
import { formatOfFile, whyNotRunnable, type ExecutableFormat } from "./executable-format.js";
import { findCommand, imageEnv, isExecutableFile, MAX_GO_BINARY_BYTES, normalizeImagePath, readImageFile, whyUnresolved, type ResolvedPath } from "./image-paths.js";
import { describeOwnership, mayAccess, type Access } from "./permissions.js";
import type { Credentials } from "./users.js";

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
  /** What to do, when it is not the caller's usual advice (put the file there, fix the path). */
  fix?: string;
  evidence: string[];
  /** The image path argv[0] resolved to, when it exists. */
  path?: string;
}

/**
 * Checks that argv[0] exists as a regular file that `user` may execute, and that a script's
 * interpreter does too (and that the user may read the script). Without `user` (USER does not
 * resolve; SV005 reports it) permissions are not checked.
 */
export async function checkProgram(view: ImageView, argv: readonly string[], env: ReadonlyMap<string, string>, user?: Credentials): Promise<CommandVerdict> {
  const program = argv[0];
  if (program === undefined || program === "") return { ok: false, problem: "is empty", evidence: [] };
  const evidence: string[] = [];
  const found = findCommand(view, program, env);
  const problem = describeMissing(program, found, view);
  if (found !== undefined) evidence.push(...found.links);
  if (problem !== undefined) {
    if (!program.includes("/")) evidence.push(`PATH=${env.get("PATH") ?? "(unset: runtime default)"}`);
    const fix = found?.entry?.type === "file" ? "make it executable (COPY --chmod=0755, or RUN chmod 0755 on the file in the build stage)" : undefined;
    return { ok: false, problem, evidence, ...(fix && { fix }) };
  }
  const path = found!.path;
  const entry = found!.entry!;
  evidence.push(`${path}: regular file, ${describeOwnership(entry)}`);
  if (user !== undefined) evidence.push(`runs as ${user.shown}`);
  const denied = deniedAccess(view, path, entry, user, "execute");
  if (denied !== undefined) return { ok: false, evidence, ...denied };
  const head = await readImageFile(view, path, 256);
  if (head !== undefined && head.subarray(0, 2).toString("latin1") === "#!") {
    const rawLine = head.toString("latin1").slice(2).split("\n")[0] ?? "";
    const line = rawLine.trim();
    const [interpreter, firstArg] = line.split(/\s+/);
    evidence.push(`${path} is a script: #!${line}`);
    if (interpreter === undefined || interpreter === "") return { ok: false, problem: `${path} is a script with an empty #! line`, evidence };
    const crlf = carriageReturnProblem(path, rawLine);
    if (crlf !== undefined) return { ok: false, evidence, ...crlf };
    const unreadable = deniedAccess(view, path, entry, user, "read");
    if (unreadable !== undefined) return { ok: false, evidence, ...unreadable };
    const interp = findCommand(view, interpreter, env);
    if (!isExecutableFile(interp?.entry)) return { ok: false, problem: `${path} is a script whose interpreter ${interpreter} is not in the image`, evidence };
    const interpDenied = deniedAccess(view, interp!.path, interp!.entry!, user, "execute");
    if (interpDenied !== undefined) return { ok: false, evidence, ...interpDenied, problem: `${path} is a script whose interpreter ${interpDenied.problem}` };
    if (posix.basename(interpreter) === "env" && firstArg !== undefined && !firstArg.startsWith("-")) {
      const viaEnv = findCommand(view, firstArg, env);
      if (!isExecutableFile(viaEnv?.entry)) return { ok: false, problem: `${path} runs ${firstArg} through env, and ${firstArg} is not in the image's PATH`, evidence };
    }
  }
  const format = head !== undefined && head.subarray(0, 2).toString("latin1") === "#!" ? undefined : await formatOfFile(view, path);
  const notRunnable = format && whyNotRunnable(format, view.platform);
  if (notRunnable !== undefined) {
    return {
      ok: false,
      problem: `${path} ${notRunnable}, so the container fails with "exec format error"`,
      fix: `build it for the image's platform (GOOS=${view.platform.os} GOARCH=${view.platform.architecture} go build)`,
      evidence,
    };
  }
  return { ok: true, problem: "", evidence, path };
}

/** The program the image starts (exec form) and its format; undefined for shell form or a file that is not there. */
export async function entrypointProgram(view: ImageView): Promise<{ path: string; format: ExecutableFormat } | undefined> {
  const argv = [...(view.config.Entrypoint ?? []), ...(view.config.Cmd ?? [])];
  const program = argv[0];
  if (program === undefined || program === "" || isShellForm(argv)) return undefined;
  const found = findCommand(view, program, imageEnv(view));
  if (found?.entry?.type !== "file") return undefined;
  const format = await formatOfFile(view, found.path);
  return format === undefined ? undefined : { path: found.path, format };
}

/**
 * A #! line that ends in a carriage return (a script saved with CRLF line endings). The kernel
 * splits the line on spaces and tabs only, so the "\r" stays on the interpreter's path
 * (`/bin/sh\r`: "no such file or directory") or on its argument (`-e\r`, `env`'s `sh\r`).
 */
function carriageReturnProblem(path: string, line: string): { problem: string; fix: string } | undefined {
  if (!line.replace(/[ \t]+$/, "").endsWith("\r")) return undefined;
  const words = line.replace(/^[ \t]+/, "").split(/[ \t]+/).filter((w) => w !== "");
  const last = words[words.length - 1] ?? "\r";
  return {
    problem: `${path} has Windows (CRLF) line endings: its #! line ends in a carriage return, which the kernel keeps in ${JSON.stringify(last)}, so the script never starts ("no such file or directory" or a bad option)`,
    fix: "convert it to LF line endings (dos2unix, or `*.sh text eol=lf` in .gitattributes) before it is copied into the image",
  };
}

function describeMissing(program: string, found: ResolvedPath | undefined, view: ImageView): string | undefined {
  if (found === undefined && program.includes("/") && whyUnresolved(view, normalizeImagePath(program, view.config.WorkingDir || "/")) === "loop") {
    return `${program} is a symlink loop, so the runtime fails with "too many levels of symbolic links"`;
  }
  if (found === undefined || found.entry === undefined) {
    return program.includes("/") ? `${program} does not exist in the image` : `${program} is not found in the image's PATH`;
  }
  const { entry, path } = found;
  if (entry.type === "dir") return `${path} is a directory`;
  if (entry.type !== "file") return `${path} is not a regular file`;
  if ((entry.mode & 0o111) === 0) return `${path} is not executable (mode ${entry.mode.toString(8).padStart(4, "0")})`;
  return undefined;
}

/** Why `user` may not execute (or read) the file at `path`, which has no symlinks left in it: a directory on the way, or the file itself. */
function deniedAccess(view: ImageView, path: string, entry: FileEntry, user: Credentials | undefined, access: Access): { problem: string; fix: string } | undefined {
  if (user === undefined) return undefined;
  const owner = `COPY --chown=${user.uid}:${user.gids[0]}`;
  for (let dir = posix.dirname(path); dir !== "/"; dir = posix.dirname(dir)) {
    const parent = view.files.get(dir);
    if (parent?.type === "dir" && !mayAccess(parent, user, "execute")) {
      return {
        problem: `${path} is in ${dir} (${describeOwnership(parent)}), which the image user ${user.shown} may not enter, so the runtime fails with "permission denied"`,
        fix: `make the directory searchable (RUN chmod 0755 ${dir} in the stage that makes it), or give it to the user (${owner})`,
      };
    }
  }
  if (mayAccess(entry, user, access)) return undefined;
  const what = access === "execute" ? "executable" : "readable (its interpreter reads it)";
  return {
    problem: `${path} (${describeOwnership(entry)}) is not ${what} by the image user ${user.shown}, so the runtime fails with "permission denied"`,
    fix: `make it executable and readable by everyone (chmod 0755: COPY --chmod=0755, or RUN chmod 0755 on the file in the build stage), or give it to the user (${owner})`,
  };
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
