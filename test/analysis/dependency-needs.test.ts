/**
 * Run-time needs that come from third-party code: the dependency's source is found in the module
 * cache (GOMODCACHE, escaped paths), through go.sum for an older go.mod, and through a replacement
 * directory, and only the packages the program imports count. The vendored case is the
 * dependency-needs fixture (test/analysis/fixtures.test.ts).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { analyze, type Evidence, type MainPackage } from "../../src/analysis/index.js";
import { compareModuleVersions, escapeModulePath, moduleCacheDir } from "../../src/analysis/dependency-source.js";
import { SourceCache } from "../../src/analysis/package-graph.js";
import { runSlimgo } from "../support/cli.js";
import { mayShowNeedsInTokens, runtimeNeeds } from "../../src/analysis/runtime-needs.js";
import { scanGoSource } from "../../src/analysis/go-source.js";
import { moduleZip } from "../support/module-proxy.js";
import { runTool } from "../support/podman.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipUnless } from "../support/tools.js";

const temps = tempDirs();
// The temp module caches below are kept scans of their own: they go in a temp cache, not the user's.
before(async () => {
  process.env.SLIMGO_CACHE_DIR = await temps.make("slimgo-cache-");
});
const at = (e: Evidence) => `${e.file}:${e.line}`;

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
}

/** The program: its own code calls the dependencies and does nothing that needs the image's files. */
const APP = {
  "go.mod": "module example.com/app\n\ngo 1.16\n\nrequire (\n\texample.com/Clock v1.2.0\n\texample.com/lib v0.0.0\n)\n\nreplace example.com/lib => ../lib\n",
  "main.go": 'package main\n\nimport (\n\t"fmt"\n\n\tclock "example.com/Clock"\n\t"example.com/lib"\n)\n\nfunc main() {\n\tfmt.Println(clock.Now(), lib.Ping())\n}\n',
};

/** example.com/Clock v1.2.0: an upper-case module path, which the module cache spells example.com/!clock. */
const CLOCK = {
  "go.mod": "module example.com/Clock\n\ngo 1.16\n\nrequire example.com/tzhelper v0.1.0\n",
  "clock.go": 'package clock\n\nimport "example.com/tzhelper"\n\nconst api = "https://clock.example/now"\n\nfunc Now() string { return tzhelper.Zone().String() + api }\n',
  // Not in a linux build.
  "spool_windows.go": 'package clock\n\nimport "os"\n\nfunc spool() { os.CreateTemp("", "clock") }\n',
  // A package of the module that the program does not import.
  "users/users.go": 'package users\n\nimport "os/user"\n\nfunc Me() { user.Current() }\n',
};

const TZHELPER = {
  "go.mod": "module example.com/tzhelper\n\ngo 1.16\n",
  "tz.go": 'package tzhelper\n\nimport "time"\n\nfunc Zone() *time.Location {\n\tloc, _ := time.LoadLocation("Europe/Madrid")\n\treturn loc\n}\n',
};

const LIB = {
  "go.mod": "module example.com/lib\n\ngo 1.16\n",
  "lib.go": 'package lib\n\nimport "net/http"\n\nfunc Ping() error {\n\t_, err := http.Get("https://lib.example/ping")\n\treturn err\n}\n',
};

const EXPECTED = {
  tlsRoots: ["../lib/lib.go:6", "example.com/Clock@v1.2.0/clock.go:5"],
  zoneinfo: ["example.com/tzhelper@v0.1.0/tz.go:6"],
  tmp: [],
  user: [],
};

function needs(m: MainPackage | undefined) {
  const n = m!.facts.needs;
  return { tlsRoots: n.tlsRoots.evidence.map(at), zoneinfo: n.zoneinfo.evidence.map(at), tmp: n.tmp.evidence.map(at), user: n.user.evidence.map(at) };
}

async function withModuleCache<T>(cache: string, run: () => Promise<T>): Promise<T> {
  const saved = process.env.GOMODCACHE;
  process.env.GOMODCACHE = cache;
  try {
    return await run();
  } finally {
    if (saved === undefined) delete process.env.GOMODCACHE;
    else process.env.GOMODCACHE = saved;
  }
}

