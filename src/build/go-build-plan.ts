/**
 * The go build a `slimgo build` ran, recorded for the next one started in the same directory:
 * speculation.ts replays it, and so does the sh prelude of bin/slimgo.js, before Node has
 * started. So the file is lines that sh reads with `read -r`:
 *
 *     slimgo go build plan 1
 *     <the directory go runs in>
 *     <the program's kept binary (see go-output-cache.ts), or an empty line>
 *     NAME=value, one line per variable set on top of the environment
 *     --
 *     go's arguments, starting with "build"; an empty line stands for the -o path
 *
 * The go binary is not in it: the replay runs the go this slimgo would run ($SLIMGO_GO, else
 * go), so a plan file cannot start another program.
 *
 * Imported before anything else is loaded: Node built-ins and cache-dir only.
 */
import { join } from "node:path";
import { cacheDir } from "./cache-dir.js";

/** The go build a request runs, with `OUTPUT` standing for the `-o` path. */
export interface GoBuildPlan {
  go: string;
  cwd: string;
  args: string[];
  /** Variables set on top of slimgo's own environment (CGO_ENABLED, GOOS, GOARCH, ...). */
  env: Record<string, string>;
}

export const OUTPUT = "\0output";

const FIRST_LINE = "slimgo go build plan 1";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where the plan of builds started in `launchDir` is kept: the directory's own path under the cache, as sh finds it without hashing. */
export function planFile(launchDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "go-build-plans", launchDir, "@plan");
}

/** The go binary a replay runs. */
export function replayedGo(env: NodeJS.ProcessEnv = process.env): string {
  return env.SLIMGO_GO ?? "go";
}

/** `build` first, one empty line for the output, and no "--", which sh turns into the go binary. */
function replayableArgs(args: string[]): boolean {
  return args[0] === "build" && args.filter((a) => a === "").length === 1 && !args.includes("--");
}

/** The plan's lines, or undefined when a value cannot be one line (it is then not replayed). */
export function formatPlan(plan: GoBuildPlan, kept: string | undefined): string | undefined {
  const args = plan.args.map((a) => (a === OUTPUT ? "" : a));
  const envLines = Object.entries(plan.env).map(([k, v]) => `${k}=${v}`);
  const oneLine = (s: string) => !s.includes("\n") && !s.includes("\0");
  if (plan.cwd === "" || !replayableArgs(args)) return undefined;
  if (!Object.keys(plan.env).every((k) => ENV_NAME.test(k))) return undefined;
  if (![plan.cwd, kept ?? "", ...envLines, ...args].every(oneLine)) return undefined;
  return [FIRST_LINE, plan.cwd, kept ?? "", ...envLines, "--", ...args].join("\n") + "\n";
}

/** A plan read back, for `go`; undefined when the text is not one. */
export function parsePlan(text: string, go: string): { plan: GoBuildPlan; kept: string | undefined } | undefined {
  const lines = text.split("\n");
  if (lines.pop() !== "") return undefined;
  const [first, cwd, kept, ...rest] = lines;
  const separator = rest.indexOf("--");
  if (first !== FIRST_LINE || !cwd || kept === undefined || separator < 0) return undefined;
  const env: Record<string, string> = {};
  for (const line of rest.slice(0, separator)) {
    const eq = line.indexOf("=");
    if (eq < 0 || !ENV_NAME.test(line.slice(0, eq))) return undefined;
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const args = rest.slice(separator + 1);
  if (!replayableArgs(args)) return undefined;
  return { plan: { go, cwd, args: args.map((a) => (a === "" ? OUTPUT : a)), env }, kept: kept === "" ? undefined : kept };
}
