/**
 * The builder's Go release must have what the generated Dockerfile asks of it. Go 1.12 and 1.13
 * images cannot run here (no registry, and the stand-ins are Go 1.19), so the choice is checked on
 * the plan and the Dockerfile text, and a guard checks that every go command flag and GO* build arg
 * the generator writes has a known first release no newer than the chosen one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { GoModRequire } from "../../src/analysis/types.js";
import { nonDefault } from "../../src/analysis/module-fetch-settings.js";
import { compareGoVersions } from "../../src/analysis/go-version.js";
import { GO_RELEASE_WITH } from "../../src/dockerfile/builder-go-version.js";
import { planDockerfile, type PlanOptions } from "../../src/dockerfile/plan.js";
import { generateDockerfile } from "../../src/dockerfile/generate.js";
import { mainPackage, moduleAnalysis } from "../support/analysis.js";

const ev = (file: string, line: number) => ({ file, line });
const goMod = (go: string | undefined, extra: { toolchain?: string; requires?: GoModRequire[] } = {}) => ({
  path: "example.com/app",
  pathEvidence: ev("go.mod", 1),
  ...(go ? { go, goEvidence: ev("go.mod", 3) } : {}),
  ...(extra.toolchain ? { toolchain: extra.toolchain, toolchainEvidence: ev("go.mod", 4) } : {}),
  requires: extra.requires ?? [],
  replaces: [],
});
const settings = (values: Record<string, string>) => nonDefault(values, Object.fromEntries(Object.keys(values).map((k) => [k, `go env ${k}`])));
const cgoFacts = { cgo: { required: true, evidence: [ev("main.go", 9)], dependencies: [] } };
const plan = (mod: ReturnType<typeof goMod>, facts = {}, options: Partial<PlanOptions> = {}) => planDockerfile(moduleAnalysis([mainPackage(".", "app", facts)], { goMod: mod }), { hasGoSum: true, ...options });
const versionDecision = (p: ReturnType<typeof planDockerfile>) => p.decisions.find((d) => d.topic === "Go version")!;

test("go 1.12: the builder is Go 1.13, the first whose go build has -trimpath, and the reason says so with the go line", () => {
  const p = plan(goMod("1.12"));
  assert.equal(p.goVersion, "1.13");
  const text = generateDockerfile(p);
  assert.match(text, /^ARG GO_VERSION=1\.13$/m);
  assert.match(text, /go build -trimpath /);
  const decision = versionDecision(p);
  assert.equal(decision.choice, "1.13");
  assert.match(decision.reason, /^the go line says 1\.12, the oldest Go that builds the module, but go build -trimpath \(reproducible binaries\) arrived in Go 1\.13: a newer Go builds the module just as well/);
  assert.deepEqual(decision.evidence, [ev("go.mod", 3)]);
  assert.equal(p.decisions.indexOf(decision), 0, "explained first, as before");
});

test("a cgo program with go 1.12 gets Go 1.19, the first golang release with a -bookworm image", () => {
  const p = plan(goMod("1.12"), cgoFacts);
  assert.equal(p.goVersion, "1.19");
  assert.match(generateDockerfile(p), /^ARG GO_VERSION=1\.19\n\n(#.*\n)*FROM golang:\$\{GO_VERSION\}-bookworm AS build$/m);
  assert.match(versionDecision(p).reason, /golang:<version>-bookworm, exists from Go 1\.19 on/);
});

test("a GOINSECURE build arg for the download step needs Go 1.14", () => {
  const mod = goMod("1.13", { requires: [{ path: "git.corp.example/lib", version: "v1.0.0", indirect: false, evidence: ev("go.mod", 6) }] });
  const p = plan(mod, {}, { moduleFetch: settings({ GOPRIVATE: "git.corp.example", GOINSECURE: "git.corp.example" }) });
  assert.match(generateDockerfile(p), /^ARG GOINSECURE=git\.corp\.example$/m);
  assert.equal(p.goVersion, "1.14");
  assert.match(versionDecision(p).reason, /GOINSECURE, which the module download step sets, arrived in Go 1\.14/);
});

test("a go line, a toolchain line or the default at or above what the Dockerfile needs is kept as it is", () => {
  assert.equal(plan(goMod("1.13")).goVersion, "1.13");
  assert.equal(plan(goMod("1.19"), cgoFacts).goVersion, "1.19");
  assert.equal(plan(goMod("1.21", { toolchain: "1.21.5" })).goVersion, "1.21.5");
  assert.match(versionDecision(plan(goMod("1.21", { toolchain: "1.21.5" }))).reason, /^the toolchain line names the exact Go release$/);
  assert.equal(plan(goMod(undefined)).goVersion, "1.22");
});

test("every go build flag and GO* build arg the generator writes has a first release no newer than the builder's", () => {
  const requires = [{ path: "git.corp.example/lib", version: "v1.0.0", indirect: false, evidence: ev("go.mod", 6) }];
  const all = settings({ GOPROXY: "https://proxy.corp.example", GOPRIVATE: "git.corp.example", GONOPROXY: "git.corp.example/x", GONOSUMDB: "git.corp.example/y", GOSUMDB: "sum.corp.example", GOINSECURE: "git.corp.example" });
  const server = { isServer: true, ports: [{ port: 8080, source: "literal" as const, evidence: ev("main.go", 9) }], healthEndpoints: [{ path: "/healthz", evidence: ev("main.go", 8) }] };
  const plans = [
    plan(goMod("1.11"), server),
    plan(goMod("1.11"), cgoFacts),
    plan(goMod("1.11", { requires }), server, { moduleFetch: all }),
    planDockerfile(moduleAnalysis([mainPackage(".", "app", server)], { goMod: goMod("1.11", { requires }), vendored: true }), { hasGoSum: true }),
  ];
  for (const p of plans) {
    const text = generateDockerfile(p);
    const used = [
      ...[...text.matchAll(/\bgo build (.*)$/gm)].flatMap((m) => (m[1]!.match(/(?:"[^"]*"|[^\s"])+/g) ?? []).filter((w) => w.startsWith("-")).map((f) => f.replace(/=.*$/s, ""))),
      ...[...text.matchAll(/^ARG (GO[A-Z]+)=/gm)].map((m) => m[1]!),
    ];
    assert.ok(used.includes("-trimpath"), text);
    for (const name of new Set(used)) {
      const since = GO_RELEASE_WITH[name];
      assert.ok(since !== undefined, `${name} is written by the generator but has no first Go release in GO_RELEASE_WITH`);
      assert.ok(compareGoVersions(since, p.goVersion) <= 0, `${name} needs Go ${since}, the builder is Go ${p.goVersion}`);
    }
  }
});

test("a toolchain line older than the go line (go 1.22.0, toolchain go1.21.5) gets the go line's release: golang images set GOTOOLCHAIN=local, so Go 1.21.5 would refuse the module", () => {
  const p = plan(goMod("1.22.0", { toolchain: "1.21.5" }));
  assert.equal(p.goVersion, "1.22.0");
  assert.match(generateDockerfile(p), /^ARG GO_VERSION=1\.22\.0$/m);
  const decision = versionDecision(p);
  assert.match(decision.reason, /^the go line needs Go 1\.22\.0 or newer; the toolchain line names an older release, 1\.21\.5, which go ignores$/);
  assert.deepEqual(decision.evidence, [ev("go.mod", 3), ev("go.mod", 4)]);
  assert.equal(plan(goMod("1.21", { toolchain: "1.22.3" })).goVersion, "1.22.3", "a newer toolchain line still wins");
});
