/**
 * The settings the developer's go command fetches modules with (GOPROXY, GOPRIVATE, ...): what
 * `go env` says when Go is installed, since it also sees `go env -w` and derived defaults;
 * otherwise the process environment. Only values that differ from Go's defaults are kept.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export const MODULE_FETCH_SETTINGS = ["GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE"] as const;
export type ModuleFetchSettingName = (typeof MODULE_FETCH_SETTINGS)[number];

export const DEFAULT_GOPROXY = "https://proxy.golang.org,direct";
export const DEFAULT_GOSUMDB = "sum.golang.org";

export interface ModuleFetchSetting {
  name: ModuleFetchSettingName;
  value: string;
  /** Where the value was read, for the explanation: "go env GOPRIVATE" or "the GOPRIVATE environment variable". */
  source: string;
}

/** The non-default settings, by name. */
export type ModuleFetchSettings = Partial<Record<ModuleFetchSettingName, ModuleFetchSetting>>;

export interface ReadFetchSettingsOptions {
  /** The go binary (default: SLIMGO_GO, else "go" on PATH). */
  goBinary?: string;
  env?: NodeJS.ProcessEnv;
  /** Directory go env runs in (the module root). */
  cwd?: string;
}

export async function readModuleFetchSettings(options: ReadFetchSettingsOptions = {}): Promise<ModuleFetchSettings> {
  const env = options.env ?? process.env;
  const fromGo = await goEnv(options.goBinary ?? env.SLIMGO_GO ?? "go", env, options.cwd);
  const values: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const name of MODULE_FETCH_SETTINGS) {
    const own = env[name];
    if (fromGo) {
      values[name] = fromGo[name] ?? "";
      sources[name] = own !== undefined && own === values[name] ? `the ${name} environment variable` : `go env ${name}`;
    } else {
      values[name] = own ?? "";
      sources[name] = `the ${name} environment variable`;
    }
  }
  return nonDefault(values, sources);
}

/** Keeps what differs from Go's defaults; GONOPROXY and GONOSUMDB default to GOPRIVATE. */
export function nonDefault(values: Record<string, string>, sources: Record<string, string> = {}): ModuleFetchSettings {
  const defaults: Record<ModuleFetchSettingName, string> = {
    GOPROXY: DEFAULT_GOPROXY,
    GOSUMDB: DEFAULT_GOSUMDB,
    GOPRIVATE: "",
    GONOPROXY: values.GOPRIVATE ?? "",
    GONOSUMDB: values.GOPRIVATE ?? "",
    GOINSECURE: "",
  };
  const settings: ModuleFetchSettings = {};
  for (const name of MODULE_FETCH_SETTINGS) {
    const value = values[name] ?? "";
    // An empty GOPROXY or GOSUMDB means the default to go, not "none".
    if (value === "" || value === defaults[name]) continue;
    settings[name] = { name, value, source: sources[name] ?? `the ${name} environment variable` };
  }
  return settings;
}

/** `go env -json` of the fetch settings, or undefined when go is missing or fails. */
async function goEnv(binary: string, env: NodeJS.ProcessEnv, cwd: string | undefined): Promise<Record<string, string> | undefined> {
  try {
    const { stdout } = await run(binary, ["env", "-json", ...MODULE_FETCH_SETTINGS], { env: { ...env, GOTOOLCHAIN: "local" }, cwd, timeout: 30_000 });
    const parsed = JSON.parse(stdout) as Record<string, unknown>;
    return Object.fromEntries(MODULE_FETCH_SETTINGS.map((name) => [name, typeof parsed[name] === "string" ? (parsed[name] as string) : ""]));
  } catch {
    return undefined;
  }
}
