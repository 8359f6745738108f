import type { ModuleAnalysis, ProgramFacts, RuntimeNeed } from "../../../src/analysis/types.js";
import { mainPackage, moduleAnalysis } from "../../support/analysis.js";

const none = (): RuntimeNeed => ({ needed: false, evidence: [] });
const needed = (file: string, line: number): RuntimeNeed => ({ needed: true, evidence: [{ file, line }] });

export interface FakeModuleOptions {
  go?: string;
  toolchain?: string;
  requires?: number;
  vendored?: boolean;
  tls?: boolean;
  zoneinfo?: boolean;
  embeddedTzdata?: boolean;
  tmp?: boolean;
  cgo?: boolean;
  mainDirs?: string[];
  /** Directories go.mod replaces modules with (`replace example.com/repN => DIR`, lines 10 on). */
  replaces?: string[];
  /** Defaults to the working directory, so messages name the module's files as the tables write them (main.go:12). */
  root?: string;
}

/** A hand-built ModuleAnalysis for rule tests: only the facts a test names are set. */
export function fakeModule(o: FakeModuleOptions = {}): ModuleAnalysis {
  const facts: Partial<ProgramFacts> = {
    needs: {
      tlsRoots: o.tls ? needed("main.go", 12) : none(),
      zoneinfo: { ...(o.zoneinfo ? needed("main.go", 20) : none()), embeddedTzdata: o.embeddedTzdata ?? false },
      tmp: o.tmp ? needed("main.go", 30) : none(),
      user: none(),
    },
    cgo: { required: o.cgo ?? false, evidence: o.cgo ? [{ file: "sqlite.go", line: 3 }] : [], dependencies: [] },
    isServer: true,
  };
  const mains = (o.mainDirs ?? ["."]).map((dir) => mainPackage(dir, dir === "." ? "app" : dir.split("/").pop() ?? "app", facts));
  const analysis = moduleAnalysis(mains, { root: o.root ?? process.cwd(), vendored: o.vendored ?? false, primaryReason: "only main package" });
  analysis.goMod.go = o.go ?? "1.19";
  analysis.goMod.requires = Array.from({ length: o.requires ?? 1 }, (_, i) => ({ path: `example.com/dep${i}`, version: "v1.0.0", indirect: false, evidence: { file: "go.mod", line: 5 + i } }));
  if (o.toolchain !== undefined) analysis.goMod.toolchain = o.toolchain;
  analysis.goMod.replaces = (o.replaces ?? []).map((newPath, i) => ({ oldPath: `example.com/rep${i}`, newPath, evidence: { file: "go.mod", line: 10 + i } }));
  return analysis;
}
