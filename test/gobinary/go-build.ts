/** Builds small Go programs with the real toolchain for the gobinary tests. */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface GoProgram {
  /** Relative path → contents; must include go.mod. */
  files: Record<string, string>;
  /** Extra `go build` arguments before the package. */
  args?: string[];
  env?: Record<string, string>;
  /** Make the directory a git repository with one commit, so Go records vcs settings. */
  git?: boolean;
}

/** A temp directory holding the programs a test file builds; `cleanup` in an after() hook. */
export class GoWorkspace {
  private constructor(readonly root: string) {}

  static async create(): Promise<GoWorkspace> {
    return new GoWorkspace(await mkdtemp(join(tmpdir(), "slimgo-gobinary-")));
  }

  /** Builds `program` in its own directory and returns the binary's path. */
  async build(name: string, program: GoProgram): Promise<string> {
    const dir = join(this.root, name);
    for (const [path, contents] of Object.entries(program.files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), contents);
    }
    const env = { ...process.env, GOPROXY: "off", GOFLAGS: "", GOWORK: "off", ...program.env };
    if (program.git === true) {
      const git = (...args: string[]) =>
        run("git", ["-c", "user.name=slimgo test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir, env });
      await git("init", "-q");
      await git("add", "-A");
      await git("commit", "-q", "-m", "test program");
    }
    const output = join(this.root, `${name}.bin`);
    await run("go", ["build", "-o", output, ...(program.args ?? []), "."], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });
    return output;
  }

  async cleanup(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

export function goMod(path: string, extra = ""): string {
  return `module ${path}\n\ngo 1.19\n${extra}`;
}

/** `go version -m FILE`, the reference for build info. */
export async function goVersionM(binary: string): Promise<string> {
  const { stdout } = await run("go", ["version", "-m", binary], { env: { ...process.env, GOFLAGS: "" } });
  return stdout;
}
