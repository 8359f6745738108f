/**
 * Decides what the module download step needs beyond public modules: the developer's GOPROXY,
 * GOPRIVATE and related settings as build args, and ~/.netrc as a build secret, when go.mod
 * requires a module those settings name or the modules come through a company proxy. Pure: the
 * settings are read beforehand (analysis/module-fetch-settings.ts).
 */
import type { Evidence, GoModFile } from "../analysis/types.js";
import { matchingModulePattern } from "../analysis/module-patterns.js";
import { MODULE_FETCH_SETTINGS, type ModuleFetchSettingName, type ModuleFetchSettings } from "../analysis/module-fetch-settings.js";
import type { Decision } from "./plan.js";

/** The build secret the download step reads credentials from, where go and git look for them (the builder runs as root). */
export const NETRC_SECRET = { id: "netrc", target: "/root/.netrc", hostFile: "~/.netrc" } as const;

/** How a user builds with the secret; BuildKit and podman take the same flag. */
export const NETRC_BUILD_COMMAND = `docker build --secret id=${NETRC_SECRET.id},src=$HOME/.netrc .`;

export interface ModuleFetchPlan {
  /** Build args set before the download step, credentials removed. */
  args: { name: ModuleFetchSettingName; value: string }[];
  /** Modules go fetches straight from their repositories (GONOPROXY): the builder needs git. */
  installGit: boolean;
}

interface MatchedRequirement {
  path: string;
  evidence: Evidence;
  /** Setting name to the pattern in it that matched. */
  matches: Partial<Record<ModuleFetchSettingName, string>>;
}

const PATTERN_SETTINGS = ["GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"] as const;

/**
 * The plan for a module whose download step runs (not vendored, something required), or
 * undefined when public defaults do. `decisions` receives the explanation.
 */
export function planModuleFetch(goMod: GoModFile, settings: ModuleFetchSettings, builder: { hasGit: boolean }, decisions: Decision[]): ModuleFetchPlan | undefined {
  const matched = matchedRequirements(goMod, settings);
  const proxy = settings.GOPROXY;
  const isPrivate = (m: MatchedRequirement) => m.matches.GOPRIVATE !== undefined || m.matches.GONOPROXY !== undefined || m.matches.GONOSUMDB !== undefined;
  const privateModules = matched.filter(isPrivate);
  if (privateModules.length === 0 && !proxy) return undefined;

  const evidence = privateModules.map((m) => m.evidence);
  const args: ModuleFetchPlan["args"] = [];
  for (const name of MODULE_FETCH_SETTINGS) {
    const setting = settings[name];
    if (!setting) continue;
    const { value, removed } = withoutCredentials(setting.value);
    args.push({ name, value });
    const users = matched.filter((m) => m.matches[name] !== undefined);
    const why = describeSetting(name, users);
    decisions.push({
      topic: "module fetch",
      choice: `ARG ${name}=${value}`,
      reason: `${why} (${setting.source}); the download step reads it, and --build-arg ${name}=... overrides it` +
        (removed ? `; the user:password in its URL was removed: the build reads credentials from the netrc secret (machine ${removed.join(", ")} in ~/.netrc)` : ""),
      evidence: users.map((m) => m.evidence),
    });
  }
  decisions.push({
    topic: "module fetch",
    choice: `~/.netrc as the build secret "${NETRC_SECRET.id}", mounted at ${NETRC_SECRET.target} for the module download only`,
    reason: `${privateModules.length > 0 ? `${list(privateModules.map((m) => m.path))} ${privateModules.length === 1 ? "is" : "are"} private` : "modules come through a company proxy"}; ` +
      `a build secret never lands in a layer (an ARG or COPY of a token would): build with ${NETRC_BUILD_COMMAND} (podman build takes the same flag); without the secret the build still runs, for public modules`,
    evidence,
  });
  const allDirect = proxy?.value.split(/[,|]/)[0] === "direct";
  const direct = privateModules.filter((m) => allDirect || m.matches.GONOPROXY !== undefined);
  const installGit = direct.length > 0 && !builder.hasGit;
  if (installGit) {
    decisions.push({
      topic: "module fetch",
      choice: "git added to the builder",
      reason: `${list(direct.map((m) => m.path))} bypass${direct.length === 1 ? "es" : ""} the proxy (${allDirect ? "GOPROXY=direct" : "GONOPROXY"}), so go clones ${direct.length === 1 ? "it" : "them"} with git, which the Alpine golang image lacks`,
      evidence: direct.map((m) => m.evidence),
    });
  }
  return { args, installGit };
}

