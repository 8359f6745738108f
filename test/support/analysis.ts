import type { MainPackage, ModuleAnalysis, ProgramFacts } from "../../src/analysis/types.js";

/** Program facts for a plain static program with no run-time needs; override what a test is about. */
export function programFacts(overrides: Partial<ProgramFacts> = {}): ProgramFacts {
  const none = { needed: false, evidence: [] };
  return {
    needs: { tlsRoots: none, zoneinfo: { ...none, embeddedTzdata: false }, tmp: none, user: none },
    cgo: { required: false, evidence: [], dependencies: [] },
    ports: [],
    healthEndpoints: [],
    versionVariables: [],
    envVariables: [],
    embeds: [],
    dataDirectories: [],
    stateDirectories: [],
    imports: [],
    sourceFiles: [],
    packageLevelNames: [],
    isServer: false,
    externalCommands: [],
    ...overrides,
  };
}

export function mainPackage(dir: string, binary: string, facts: Partial<ProgramFacts> = {}): MainPackage {
  const file = dir === "." ? "main.go" : `${dir}/main.go`;
  return { dir, importPath: `example.com/app${dir === "." ? "" : `/${dir}`}`, binary, evidence: { file, line: 3 }, facts: programFacts(facts) };
}

/** A hand-written ModuleAnalysis for tests that need one without a module on disk. */
export function moduleAnalysis(mains: MainPackage[], overrides: Partial<ModuleAnalysis> = {}): ModuleAnalysis {
  return {
    root: "/src/app",
    engine: "scanner",
    goMod: { path: "example.com/app", pathEvidence: { file: "go.mod", line: 1 }, go: "1.19", goEvidence: { file: "go.mod", line: 3 }, requires: [], replaces: [] },
    vendored: false,
    mainPackages: mains,
    primary: mains.length === 1 ? mains[0] : undefined,
    primaryReason: "test",
    buildConfigVersionVariables: [],
    warnings: [],
    ...overrides,
  };
}
