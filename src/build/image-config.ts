import type { ContainerConfig, HealthConfig } from "../image/types.js";
import { BASE_DIGEST, BASE_NAME } from "../image/annotations.js";
import type { VersionInfo } from "./version-info.js";

export interface ImageSettings {
  binaryPath: string;
  /** Arguments after the entrypoint (Cmd). */
  args: string[];
  user: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  ports: number[];
  healthcheck?: string[];
}

const SECOND = 1_000_000_000;

/**
 * The container config: exec-form entrypoint, numeric non-root user, sorted env and labels.
 * Merged over a --base's config, so each field a base may set is given here; undefined removes it.
 * As docker build does for `FROM base` + `ENTRYPOINT`, the base's Cmd goes (it was the base
 * program's arguments, and would become this one's) and OnBuild triggers are not inherited.
 * Unlike docker, its Healthcheck, StopSignal and ExposedPorts go too: they describe the base's
 * program (a Go program given the SIGQUIT of an nginx base dumps its goroutines instead of stopping).
 * Env is merged over the base's (its PATH stays); Volumes are kept, as docker keeps them. Labels
 * are slimgo's only: the base's (org.opencontainers.image.title, source, ...) describe the base.
 */
export function containerConfig(settings: ImageSettings, baseEnv: string[] = []): ContainerConfig {
  const env = new Map<string, string>();
  for (const e of baseEnv) {
    const i = e.indexOf("=");
    if (i > 0) env.set(e.slice(0, i), e.slice(i + 1));
  }
  if (!env.has("PATH")) env.set("PATH", "/usr/local/bin:/usr/bin:/bin");
  for (const [k, v] of Object.entries(settings.env)) env.set(k, v);
  const config: ContainerConfig = {
    User: settings.user,
    Entrypoint: [settings.binaryPath],
    Env: [...env].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`),
    WorkingDir: "/",
    Labels: settings.labels,
    Cmd: settings.args.length > 0 ? settings.args : undefined,
    ExposedPorts: settings.ports.length > 0 ? Object.fromEntries(settings.ports.map((p) => [`${p}/tcp`, {}])) : undefined,
    Healthcheck: settings.healthcheck ? healthConfig(settings.healthcheck) : undefined,
    StopSignal: undefined,
    OnBuild: undefined,
  };
  return config;
}

/**
 * Top-level config fields of a --base that describe it and not the image made on it: who maintains
 * it (`author`, from MAINTAINER) and the container docker build last ran to make it.
 */
export const BASE_ONLY_FIELDS = { author: undefined, container: undefined, container_config: undefined, docker_version: undefined } as const;

export function healthConfig(command: string[]): HealthConfig {
  return { Test: ["CMD", ...command], Interval: 30 * SECOND, Timeout: 5 * SECOND, StartPeriod: 5 * SECOND, Retries: 3 };
}

/** OCI labels (config) and annotations (manifest) that say where the image came from. */
export function provenance(info: VersionInfo, base?: { name: string; digest: string }): Record<string, string> {
  const out: Record<string, string> = {
    "org.opencontainers.image.created": info.created,
    "org.opencontainers.image.revision": info.commit,
    "org.opencontainers.image.version": info.version,
  };
  if (info.source) out["org.opencontainers.image.source"] = info.source;
  if (base) {
    out[BASE_NAME] = base.name;
    out[BASE_DIGEST] = base.digest;
  }
  return out;
}
