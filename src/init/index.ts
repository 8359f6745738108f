import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { analyze } from "../analysis/index.js";
import type { AnalysisEngine, ModuleAnalysis } from "../analysis/types.js";
import type { RuntimeName } from "../dockerfile/runtimes.js";
import { loadConfig } from "../config/load.js";
import { generateDockerfile } from "../dockerfile/generate.js";
import { generateDockerignore } from "../dockerfile/dockerignore.js";
import { planDockerfile, type DockerfilePlan } from "../dockerfile/plan.js";
import { inputError } from "../errors.js";
import { writeFilesAtomically } from "../fsutil/atomic-write.js";

export interface InitOptions {
  main?: string;
  all?: boolean;
  runtime?: RuntimeName;
  shell?: boolean;
  port?: number;
  healthPath?: string;
  configPath?: string;
  engine?: "auto" | AnalysisEngine;
}

export interface GeneratedFile {
  /** Name relative to the module root. */
  name: string;
  path: string;
  content: string;
  /** The file already on disk, if any. */
  existing?: string;
}

export interface InitResult {
  analysis: ModuleAnalysis;
  plan: DockerfilePlan;
  files: GeneratedFile[];
}

/** Reads the module, decides, and produces the files `init` would write (writes nothing). */
export async function planInit(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const analysis = await analyze(dir, { engine: options.engine ?? "auto" });
  const { config } = await loadConfig(analysis.root, options.configPath);
  const hasGoSum = await exists(join(analysis.root, "go.sum"));
  const plan = planDockerfile(analysis, {
    main: options.main ?? config.main,
    all: options.all,
    runtime: options.runtime ?? config.init?.runtime,
    shell: options.shell ?? config.init?.shell,
    port: options.port ?? config.init?.port,
    healthPath: options.healthPath ?? config.init?.healthcheck,
    hasGoSum,
  });
  const files: GeneratedFile[] = [
    { name: "Dockerfile", content: generateDockerfile(plan) },
    { name: ".dockerignore", content: generateDockerignore({ vendored: analysis.vendored }) },
  ].map((f) => ({ ...f, path: join(analysis.root, f.name) }));
  for (const f of files) f.existing = await readIfExists(f.path);
  return { analysis, plan, files };
}

/** Writes the planned files; refuses to replace existing ones unless `force`. All or nothing. */
export async function writeInit(result: InitResult, options: { force?: boolean } = {}): Promise<void> {
  const clashing = result.files.filter((f) => f.existing !== undefined && f.existing !== f.content);
  if (clashing.length > 0 && !options.force) {
    const names = clashing.map((f) => f.path).join(" and ");
    throw inputError(`${names} already exist${clashing.length === 1 ? "s" : ""}: pass --force to overwrite, or --diff to compare`, { file: clashing[0]!.path });
  }
  await writeFilesAtomically(result.files.map((f) => ({ path: f.path, content: f.content })));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw inputError(`${path}: cannot read (${(err as Error).message})`, { file: path });
  }
}