describe("run-time needs of dependencies in the module cache", () => {
  test("the scanner reads the imported packages of the versions go.mod and go.sum require, and a replacement directory", async () => {
    const work = await temps.make("slimgo-depcache-");
    const cache = join(work, "modcache");
    await writeTree(join(work, "app"), {
      ...APP,
      // go 1.16 lists direct requirements only: tzhelper's version comes from go.sum, whose highest downloaded one wins.
      "go.sum": [
        "example.com/Clock v1.2.0 h1:AAAA=",
        "example.com/Clock v1.2.0/go.mod h1:AAAA=",
        "example.com/tzhelper v0.0.9 h1:AAAA=",
        "example.com/tzhelper v0.0.9/go.mod h1:AAAA=",
        "example.com/tzhelper v0.1.0 h1:AAAA=",
        "example.com/tzhelper v0.1.0/go.mod h1:AAAA=",
        "example.com/tzhelper v0.2.0/go.mod h1:AAAA=",
        "",
      ].join("\n"),
    });
    await writeTree(join(work, "lib"), LIB);
    await writeTree(join(cache, "example.com/!clock@v1.2.0"), CLOCK);
    await writeTree(join(cache, "example.com/tzhelper@v0.1.0"), TZHELPER);
    await writeTree(join(cache, "example.com/tzhelper@v0.0.9"), { "tz.go": "package tzhelper\n\nimport \"time\"\n\nfunc Zone() *time.Location { return time.UTC }\n" });

    const a = await withModuleCache(cache, () => analyze(join(work, "app"), { engine: "scanner" }));
    assert.deepEqual(needs(a.primary), EXPECTED);
    assert.deepEqual(a.primary!.facts.sourceFiles, ["main.go"], "the program's own files stay its own");
  });

  test("a dependency whose source is not on disk adds nothing, and the analysis does not fail", async () => {
    const work = await temps.make("slimgo-depcache-");
    await writeTree(join(work, "app"), APP);
    await writeTree(join(work, "lib"), LIB);
    const a = await withModuleCache(join(work, "empty-modcache"), () => analyze(join(work, "app"), { engine: "scanner" }));
    assert.deepEqual(needs(a.primary), { ...EXPECTED, tlsRoots: ["../lib/lib.go:6"], zoneinfo: [] });
  });

  test("a module that a go.work uses stands in for the version go.mod requires", async () => {
    const work = await temps.make("slimgo-depwork-");
    await writeTree(join(work, "app"), { ...APP, "go.mod": "module example.com/app\n\ngo 1.18\n\nrequire example.com/lib v0.4.0\n", "main.go": 'package main\n\nimport "example.com/lib"\n\nfunc main() { lib.Ping() }\n' });
    await writeTree(join(work, "lib"), LIB);
    await writeFile(join(work, "go.work"), "go 1.18\n\nuse (\n\t./app\n\t./lib\n)\n");
    const a = await withModuleCache(join(work, "empty-modcache"), () => analyze(join(work, "app"), { engine: "scanner" }));
    assert.deepEqual(needs(a.primary).tlsRoots, ["../lib/lib.go:6"]);
  });

  test("go list finds the same dependency files in a module cache go filled itself", { skip: skipUnless("go", "zip") }, async () => {
    const work = await temps.make("slimgo-depcache-");
    const cache = join(work, "modcache");
    const proxy = join(work, "proxy");
    for (const [path, version, files] of [["example.com/Clock", "v1.2.0", CLOCK], ["example.com/tzhelper", "v0.1.0", TZHELPER]] as const) {
      const at = join(proxy, escapeModulePath(path), "@v");
      await writeTree(at, { list: `${version}\n`, [`${version}.info`]: JSON.stringify({ Version: version, Time: "2024-01-02T03:04:05Z" }), [`${version}.mod`]: files["go.mod"] });
      await writeFile(join(at, `${version}.zip`), await moduleZip({ path, version, files }, await temps.make("slimgo-depzip-")));
    }
    await writeTree(join(work, "app"), APP);
    await writeTree(join(work, "lib"), LIB);
    const goEnv = { GOMODCACHE: cache, GOPROXY: `file://${proxy}`, GOSUMDB: "off", GOFLAGS: "-modcacherw", GOTOOLCHAIN: "local", GOWORK: "off" };
    await runTool("go", ["mod", "tidy"], { cwd: join(work, "app"), env: goEnv });

    for (const engine of ["go-list", "scanner"] as const) {
      const a = await withModuleCache(cache, () => analyze(join(work, "app"), { engine }));
      assert.equal(a.engine, engine, a.warnings.join("\n"));
      assert.deepEqual(needs(a.primary), EXPECTED, engine);
    }
  });
});

describe("analysing again in the same process (slimgo build --watch)", () => {
  test("a dependency file that changed since the last analysis is read again", async () => {
    const dir = await temps.make("slimgo-depwatch-");
    await writeTree(dir, {
      "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/zones v0.1.0\n",
      "vendor/modules.txt": "# example.com/zones v0.1.0\n## explicit\nexample.com/zones\n",
      "main.go": 'package main\n\nimport "example.com/zones"\n\nfunc main() { println(zones.Here()) }\n',
      "vendor/example.com/zones/zones.go": 'package zones\n\nimport "time"\n\nfunc Here() string { return time.UTC.String() }\n',
    });
    const zoneinfo = async () => needs((await analyze(dir, { engine: "scanner" })).primary).zoneinfo;
    assert.deepEqual(await zoneinfo(), []);
    await writeFile(join(dir, "vendor/example.com/zones/zones.go"), 'package zones\n\nimport "time"\n\nfunc Here() string {\n\tloc, _ := time.LoadLocation("Asia/Tokyo")\n\treturn loc.String()\n}\n');
    assert.deepEqual(await zoneinfo(), ["vendor/example.com/zones/zones.go:6"]);
  });
});

