import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyze, type Evidence, type MainPackage, type ModuleAnalysis } from "../../src/analysis/index.js";
import { SlimgoError } from "../../src/errors.js";
import { skipUnless } from "../support/tools.js";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../test/fixtures");
const fixture = (name: string) => path.join(FIXTURES, name);

const at = (e: Evidence) => `${e.file}:${e.line}`;

/** What a person checks about one main package: every fact, evidence as file:line. */
interface ProgramSummary {
  dir: string;
  binary: string;
  main: string;
  isServer: boolean;
  tlsRoots: string[];
  zoneinfo: string[];
  embeddedTzdata: boolean;
  tmp: string[];
  user: string[];
  cgo: string[];
  cgoDependencies: string[];
  /** import "C" lines a build without cgo leaves out, and the fallback's constraint. */
  cgoOptional: string[];
  ports: string[];
  healthEndpoints: string[];
  healthFlag?: string;
  versionVariables: string[];
  envVariables: string[];
  embeds: string[];
  dataDirectories: string[];
  stateDirectories: string[];
  imports: string[];
}

function summarize(m: MainPackage): ProgramSummary {
  const f = m.facts;
  const s: ProgramSummary = {
    dir: m.dir,
    binary: m.binary,
    main: at(m.evidence),
    isServer: f.isServer,
    tlsRoots: f.needs.tlsRoots.evidence.map(at),
    zoneinfo: f.needs.zoneinfo.evidence.map(at),
    embeddedTzdata: f.needs.zoneinfo.embeddedTzdata,
    tmp: f.needs.tmp.evidence.map(at),
    user: f.needs.user.evidence.map(at),
    cgo: f.cgo.evidence.map(at),
    cgoDependencies: f.cgo.dependencies.map((d) => `${d.module} -> ${d.alternative ?? "none"} @ ${at(d.evidence)}`),
    cgoOptional: (f.cgo.optional ?? []).map(at),
    ports: f.ports.map((p) => `${p.port} ${p.source}${p.envVar ? ` ${p.envVar}` : ""} @ ${at(p.evidence)}`),
    healthEndpoints: f.healthEndpoints.map((h) => `${h.path} @ ${at(h.evidence)}`),
    versionVariables: f.versionVariables.map((v) => `${v.symbol} ${v.role} @ ${at(v.evidence)}`),
    envVariables: f.envVariables.map((e) => `${e.name}=${e.default ?? "(none)"} @ ${at(e.evidence)}`),
    embeds: f.embeds.map((e) => `${e.patterns.join(" ")} @ ${at(e.evidence)}`),
    dataDirectories: f.dataDirectories.map((d) => `${d.path} @ ${at(d.evidence)}`),
    stateDirectories: f.stateDirectories.map((d) => `${d.path} ${d.source}${d.name ? ` ${d.name}` : ""} @ ${at(d.evidence)}`),
    imports: f.imports,
  };
  if (f.healthFlag) s.healthFlag = `${f.healthFlag.name} @ ${at(f.healthFlag.evidence)}`;
  // Needs flags must agree with their evidence.
  assert.equal(f.needs.tlsRoots.needed, s.tlsRoots.length > 0);
  assert.equal(f.needs.tmp.needed, s.tmp.length > 0);
  assert.equal(f.needs.user.needed, s.user.length > 0);
  assert.equal(f.cgo.required, s.cgo.length + s.cgoDependencies.length > 0);
  return s;
}

const NONE = { tlsRoots: [], zoneinfo: [], embeddedTzdata: false, tmp: [], user: [], cgo: [], cgoDependencies: [], cgoOptional: [], ports: [], healthEndpoints: [], versionVariables: [], envVariables: [], embeds: [], dataDirectories: [], stateDirectories: [] };
const SERVER_IMPORTS = ["context", "errors", "fmt", "log", "net/http", "os", "os/signal", "syscall", "time"];
const PORT_8080 = (defaultLine: number) => [`8080 env PORT @ main.go:${defaultLine}`];

/** A root `main.go` server fixture that reads PORT (default 8080) and serves /healthz. */
function rootServer(binary: string, mainLine: number, extra: Partial<ProgramSummary> = {}): ProgramSummary {
  return {
    ...NONE,
    dir: ".",
    binary,
    main: `main.go:${mainLine}`,
    isServer: true,
    ports: PORT_8080(mainLine + 3),
    envVariables: [`PORT=8080 @ main.go:${mainLine + 1}`],
    imports: SERVER_IMPORTS,
    ...extra,
  };
}

interface FixtureExpectation {
  module: string;
  go: string;
  mains: ProgramSummary[];
  primary?: string;
  primaryReason?: RegExp;
  vendor?: string;
  warnings?: string[];
  buildConfigVersionVariables?: string[];
}

