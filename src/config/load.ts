import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { inputError } from "../errors.js";
import type { SlimgoConfig } from "./schema.js";

export const CONFIG_FILE = "slimgo.yaml";

export interface LoadedConfig {
  config: SlimgoConfig;
  /** The file read, or undefined when there is none. */
  file?: string;
  /** Where a key of the file is, to name it in a message about its value: `slimgo.yaml:7: build.platforms[1]`. */
  where(path: (string | number)[]): string;
}

/**
 * Reads `slimgo.yaml` from `moduleRoot` (or `explicitPath`). A missing default file is an
 * empty config; a missing explicit file, bad YAML or a schema violation is an error that
 * names the file, line and key.
 */
export async function loadConfig(moduleRoot: string, explicitPath?: string): Promise<LoadedConfig> {
  const file = explicitPath ?? join(moduleRoot, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if (!explicitPath && (err as NodeJS.ErrnoException).code === "ENOENT") return { config: {}, where: (path) => `${CONFIG_FILE}: ${path.join(".")}` };
    throw inputError(`${file}: cannot read config (${(err as Error).message}): check the --config path`, { file });
  }
  // The YAML parser and the schema library load only when there is a file to read.
  const { parseConfigWithLines } = await import("./parse.js");
  return { ...parseConfigWithLines(text, file), file };
}
