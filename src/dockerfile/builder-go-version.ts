/**
 * The Go release of the builder image (`ARG GO_VERSION`): go.mod's toolchain line, else its go line
 * (the oldest Go that builds the module), raised to the oldest release that has everything the
 * Dockerfile asks of it. A newer Go builds an older module (the go line keeps the language version);
 * an older one fails: golang:1.12's go build has no -trimpath.
 */
import { compareGoVersions } from "../analysis/go-version.js";
import type { ModuleAnalysis } from "../analysis/types.js";
import type { Decision } from "./plan.js";

export const DEFAULT_GO_VERSION = "1.22";

/**
 * The first Go release with each go command flag and setting the generated Dockerfile uses. The
 * generator's tests check that every `go build` flag and `GO*` build arg it writes is listed here.
 */
export const GO_RELEASE_WITH: Readonly<Record<string, string>> = {
  "-o": "1.0",
  "-ldflags": "1.0",
  "-mod": "1.11",
  "-trimpath": "1.13",
  GOPROXY: "1.11",
  GOPRIVATE: "1.13",
  GONOPROXY: "1.13",
  GONOSUMDB: "1.13",
  GOSUMDB: "1.13",
  GOINSECURE: "1.14",
};

/** The golang image has -bookworm variants (the cgo builder's tag) from this release on. */
export const FIRST_BOOKWORM_GOLANG = "1.19";

export interface BuilderUses {
  cgo: boolean;
  /** Build args of the module download step (GOPROXY, GOPRIVATE, …). */
  settings: string[];
}

/** The builder's Go version, with the decision that explains it. */
export function chooseGoVersion(analysis: ModuleAnalysis, uses: BuilderUses, decisions: Decision[]): string {
  const { toolchain, toolchainEvidence, go, goEvidence } = analysis.goMod;
  // go uses a toolchain line only when it is newer than the go line.
  const staleToolchain = toolchain && toolchainEvidence && go && goEvidence && compareGoVersions(toolchain, go) < 0;
  const from = staleToolchain
    ? { version: go, reason: `the go line needs Go ${go} or newer; the toolchain line names an older release, ${toolchain}, which go ignores`, evidence: [goEvidence, toolchainEvidence] }
    : toolchain && toolchainEvidence
      ? { version: toolchain, reason: "the toolchain line names the exact Go release", evidence: [toolchainEvidence] }
      : go && goEvidence
        ? { version: go, reason: "the go line is the oldest Go that builds the module", evidence: [goEvidence] }
        : { version: DEFAULT_GO_VERSION, reason: "go.mod has no go line; add one (go mod edit -go=X)", evidence: [analysis.goMod.pathEvidence] };
  const floor = oldestBuilder(uses);
  if (compareGoVersions(from.version, floor.version) >= 0) {
    decisions.push({ topic: "Go version", choice: from.version, reason: from.reason, evidence: from.evidence });
    return from.version;
  }
  const line = toolchain && toolchainEvidence && !staleToolchain ? `the toolchain line names ${from.version}` : `the go line says ${from.version}, the oldest Go that builds the module`;
  decisions.push({
    topic: "Go version",
    choice: floor.version,
    reason: `${line}, but ${floor.what}: a newer Go builds the module just as well, since its go line still sets the language version`,
    evidence: from.evidence,
  });
  return floor.version;
}

/** The oldest Go release the Dockerfile can build with, and what sets it. */
function oldestBuilder(uses: BuilderUses): { version: string; what: string } {
  const needs = [
    { version: GO_RELEASE_WITH["-trimpath"]!, what: `go build -trimpath (reproducible binaries) arrived in Go ${GO_RELEASE_WITH["-trimpath"]}` },
    ...uses.settings.map((name) => ({ version: GO_RELEASE_WITH[name] ?? "1.0", what: `${name}, which the module download step sets, arrived in Go ${GO_RELEASE_WITH[name]}` })),
    ...(uses.cgo ? [{ version: FIRST_BOOKWORM_GOLANG, what: `the cgo builder's image, golang:<version>-bookworm, exists from Go ${FIRST_BOOKWORM_GOLANG} on` }] : []),
  ];
  return needs.reduce((a, b) => (compareGoVersions(b.version, a.version) > 0 ? b : a));
}