const EXPECTED: Record<string, FixtureExpectation> = {
  "root-main": {
    module: "example.com/rootmain",
    go: "1.19",
    primary: ".",
    primaryReason: /module root is a main package \(main\.go:22\)/,
    mains: [
      rootServer("rootmain", 22, {
        healthEndpoints: ["/healthz @ main.go:29"],
        versionVariables: ["main.version version @ main.go:18", "main.commit commit @ main.go:19"],
      }),
    ],
  },
  "multi-cmd": {
    module: "example.com/multi",
    go: "1.19",
    primaryReason: /2 main packages \(\.\/cmd\/api, \.\/cmd\/worker\).*--main/,
    mains: [
      {
        ...NONE,
        dir: "cmd/api",
        binary: "api",
        main: "cmd/api/main.go:18",
        isServer: true,
        tlsRoots: ["internal/upstream/upstream.go:12", "internal/upstream/upstream.go:16", "internal/upstream/upstream.go:20"],
        ports: ["8081 env PORT @ cmd/api/main.go:21"],
        healthEndpoints: ["/health @ cmd/api/main.go:25"],
        envVariables: ["PORT=8081 @ cmd/api/main.go:19"],
        imports: [...SERVER_IMPORTS.slice(0, 2), "example.com/multi/internal/upstream", "fmt", "io", ...SERVER_IMPORTS.slice(3)],
      },
      {
        ...NONE,
        dir: "cmd/worker",
        binary: "worker",
        main: "cmd/worker/main.go:16",
        isServer: false,
        versionVariables: ["main.version version @ cmd/worker/main.go:14"],
        imports: ["context", "flag", "log", "os", "os/signal", "syscall", "time"],
      },
    ],
  },
  vendored: {
    module: "example.com/vendored",
    go: "1.19",
    primary: ".",
    vendor: "vendor/modules.txt:1",
    mains: [{ ...NONE, dir: ".", binary: "vendored", main: "main.go:11", isServer: false, imports: ["example.com/greet", "flag", "fmt"] }],
  },
  "dependency-needs": {
    module: "example.com/depneeds",
    go: "1.19",
    primary: ".",
    vendor: "vendor/modules.txt:1",
    mains: [
      {
        ...NONE,
        dir: ".",
        binary: "depneeds",
        main: "main.go:13",
        isServer: false,
        // The vendored dependency's https calls and time.LoadLocation (through its own zones package) are the program's
        // needs; its windows-only file (os/user) is not in a linux build, and its WORLDCLOCK_SERVICE is not the program's own setting.
        tlsRoots: ["vendor/example.com/worldclock/worldclock.go:14", "vendor/example.com/worldclock/worldclock.go:31", "vendor/example.com/worldclock/worldclock.go:36"],
        zoneinfo: ["vendor/example.com/worldclock/zones/zones.go:8"],
        imports: ["example.com/worldclock", "flag", "fmt", "os"],
      },
    ],
  },
  embed: {
    module: "example.com/embedded",
    go: "1.19",
    primary: ".",
    mains: [
      rootServer("embedded", 24, {
        healthEndpoints: ["/healthz @ main.go:36"],
        // html/template keeps Request.ParseMultipartForm linked, which spills uploads to /tmp.
        tmp: ["main.go:8"],
        embeds: ["dist @ main.go:21"],
        dataDirectories: ["templates @ main.go:41"],
        imports: ["context", "embed", "errors", "html/template", "io/fs", "log", "net/http", "os", "os/signal", "path/filepath", "syscall", "time"],
      }),
    ],
  },
  "tls-client": {
    module: "example.com/tlsclient",
    go: "1.19",
    primary: ".",
    mains: [
      rootServer("tlsclient", 17, {
        tlsRoots: ["main.go:24", "main.go:32"],
        healthEndpoints: ["/healthz @ main.go:28"],
        envVariables: ["PORT=8080 @ main.go:18", "ZEN_URL=https://api.github.com/zen @ main.go:22"],
        imports: [...SERVER_IMPORTS.slice(0, 3), "io", ...SERVER_IMPORTS.slice(3)],
      }),
    ],
  },
  zoneinfo: {
    module: "example.com/zoneinfo",
    go: "1.19",
    primary: ".",
    mains: [rootServer("zoneinfo", 16, { zoneinfo: ["main.go:27"], healthEndpoints: ["/healthz @ main.go:23"] })],
  },
  tempfiles: {
    module: "example.com/tempfiles",
    go: "1.19",
    primary: ".",
    mains: [
      rootServer("tempfiles", 18, {
        tmp: ["main.go:29"],
        healthEndpoints: ["/healthz @ main.go:25"],
        envVariables: ["PORT=8080 @ main.go:19", "DATA_DIR=/var/lib/tempfiles @ main.go:45"],
        // The /keep handler writes under DATA_DIR, whose default no non-root user could create.
        stateDirectories: ["/var/lib/tempfiles env DATA_DIR @ main.go:47"],
        imports: [...SERVER_IMPORTS.slice(0, 3), "io", ...SERVER_IMPORTS.slice(3, 7), "path/filepath", ...SERVER_IMPORTS.slice(7)],
      }),
    ],
  },
  "health-flag": {
    module: "example.com/healthflag",
    go: "1.19",
    primary: ".",
    mains: [
      {
        // The probe's http.Client only talks to http://127.0.0.1, so no TLS roots.
        ...rootServer("healthflag", 17),
        ports: ["8080 env PORT @ main.go:22"],
        envVariables: ["PORT=8080 @ main.go:20"],
        healthEndpoints: ["/healthz @ main.go:30"],
        healthFlag: "health @ main.go:18",
        imports: ["context", "errors", "flag", "fmt", "log", "net/http", "os", "os/signal", "syscall", "time"],
      },
    ],
  },
  cgo: {
    module: "example.com/cgosum",
    go: "1.19",
    primary: ".",
    mains: [{ ...NONE, dir: ".", binary: "cgosum", main: "main.go:16", isServer: false, cgo: ["main.go:9"], imports: ["flag", "fmt"] }],
  },  "cgo-optional": {
    module: "example.com/cgooptional",
    go: "1.19",
    primary: ".",
    // The build without cgo compiles (adler_nocgo.go declares what adler_cgo.go did), so its files are the facts.
    mains: [{ ...NONE, dir: ".", binary: "cgooptional", main: "main.go:10", isServer: false, cgoOptional: ["adler_cgo.go:18", "adler_nocgo.go:1"], imports: ["fmt", "hash/adler32", "io", "os"] }],
  },

  "cli-tool": {
    module: "example.com/wordcount",
    go: "1.19",
    primary: ".",
    mains: [
      {
        ...NONE,
        dir: ".",
        binary: "wordcount",
        main: "main.go:15",
        isServer: false,
        versionVariables: ["main.version version @ main.go:13"],
        imports: ["bufio", "flag", "fmt", "io", "os", "strings"],
      },
    ],
  },
  "toolchain-line": {
    module: "example.com/toolchainline",
    go: "1.21",
    primary: ".",
    buildConfigVersionVariables: ["main.version version @ Makefile:5", "main.commit commit @ Makefile:5"],
    mains: [
      {
        ...NONE,
        dir: ".",
        binary: "toolchainline",
        main: "main.go:13",
        isServer: false,
        cgoDependencies: ["github.com/mattn/go-sqlite3 -> modernc.org/sqlite @ main.go:10"],
        imports: ["database/sql", "example.com/lib", "fmt", "github.com/mattn/go-sqlite3", "log"],
      },
    ],
  },
};

