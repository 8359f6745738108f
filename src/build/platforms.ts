import { inputError } from "../errors.js";
import type { Platform } from "../image/types.js";

/** `--platform all`: the Linux platforms Go services are commonly shipped for. */
export const COMMON_PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le", "linux/s390x", "linux/riscv64"];

const GOARCH_BY_NODE_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64", ia32: "386" };
const KNOWN_ARCH = new Set(["amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le", "loong64"]);

/**
 * The variants each architecture takes, and the Go setting each one is built with: go build
 * would otherwise make the baseline binary (GOAMD64=v1, GOARM=7) under a name that promises more.
 * arm64/v8 is the baseline itself (Go 1.19 has no GOARM64).
 */
const VARIANTS: Record<string, { variants: string[]; goEnv?: string }> = {
  amd64: { variants: ["v1", "v2", "v3", "v4"], goEnv: "GOAMD64" },
  arm: { variants: ["v5", "v6", "v7"], goEnv: "GOARM" },
  arm64: { variants: ["v8"] },
};

/** "amd64 v1, v2, v3, v4 (GOAMD64); arm v5, v6, v7 (GOARM); arm64 v8". */
function acceptedVariants(): string {
  return Object.entries(VARIANTS)
    .map(([arch, { variants, goEnv }]) => `${arch} ${variants.join(", ")}${goEnv ? ` (${goEnv})` : ""}`)
    .join("; ");
}

/** The build host's platform: the default, so an ARM laptop builds ARM images. */
export function hostPlatform(): Platform {
  const architecture = GOARCH_BY_NODE_ARCH[process.arch] ?? process.arch;
  return architecture === "arm" ? { os: "linux", architecture, variant: "v7" } : { os: "linux", architecture };
}

/**
 * Parses `linux/amd64,linux/arm64`, `all`, or nothing (the host's platform). `named` says where a
 * value came from in an error, by its index in `spec`: `--platform linux/foo` unless told otherwise.
 * A platform that names no variant gets the one `goSettings` (the environment go build runs with)
 * builds for, so that the image says what the binary is: GOAMD64=v3 makes linux/amd64 linux/amd64/v3
 * (v1 is plain amd64), GOARM=6 makes linux/arm linux/arm/v6 (else v7). A variant the platform names
 * wins, as goEnvFor sets it over those settings.
 */
export function parsePlatforms(
  spec: string | string[] | undefined,
  named: (value: string, index: number) => string = (value) => `--platform ${value}`,
  goSettings: Record<string, string | undefined> = {},
): Platform[] {
  const given = Array.isArray(spec) ? spec : spec === undefined ? [] : [spec];
  const items = given.flatMap((s, index) => s.split(",").map((item) => ({ item: item.trim(), index, list: s })));
  // `--platform "$A,$B"` with B unset would build one platform where two were meant.
  const empty = items.find(({ item, list }) => item === "" && list.trim() !== "");
  if (empty) throw inputError(`${named(empty.list, empty.index)}: an empty platform between commas: remove the extra comma, or set the variable meant to fill it`);
  if (items.every(({ item }) => item === "")) return [withSettingsVariant({ os: "linux", architecture: hostPlatform().architecture }, goSettings)];
  const expanded = items.filter(({ item }) => item !== "").flatMap((s) => (s.item === "all" ? COMMON_PLATFORMS.map((item) => ({ item, index: s.index })) : [s]));
  const seen = new Map<string, Platform>();
  for (const { item, index } of expanded) {
    const [os, architecture, variant, extra] = item.split("/");
    if (os !== "linux" || !architecture || extra !== undefined || !KNOWN_ARCH.has(architecture)) {
      throw inputError(`${named(item, index)}: expected linux/ARCH[/VARIANT] with ARCH one of ${[...KNOWN_ARCH].join(", ")}, or "all"`);
    }
    if (variant !== undefined && !VARIANTS[architecture]?.variants.includes(variant)) {
      throw inputError(`${named(item, index)}: ${architecture} has no variant "${variant}": the variants are ${acceptedVariants()}; other architectures take none`);
    }
    const platform: Platform = variant ? { os, architecture, variant } : withSettingsVariant({ os, architecture }, goSettings);
    seen.set(platformKey(platform), platform);
  }
  return [...seen.values()];
}

/** A platform without a variant, with the one GOAMD64 or GOARM in `goSettings` selects (arm: v7 by default). */
function withSettingsVariant(platform: Platform, goSettings: Record<string, string | undefined>): Platform {
  if (platform.architecture === "amd64") {
    const level = goSettings.GOAMD64?.trim();
    return level !== undefined && level !== "v1" && VARIANTS.amd64!.variants.includes(level) ? { ...platform, variant: level } : platform;
  }
  if (platform.architecture === "arm") {
    // GOARM=6, or with a float mode as newer Go takes it: 6,softfloat.
    const version = /^([5-7])(,|$)/.exec(goSettings.GOARM?.trim() ?? "")?.[1];
    return { ...platform, variant: `v${version ?? "7"}` };
  }
  return platform;
}

/** What an entry without a variant is, as containerd reads it: arm is v7, arm64 v8, amd64 v1. */
const DEFAULT_VARIANT: Record<string, string> = { amd64: "v1", arm: "v7", arm64: "v8" };

/**
 * How well an image for `candidate` serves as the base of a binary for `wanted`: 0 is the same
 * variant, then each older variant the CPU also runs (arm/v7 takes v6, then v5; amd64/v3 takes
 * v2, then v1), as containerd orders them; undefined when it does not run there (a newer variant,
 * another architecture). Of two spellings of one variant (arm64, arm64/v8) the wanted one comes first.
 */
export function baseRank(candidate: Platform, wanted: Platform): number | undefined {
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return undefined;
  const spelling = candidate.variant === wanted.variant ? 0 : 1;
  const order = VARIANTS[wanted.architecture]?.variants ?? [];
  const has = order.indexOf(candidate.variant ?? DEFAULT_VARIANT[wanted.architecture] ?? "");
  const needs = order.indexOf(wanted.variant ?? DEFAULT_VARIANT[wanted.architecture] ?? "");
  if (has < 0 || needs < 0) return candidate.variant === wanted.variant ? 0 : undefined;
  return has > needs ? undefined : 2 * (needs - has) + spelling;
}

export function platformKey(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

/** GOOS/GOARCH, and GOAMD64 (v1-v4) or GOARM (5-7) for a variant. */
export function goEnvFor(p: Platform): Record<string, string> {
  const env: Record<string, string> = { GOOS: p.os, GOARCH: p.architecture };
  if (p.architecture === "arm") env.GOARM = (p.variant ?? "v7").replace(/^v/, "");
  if (p.architecture === "amd64" && p.variant !== undefined) env.GOAMD64 = p.variant;
  return env;
}