describe("scans of dependency packages kept between runs", () => {
  /** `slimgo init --dry-run --json` in a new process: the evidence of each run-time need it decides on. */
  async function decidedNeeds(app: string, env: Record<string, string>): Promise<Record<string, string[]>> {
    const r = await runSlimgo(["init", "--dry-run", "--json", "--engine", "scanner"], { cwd: app, env });
    assert.equal(r.code, 0, r.stderr);
    const decisions = (JSON.parse(r.stdout) as { decisions: { topic: string; evidence?: Evidence[] }[] }).decisions;
    return Object.fromEntries(decisions.filter((d) => ["CA certificates", "zoneinfo"].includes(d.topic)).map((d) => [d.topic, (d.evidence ?? []).map(at)]));
  }

  const keptFiles = async (cacheDir: string) => (await readdir(join(cacheDir, "dependency-scans"), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

  test("a module cache package is read from the kept scan, not its files, on the next run; a damaged kept scan is scanned again", async () => {
    const work = await temps.make("slimgo-depkept-");
    const modcache = join(work, "modcache");
    const env = { GOMODCACHE: modcache, SLIMGO_CACHE_DIR: join(work, "slimgo-cache") };
    await writeTree(join(work, "app"), { ...APP, "go.sum": "example.com/Clock v1.2.0 h1:AAAA=\nexample.com/tzhelper v0.1.0 h1:AAAA=\n" });
    await writeTree(join(work, "lib"), LIB);
    await writeTree(join(modcache, "example.com/!clock@v1.2.0"), CLOCK);
    await writeTree(join(modcache, "example.com/tzhelper@v0.1.0"), TZHELPER);
    const expected = { "CA certificates": ["../lib/lib.go:6", "example.com/Clock@v1.2.0/clock.go:5"], zoneinfo: ["example.com/tzhelper@v0.1.0/tz.go:6"] };

    assert.deepEqual(await decidedNeeds(join(work, "app"), env), expected);
    assert.equal((await keptFiles(env.SLIMGO_CACHE_DIR)).length, 2, "one kept scan per module cache package; none for ../lib");
    assert.deepEqual(await decidedNeeds(join(work, "app"), env), expected, "the same needs from the kept scans");

    // A module version never changes in the module cache: a changed file there is not read again.
    await writeFile(join(modcache, "example.com/tzhelper@v0.1.0/tz.go"), 'package tzhelper\n\nimport "time"\n\nfunc Zone() *time.Location { return time.UTC }\n');
    assert.deepEqual(await decidedNeeds(join(work, "app"), env), expected, "the kept scan, not the file");

    for (const file of await keptFiles(env.SLIMGO_CACHE_DIR)) await writeFile(file, (await readFile(file, "utf8")).slice(0, 40));
    assert.deepEqual(await decidedNeeds(join(work, "app"), env), { "CA certificates": expected["CA certificates"] }, "truncated kept scans are ignored: the file is read");
    const rewritten = await keptFiles(env.SLIMGO_CACHE_DIR);
    for (const file of rewritten) JSON.parse(await readFile(file, "utf8"));
  });

  test("a vendored package's kept scan counts only while the file's content is the same", async () => {
    const work = await temps.make("slimgo-depkept-");
    const env = { SLIMGO_CACHE_DIR: join(work, "slimgo-cache") };
    const app = join(work, "app");
    await writeTree(app, {
      "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/zones v0.1.0\n",
      "vendor/modules.txt": "# example.com/zones v0.1.0\n## explicit\nexample.com/zones\n",
      "main.go": 'package main\n\nimport "example.com/zones"\n\nfunc main() { println(zones.Here()) }\n',
      "vendor/example.com/zones/zones.go": 'package zones\n\nimport "time"\n\nfunc Here() string {\n\tloc, _ := time.LoadLocation("Asia/Tokyo")\n\treturn loc.String()\n}\n',
    });
    const file = join(app, "vendor/example.com/zones/zones.go");
    assert.deepEqual((await decidedNeeds(app, env)).zoneinfo, ["vendor/example.com/zones/zones.go:6"]);
    assert.equal((await keptFiles(env.SLIMGO_CACHE_DIR)).length, 1);
    // The same size and modification time: only the content tells.
    const before = await stat(file);
    await writeFile(file, (await readFile(file, "utf8")).replace("time.LoadLocation", "time.FixedZone   "));
    await utimes(file, before.atimeMs / 1000, before.mtimeMs / 1000);
    assert.equal((await stat(file)).size, before.size);
    assert.deepEqual(await decidedNeeds(app, env), {});
  });
});

describe("dependency source lookups", () => {
  test("GOMODCACHE, else the go env file, else GOPATH's first entry, else ~/go", async () => {
    const home = await temps.make("slimgo-home-");
    assert.equal(moduleCacheDir({ HOME: home, GOMODCACHE: "/cache/mod", GOPATH: "/gopath" }), "/cache/mod");
    assert.equal(moduleCacheDir({ HOME: home, GOPATH: "/a:/b" }), "/a/pkg/mod");
    assert.equal(moduleCacheDir({ HOME: home }), join(home, "go/pkg/mod"));
    await writeTree(home, { ".config/go/env": "GOPATH=/from/go-env\n" });
    assert.equal(moduleCacheDir({ HOME: home }), "/from/go-env/pkg/mod", "go env -w GOPATH");
    await writeTree(home, { "goenv": "GOMODCACHE=/written/mod\n" });
    assert.equal(moduleCacheDir({ HOME: home, GOENV: join(home, "goenv") }), "/written/mod");
  });

  test("module versions sort as go sorts them", () => {
    const sorted = ["v1.10.0", "v1.2.0", "v1.2.0-rc.1", "v0.0.0-20240102030405-abcdefabcdef", "v1.2.0-rc.10", "v2.0.0+incompatible", "v1.2.0-rc.2"].sort(compareModuleVersions);
    assert.deepEqual(sorted, ["v0.0.0-20240102030405-abcdefabcdef", "v1.2.0-rc.1", "v1.2.0-rc.2", "v1.2.0-rc.10", "v1.2.0", "v1.10.0", "v2.0.0+incompatible"]);
  });
});

describe("dependency files are lexed in full only where a need may show", () => {
  // Each sign of a need, in the shapes the rules read (aliased imports, a selector across lines).
  const SOURCES: Record<string, string> = {
    get: 'package d\n\nimport "net/http"\n\nfunc f() { http.Get(u) }\n',
    aliased: 'package d\n\nimport web "net/http"\n\nvar c = &web.Client{}\n',
    acrossLines: 'package d\n\nimport "net/http"\n\nfunc f() {\n\thttp.\n\t\tGet(u)\n}\n',
    literal: 'package d\n\nvar u = `wss://stream.example`\n',
    dial: 'package d\n\nimport "crypto/tls"\n\nfunc f() { tls.Dial("tcp", a, nil) }\n',
    pool: 'package d\n\nimport "crypto/x509"\n\nfunc f() { x509.SystemCertPool() }\n',
    zone: 'package d\n\nimport "time"\n\nfunc f() { time.LoadLocation(n) }\n',
    tz: 'package d\n\nimport "os"\n\nfunc f() { os.Getenv("TZ") }\n',
    temp: 'package d\n\nimport "os"\n\nfunc f() { os.MkdirTemp("", "x") }\n',
    ioutil: 'package d\n\nimport "io/ioutil"\n\nfunc f() { ioutil.TempFile("", "x") }\n',
    upload: 'package d\n\nfunc f() { r.FormFile("f") }\n',
    user: 'package d\n\nimport "os/user"\n\nfunc f() { user.Current() }\n',
    sdk: 'package d\n\nimport _ "cloud.google.com/go/storage"\n',
    tzdata: 'package d\n\nimport _ "time/tzdata"\n',
    server: 'package d\n\nimport (\n\t"net/http"\n\t"os"\n\t"time"\n)\n\nfunc f() { http.ListenAndServe(os.Getenv("ADDR"), nil); time.Sleep(1) }\n// See https://example.com/docs.\n',
  };

  test("the needs found through a dependency's file equal those of a full scan, for every sign", async () => {
    const dir = await temps.make("slimgo-depscan-");
    await writeTree(dir, Object.fromEntries(Object.entries(SOURCES).map(([name, text]) => [`${name}.go`, text])));
    const cache = new SourceCache(dir);
    for (const [name, text] of Object.entries(SOURCES)) {
      const full = runtimeNeeds([scanGoSource(`${name}.go`, text)]);
      assert.deepEqual(runtimeNeeds([], [], [cache.dependency(`${name}.go`)]), full, name);
    }
  });

  test("a file without any sign is read for its header only", () => {
    const header = scanGoSource("server.go", SOURCES.server!, { headerOnly: true });
    assert.deepEqual(header.imports.map((i) => i.path), ["net/http", "os", "time"]);
    assert.equal(mayShowNeedsInTokens(SOURCES.server!, header.localNames), false);
    assert.ok(header.tokens.length < 12, `${header.tokens.length} tokens`);
  });
});