function checkAnalysis(name: string, a: ModuleAnalysis, ex: FixtureExpectation): void {
  assert.equal(a.root, fixture(name));
  assert.equal(a.goMod.path, ex.module);
  assert.equal(a.goMod.go, ex.go);
  assert.deepEqual(a.mainPackages.map(summarize), ex.mains);
  assert.equal(a.primary?.dir, ex.primary);
  if (ex.primaryReason) assert.match(a.primaryReason, ex.primaryReason);
  assert.equal(a.vendored, ex.vendor !== undefined);
  assert.equal(a.vendorEvidence && at(a.vendorEvidence), ex.vendor);
  assert.deepEqual(
    a.buildConfigVersionVariables.map((v) => `${v.symbol} ${v.role} @ ${at(v.evidence)}`),
    ex.buildConfigVersionVariables ?? [],
  );
}

const goSkip = skipUnless("go");

for (const [name, ex] of Object.entries(EXPECTED)) {
  describe(`fixture ${name}`, () => {
    test("scanner engine finds the expected facts", async () => {
      const a = await analyze(fixture(name), { engine: "scanner" });
      assert.equal(a.engine, "scanner");
      checkAnalysis(name, a, ex);
      assert.deepEqual(a.warnings, ex.warnings ?? []);
    });

    test("go list engine finds the same facts", { skip: goSkip }, async () => {
      // Go 1.19 cannot read a go.mod with a toolchain line: "auto" falls back and says so ("go-list" would fail).
      const a = await analyze(fixture(name), { engine: name === "toolchain-line" ? "auto" : "go-list" });
      checkAnalysis(name, a, ex);
      if (name === "toolchain-line") {
        assert.equal(a.engine, "scanner");
        assert.match(a.warnings[0] ?? "", /^go list failed \(.*go\.mod:\d+.*\): used slimgo's scanner/);
        assert.equal(a.warnings.length, 1);
      } else {
        assert.equal(a.engine, "go-list");
        assert.deepEqual(a.warnings, ex.warnings ?? []);
      }
    });
  });
}

describe("fixture toolchain-line go.mod and go.work", () => {
  test("reads toolchain, requires, replaces and the workspace", async () => {
    const a = await analyze(fixture("toolchain-line"), { engine: "scanner" });
    assert.equal(a.goMod.toolchain, "1.21.5");
    assert.equal(a.goMod.toolchainEvidence?.line, 6);
    assert.deepEqual(
      a.goMod.requires.map((r) => [r.path, r.version, r.indirect, r.evidence.line]),
      [
        ["github.com/mattn/go-sqlite3", "v1.14.22", false, 9],
        ["golang.org/x/sync", "v0.7.0", true, 10],
        ["example.com/lib", "v0.0.0", false, 13],
      ],
    );
    assert.deepEqual(
      a.goMod.replaces.map((r) => [r.oldPath, r.oldVersion, r.newPath, r.newVersion, r.evidence.line]),
      [
        ["example.com/lib", undefined, "./lib", undefined, 15],
        ["golang.org/x/sync", "v0.7.0", "golang.org/x/sync", "v0.6.0", 18],
        ["example.com/old", undefined, "example.com/new", "v1.2.3", 19],
      ],
    );
    assert.equal(a.goWork?.file, "go.work");
    assert.equal(a.goWork?.go, "1.21");
    assert.deepEqual(a.goWork?.uses.map((u) => [u.dir, at(u.evidence)]), [[".", "go.work:4"], ["./lib", "go.work:5"]]);
  });
});

test("a module reached through a symlink lists its packages relative to that path (go list engine)", { skip: goSkip }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "slimgo-symlink-"));
  try {
    cpSync(fixture("multi-cmd"), path.join(dir, "real"), { recursive: true });
    symlinkSync(path.join(dir, "real"), path.join(dir, "link"));
    const a = await analyze(path.join(dir, "link"), { engine: "go-list" });
    assert.equal(a.engine, "go-list");
    assert.deepEqual(a.mainPackages.map((m) => m.dir), ["cmd/api", "cmd/worker"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("bad input", () => {
  for (const engine of ["scanner", "go-list"] as const) {
    test(`malformed go.mod is a usage error naming go.mod:5 (${engine})`, async () => {
      await assert.rejects(analyze(fixture("malformed-gomod"), { engine }), (err: unknown) => {
        assert.ok(err instanceof SlimgoError);
        assert.equal(err.exitCode, 2);
        assert.match(err.message, /go\.mod:5: unknown directive "requre"/);
        return true;
      });
    });
  }

  test("a go.work directory outside any module names the workspace's modules to run slimgo in", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slimgo-gowork-"));
    try {
      writeFileSync(path.join(dir, "go.work"), "go 1.19\n\nuse (\n\t./api\n\t./lib\n)\n");
      await assert.rejects(analyze(dir), (err: unknown) => {
        assert.ok(err instanceof SlimgoError);
        assert.equal(err.exitCode, 2);
        assert.equal(err.message, `no go.mod in ${dir} or its parents: ${path.join(dir, "go.work")} is a workspace, not a module: run slimgo in one of its modules (./api, ./lib)`);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a directory outside any module says to run slimgo in a Go module", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slimgo-nomod-"));
    try {
      await assert.rejects(analyze(dir), (err: unknown) => {
        assert.ok(err instanceof SlimgoError);
        assert.equal(err.exitCode, 2);
        assert.equal(err.message, `no go.mod in ${dir} or its parents: run slimgo in a Go module`);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("module root and engine choice", () => {
  test("a directory below the module root analyses the whole module", async () => {
    const a = await analyze(path.join(fixture("multi-cmd"), "cmd", "api"), { engine: "scanner" });
    assert.equal(a.root, fixture("multi-cmd"));
    assert.deepEqual(a.mainPackages.map((m) => m.dir), ["cmd/api", "cmd/worker"]);
  });

  test("without a go binary the scanner answers and a warning says so", async () => {
    const a = await analyze(fixture("root-main"), { goBinary: "/nonexistent/go" });
    assert.equal(a.engine, "scanner");
    assert.deepEqual(a.warnings, ["go is not installed: used slimgo's scanner of Go source instead of go list"]);
    assert.equal(a.primary?.binary, "rootmain");
  });

  test("engine go-list is go list or an input error, never the scanner in its place", async () => {
    await assert.rejects(analyze(fixture("root-main"), { engine: "go-list", goBinary: "/nonexistent/go" }), (err: SlimgoError) => {
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /^--engine go-list: go is not installed: install Go or fix what go list says, or use --engine auto/);
      return true;
    });
  });
});
