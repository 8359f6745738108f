/**
 * Where the source of a third-party package is on disk, found the way go build finds it, without
 * running go: vendor/<import path> when the module is vendored; otherwise the module go.mod requires
 * (go.sum's for older go.mod files, which list direct requirements only) that holds the package, through
 * go.mod's replace: a directory (`=> ../lib`) or, like any module version, the module cache.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { isDirectoryReplacement, isOutsideModule, replacementDir } from "./local-replaces.js";
import type { KeptPackage } from "./dependency-scan-store.js";
import { readOptionalFile } from "./module-files.js";
import type { GoModFile } from "./types.js";
import type { VendorInfo } from "./vendor.js";

export interface DependencyDir {
  /** The package's directory. */
  dir: string;
  /** How evidence names the directory: "vendor/example.com/lib", "example.com/lib@v1.2.0/sub", "../lib". */
  shown: string;
  /** The scans kept for the package: none for a replacement or workspace directory, which is the developer's own code and changes. */
  kept?: KeptPackage;
}

/** A module cache directory never changes (go makes it read-only): its kept scans need no check. */
export function moduleCachePackage(dir: string): KeptPackage {
  return { key: `module cache\0${dir}`, checkContent: false };
}

/** vendor/ copies can be edited by hand: their kept scans count while the content matches. */
export function vendoredPackage(module: { path: string; version: string }, importPath: string): KeptPackage {
  return { key: `vendor\0${module.path}@${module.version}\0${importPath}`, checkContent: true };
}

/** Standard-library import paths have no dot in their first element (Go's own rule); "C" is cgo. */
export function isThirdParty(importPath: string): boolean {
  const first = importPath.split("/", 1)[0]!;
  return first.includes(".");
}

/**
 * How evidence names a dependency directory: relative to the module root when it is inside it or a
 * replacement directory, else `module@version/sub` for a module version (`moduleDir` is where it is).
 */
export function shownDependencyDir(root: string, dir: string, version?: { module: string; version: string; moduleDir: string }): string {
  if (!version || !isOutsideModule(root, dir)) return replacementDir(root, dir);
  const sub = replacementDir(version.moduleDir, dir);
  return `${version.module}@${version.version}${sub === "." ? "" : `/${sub}`}`;
}

/**
 * Finds third-party packages' directories for the module at `root`; undefined when the source is not on
 * disk. `workspace`: the module directories a go.work that applies uses, which stand in for their modules.
 */
export function dependencyLocator(root: string, goMod: GoModFile, vendor: VendorInfo, workspace: string[] = [], env: NodeJS.ProcessEnv = process.env): (importPath: string) => DependencyDir | undefined {
  if (vendor.vendored) {
    const vendored = new Map(vendor.modules.flatMap((m) => m.packages.map((p) => [p, m] as const)));
    return (importPath) => {
      const module = vendored.get(importPath);
      const dir = path.join(root, "vendor", importPath);
      // modules.txt can list a package whose directory was deleted or never copied: go build then fails itself, naming it.
      return module && isDirectory(dir) ? { dir, shown: `vendor/${importPath}`, kept: vendoredPackage(module, importPath) } : undefined;
    };
  }
  const versions = new Map<string, string>(requiredInGoSum(root));
  for (const r of goMod.requires) versions.set(r.path, r.version);
  const used = workspaceModules(workspace);
  let cache: string | undefined;
  const inModule = (modulePath: string, importPath: string): DependencyDir | undefined => {
    const sub = importPath.slice(modulePath.length);
    const usedDir = used.get(modulePath);
    if (usedDir !== undefined) return { dir: usedDir + sub, shown: shownDependencyDir(root, usedDir + sub) };
    const version = versions.get(modulePath);
    const replace = goMod.replaces.find((r) => r.oldPath === modulePath && (r.oldVersion === undefined || r.oldVersion === version));
    // A directory replacement holds the module whatever version the build picks (go.sum has no line for it).
    if (replace && isDirectoryReplacement(replace)) {
      const dir = path.resolve(root, replace.newPath) + sub;
      return { dir, shown: shownDependencyDir(root, dir) };
    }
    if (version === undefined) return undefined;
    const module = replace ? replace.newPath : modulePath;
    const at = replace?.newVersion ?? version;
    cache ??= moduleCacheDir(env);
    const dir = path.join(cache, `${escapeModulePath(module)}@${escapeModulePath(at)}`) + sub;
    return { dir, shown: `${module}@${at}${sub}`, kept: moduleCachePackage(dir) };
  };
  return (importPath) => {
    // The longest module path that is a prefix of the import path and holds its directory, as go picks.
    const parts = importPath.split("/");
    for (let n = parts.length; n > 0; n--) {
      const modulePath = parts.slice(0, n).join("/");
      if (modulePath === goMod.path) return undefined;
      const found = inModule(modulePath, importPath);
      if (found && isDirectory(found.dir)) return found;
    }
    return undefined;
  };
}

/** Module path -> directory of each directory a go.work uses, from its go.mod's module line. */
function workspaceModules(dirs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of dirs) {
    const text = readOptionalFile(path.join(dir, "go.mod"));
    if (text === undefined) continue;
    const m = /^\s*module\s+"?([^\s"]+)"?/m.exec(text);
    if (m) out.set(m[1]!, dir);
  }
  return out;
}

/** The module cache's case-insensitive-safe spelling: each upper-case letter as `!` and its lower case. */
export function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/**
 * GOMODCACHE as go resolves it: the variable, else the go env file (`go env -w`), else the first
 * GOPATH entry's pkg/mod (GOPATH from the environment, the go env file, or ~/go). Read, not asked
 * of go: `go env` costs more than the whole analysis of a small module.
 */
export function moduleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const file = goEnvFile(env);
  const setting = (name: string) => env[name] || file[name];
  const modCache = setting("GOMODCACHE");
  if (modCache) return modCache;
  const gopath = setting("GOPATH")?.split(path.delimiter).find(Boolean) ?? path.join(env.HOME || homedir(), "go");
  return path.join(gopath, "pkg", "mod");
}

function goEnvFile(env: NodeJS.ProcessEnv): Record<string, string> {
  const file = env.GOENV || path.join(userConfigDir(env), "go", "env");
  const text = file === "off" ? undefined : readOptionalFile(file);
  if (text === undefined) return {};
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) values[m[1]!] = m[2]!.trim();
  }
  return values;
}

/** Go's os.UserConfigDir. */
function userConfigDir(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Application Support");
  if (process.platform === "win32") return env.AppData ?? path.join(home, "AppData", "Roaming");
  return env.XDG_CONFIG_HOME || path.join(home, ".config");
}

/** The highest version of each module whose source go.sum holds a hash of (not only its go.mod). */
function requiredInGoSum(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (readOptionalFile(path.join(root, "go.sum")) ?? "").split("\n")) {
    const [module, version] = line.trim().split(/\s+/);
    if (!module || !version || version.endsWith("/go.mod")) continue;
    const known = out.get(module);
    if (known === undefined || compareModuleVersions(version, known) > 0) out.set(module, version);
  }
  return out;
}

/** Semantic version order (pseudo-versions are pre-releases, so they sort as go sorts them). */
export function compareModuleVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?/.exec(v);
    return m ? { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4]?.split(".") } : { core: [0, 0, 0], pre: [v] };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! - y.core[i]!;
  if (!x.pre || !y.pre) return x.pre ? -1 : y.pre ? 1 : 0;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