/** A vendored module downloads nothing: say so when go.mod names private modules, so the user knows no secret is needed. */
export function vendoredPrivateModules(goMod: GoModFile, settings: ModuleFetchSettings): Decision | undefined {
  const matched = matchedRequirements(goMod, settings);
  if (matched.length === 0) return undefined;
  return {
    topic: "module fetch",
    choice: "no credentials or proxy settings",
    reason: `${list(matched.map((m) => m.path))} ${matched.length === 1 ? "is" : "are"} private, but vendor/ holds every module, so the build downloads nothing`,
    evidence: matched.map((m) => m.evidence),
  };
}

/** Requirements (after module replacements; local directories are not fetched) that a pattern setting names. */
function matchedRequirements(goMod: GoModFile, settings: ModuleFetchSettings): MatchedRequirement[] {
  const patterns: Partial<Record<ModuleFetchSettingName, string>> = {};
  for (const name of PATTERN_SETTINGS) if (settings[name]) patterns[name] = settings[name]!.value;
  // GONOPROXY and GONOSUMDB default to GOPRIVATE; the settings hold them only when they differ.
  patterns.GONOPROXY ??= patterns.GOPRIVATE;
  patterns.GONOSUMDB ??= patterns.GOPRIVATE;
  const out: MatchedRequirement[] = [];
  for (const r of goMod.requires) {
    const replace = goMod.replaces.find((p) => p.oldPath === r.path && (p.oldVersion === undefined || p.oldVersion === r.version));
    if (replace && isLocalPath(replace.newPath)) continue;
    const fetched = replace?.newPath ?? r.path;
    const matches: MatchedRequirement["matches"] = {};
    for (const name of PATTERN_SETTINGS) {
      const pattern = patterns[name] && matchingModulePattern(patterns[name]!, fetched);
      if (pattern !== undefined) matches[name] = pattern;
    }
    if (Object.keys(matches).length > 0) out.push({ path: fetched, evidence: r.evidence, matches });
  }
  return out;
}

function describeSetting(name: ModuleFetchSettingName, users: MatchedRequirement[]): string {
  if (users.length > 0) {
    const patterns = [...new Set(users.map((m) => m.matches[name]!))];
    return `${list(users.map((m) => m.path))} ${users.length === 1 ? "matches" : "match"} ${patterns.join(", ")}`;
  }
  if (name === "GOPROXY") return "modules come through this proxy";
  if (name === "GOSUMDB") return "checksums are checked against this database";
  return "set for the go command";
}

/** `https://user:token@host/path` -> `https://host/path`, in every URL of a list (GOPROXY, GOSUMDB). */
export function withoutCredentials(value: string): { value: string; removed?: string[] } {
  const hosts: string[] = [];
  const stripped = value.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/,|\s]*@([^/:,|\s]*)/gi, (_m, scheme: string, host: string) => {
    hosts.push(host);
    return `${scheme}${host}`;
  });
  return hosts.length > 0 ? { value: stripped, removed: hosts } : { value: stripped };
}

function isLocalPath(p: string): boolean {
  return p.startsWith("./") || p.startsWith("../") || p.startsWith("/") || p === "." || p === "..";
}

function list(items: string[]): string {
  const shown = items.slice(0, 3).join(", ");
  return items.length > 3 ? `${shown} and ${items.length - 3} more` : shown;
}
