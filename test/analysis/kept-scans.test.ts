/**
 * Scans of dependency packages kept on disk (dependency-scan-store.ts): read once by a new process,
 * giving the facts a scan gives, and ignored when what is on disk is not a kept scan.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { analyze } from "../../src/analysis/index.js";
import { keptScanReads } from "../../src/analysis/dependency-scan-store.js";
import { forgetScansInMemory } from "../../src/analysis/dependency-scans.js";
import { tempDirs } from "../support/temp-dirs.js";

const temps = tempDirs();

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
}

/** A program whose only run-time needs come from two packages in the module cache. */
async function moduleWithDependencies(): Promise<{ app: string; modcache: string }> {
  const work = await temps.make("slimgo-kept-");
  const modcache = join(work, "modcache");
  await writeTree(join(work, "app"), {
    "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/zones v0.1.0\n\texample.com/fetch v1.0.0\n)\n",
    "main.go": 'package main\n\nimport (\n\t"example.com/fetch"\n\t"example.com/zones"\n)\n\nfunc main() { println(zones.Here(), fetch.Get()) }\n',
  });
  await writeTree(join(modcache, "example.com/zones@v0.1.0"), {
    "zones.go": '// Package zones.\npackage zones\n\nimport (\n\t"os"\n\t"time"\n)\n\nfunc Here() string {\n\tloc, _ := time.LoadLocation(os.Getenv("ZONE"))\n\treturn loc.String()\n}\n',
    "zones_windows.go": 'package zones\n\nimport "os"\n\nfunc spool() { os.CreateTemp("", "z") }\n',
    "arm.go": '//go:build arm64\n\npackage zones\n\nimport "os/user"\n\nfunc me() { user.Current() }\n',
  });
  await writeTree(join(modcache, "example.com/fetch@v1.0.0"), {
    "fetch.go": 'package fetch\n\nimport web "net/http"\n\nfunc Get() error {\n\t_, err := web.Get("https://api.example/x")\n\treturn err\n}\n',
  });
  return { app: join(work, "app"), modcache };
}

async function inEnv<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function keptFiles(cacheDir: string): Promise<string[]> {
  const entries = await readdir(join(cacheDir, "dependency-scans"), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("scans of dependency packages kept on disk", () => {
  let app: string;
  let modcache: string;
  before(async () => ({ app, modcache } = await moduleWithDependencies()));

  /** Analyses as a new process would: nothing of the last analysis in memory. */
  const analyzeAfresh = async (cacheDir: string, goarch = "amd64") => {
    forgetScansInMemory();
    const a = await inEnv({ GOMODCACHE: modcache, SLIMGO_CACHE_DIR: cacheDir }, () => analyze(app, { engine: "scanner", goarch }));
    return a.primary!.facts;
  };

  test("a new process reads each package's kept scan once and gets the facts a scan gives", async () => {
    const cacheDir = await temps.make("slimgo-cache-");
    const scanned = await analyzeAfresh(cacheDir);
    assert.deepEqual(scanned.needs.zoneinfo.evidence.map((e) => `${e.file}:${e.line}:${e.text}`), ["example.com/zones@v0.1.0/zones.go:10:loc, _ := time.LoadLocation(os.Getenv(\"ZONE\"))"]);
    assert.deepEqual(scanned.needs.tlsRoots.evidence.map((e) => `${e.file}:${e.line}`), ["example.com/fetch@v1.0.0/fetch.go:6"]);
    const reads = keptScanReads();
    assert.deepEqual(await analyzeAfresh(cacheDir), scanned);
    assert.equal(keptScanReads() - reads, 2);
  });

  test("a file another build includes gets its signs scanned then, and kept", async () => {
    const cacheDir = await temps.make("slimgo-cache-");
    const amd64 = await analyzeAfresh(cacheDir);
    assert.equal(amd64.needs.user.needed, false);
    const arm64 = await analyzeAfresh(cacheDir, "arm64");
    assert.deepEqual(arm64.needs.user.evidence.map((e) => `${e.file}:${e.line}`), ["example.com/zones@v0.1.0/arm.go:5", "example.com/zones@v0.1.0/arm.go:7"]);
    assert.deepEqual(await analyzeAfresh(cacheDir, "arm64"), arm64);
    assert.deepEqual(await analyzeAfresh(cacheDir), amd64);
  });

  test("a kept scan that is not one (garbage, another shape, an unknown need, another key) is scanned again, and the analysis does not fail", async () => {
    const cacheDir = await temps.make("slimgo-cache-");
    const scanned = await analyzeAfresh(cacheDir);
    const files = await keptFiles(cacheDir);
    assert.equal(files.length, 2);
    const valid = JSON.parse(await readFile(files[0]!, "utf8")) as { key: string; files: Record<string, { signs?: Record<string, unknown> }> };
    const name = Object.keys(valid.files)[0]!;
    const damaged = [
      "",
      "\0\0\0",
      "[]",
      JSON.stringify({ ...valid, key: "another package" }),
      JSON.stringify({ ...valid, files: { [name]: { ...valid.files[name], imports: "net/http" } } }),
      JSON.stringify({ ...valid, files: { [name]: { ...valid.files[name], signs: { webcam: [{ line: 1, text: "x" }] } } } }),
      JSON.stringify({ ...valid, files: { [name]: { ...valid.files[name], signs: { zoneinfo: [{ line: -1, text: "x" }] } } } }),
    ];
    for (const text of damaged) {
      for (const file of files) await writeFile(file, text);
      assert.deepEqual(await analyzeAfresh(cacheDir), scanned, JSON.stringify(text));
    }
  });

  test("a cache directory that cannot be written keeps nothing, and the analysis does not fail", async () => {
    const work = await temps.make("slimgo-cache-");
    await writeFile(join(work, "file"), "");
    const facts = await analyzeAfresh(join(work, "file"));
    assert.equal(facts.needs.zoneinfo.needed, true);
    assert.deepEqual(await analyzeAfresh(join(work, "file")), facts);
  });
});
