import { test } from "node:test";
import assert from "node:assert/strict";
import type { GoModRequire } from "../../src/analysis/types.js";
import { nonDefault } from "../../src/analysis/module-fetch-settings.js";
import { planDockerfile } from "../../src/dockerfile/plan.js";
import { generateDockerfile } from "../../src/dockerfile/generate.js";
import { withoutCredentials } from "../../src/dockerfile/module-fetch.js";
import { mainPackage, moduleAnalysis } from "../support/analysis.js";
import { makeContext } from "../lint/support/context.js";

const require = (path: string, line: number): GoModRequire => ({ path, version: "v1.0.0", indirect: false, evidence: { file: "go.mod", line } });
const goMod = (requires: GoModRequire[]) => ({ path: "example.com/app", pathEvidence: { file: "go.mod", line: 1 }, go: "1.19", goEvidence: { file: "go.mod", line: 3 }, requires, replaces: [] });
const settings = (values: Record<string, string>) => nonDefault(values, Object.fromEntries(Object.keys(values).map((k) => [k, `go env ${k}`])));
const fetchDecisions = (plan: ReturnType<typeof planDockerfile>) => plan.decisions.filter((d) => d.topic === "module fetch");

test("a requirement GOPRIVATE names gets the setting as an ARG before go mod download, and the netrc secret on that step", () => {
  const analysis = moduleAnalysis([mainPackage(".", "app")], { goMod: goMod([require("github.com/google/uuid", 5), require("github.com/acme/lib", 6)]) });
  const plan = planDockerfile(analysis, { hasGoSum: true, moduleFetch: settings({ GOPRIVATE: "github.com/acme/*", GONOPROXY: "github.com/acme/*", GONOSUMDB: "github.com/acme/*" }) });
  const text = generateDockerfile(plan);
  assert.deepEqual(plan.moduleFetch?.args, [{ name: "GOPRIVATE", value: "github.com/acme/*" }], "GONOPROXY and GONOSUMDB equal to GOPRIVATE are Go's defaults");
  assert.match(text, /^ARG GOPRIVATE=github\.com\/acme\/\*\n(#.*\n)+RUN --mount=type=cache,target=\/go\/pkg\/mod \\\n    --mount=type=secret,id=netrc,target=\/root\/\.netrc \\\n(.*\n)*?    go mod download$/m);
  assert.match(text, /^#   docker build --secret id=netrc,src=\$HOME\/\.netrc \./m);
  assert.equal(text.match(/type=secret/g)?.length, 1, "only the download step sees the secret");
  const [arg, secret] = fetchDecisions(plan);
  assert.match(arg!.reason, /github\.com\/acme\/lib matches github\.com\/acme\/\* \(go env GOPRIVATE\)/);
  assert.deepEqual(arg!.evidence, [{ file: "go.mod", line: 6 }], "the matching go.mod line, not the public one");
  assert.match(secret!.reason, /never lands in a layer/);
});

test("GOPRIVATE modules bypass the proxy, so the Alpine builder gets git; the Debian (cgo) builder has it", () => {
  const analysis = (cgo: boolean) =>
    moduleAnalysis([mainPackage(".", "app", { cgo: { required: cgo, evidence: [], dependencies: [] } })], { goMod: goMod([require("github.com/acme/lib", 5)]) });
  const fetch = settings({ GOPRIVATE: "github.com/acme" });
  const alpine = generateDockerfile(planDockerfile(analysis(false), { hasGoSum: true, moduleFetch: fetch }));
  assert.match(alpine, /^RUN apk add --no-cache git$/m);
  const debian = generateDockerfile(planDockerfile(analysis(true), { hasGoSum: true, moduleFetch: fetch }));
  assert.doesNotMatch(debian, /apk add/);
  const throughProxy = generateDockerfile(planDockerfile(analysis(false), { hasGoSum: true, moduleFetch: settings({ GOPRIVATE: "github.com/acme", GONOPROXY: "none" }) }));
  assert.doesNotMatch(throughProxy, /apk add/, "GONOPROXY=none: the proxy serves them");
  assert.match(throughProxy, /^ARG GONOPROXY=none$/m);
});

test("settings that name none of the requirements change nothing; a company GOPROXY alone is enough", () => {
  const analysis = moduleAnalysis([mainPackage(".", "app")], { goMod: goMod([require("github.com/google/uuid", 5)]) });
  const publicOnly = planDockerfile(analysis, { hasGoSum: true, moduleFetch: settings({ GOPRIVATE: "github.com/acme/*", GOINSECURE: "github.com/acme" }) });
  assert.equal(publicOnly.moduleFetch, undefined);
  assert.doesNotMatch(generateDockerfile(publicOnly), /ARG GO(PRIVATE|INSECURE)|type=secret/);
  assert.deepEqual(fetchDecisions(publicOnly), []);

  const proxied = planDockerfile(analysis, { hasGoSum: true, moduleFetch: settings({ GOPROXY: "https://goproxy.acme.internal,direct", GOSUMDB: "off" }) });
  const text = generateDockerfile(proxied);
  assert.match(text, /^ARG GOPROXY=https:\/\/goproxy\.acme\.internal,direct\nARG GOSUMDB=off$/m);
  assert.match(text, /--mount=type=secret,id=netrc,target=\/root\/\.netrc/);
  assert.doesNotMatch(text, /apk add/);
});

test("a vendored module downloads nothing: no ARG, no secret, and the explanation says why", () => {
  const analysis = moduleAnalysis([mainPackage(".", "app")], { vendored: true, goMod: goMod([require("github.com/acme/lib", 5)]) });
  const plan = planDockerfile(analysis, { hasGoSum: true, moduleFetch: settings({ GOPRIVATE: "github.com/acme/*", GOPROXY: "https://goproxy.acme.internal" }) });
  const text = generateDockerfile(plan);
  assert.equal(plan.moduleFetch, undefined);
  assert.doesNotMatch(text, /ARG GO(PROXY|PRIVATE)|type=secret|go mod download/);
  const [vendored] = fetchDecisions(plan);
  assert.match(vendored!.reason, /vendor\/ holds every module, so the build downloads nothing/);
  assert.deepEqual(vendored!.evidence, [{ file: "go.mod", line: 5 }]);
});

test("credentials in a proxy URL are removed from the ARG and the explanation, which names the netrc machine instead", () => {
  const analysis = moduleAnalysis([mainPackage(".", "app")], { goMod: goMod([require("example.com/lib", 5)]) });
  const plan = planDockerfile(analysis, { hasGoSum: true, moduleFetch: settings({ GOPROXY: "https://ci-bot:tok3n@goproxy.acme.internal/mod|https://proxy.golang.org,direct" }) });
  const text = generateDockerfile(plan);
  assert.match(text, /^ARG GOPROXY=https:\/\/goproxy\.acme\.internal\/mod\|https:\/\/proxy\.golang\.org,direct$/m);
  const shown = JSON.stringify(plan.decisions);
  assert.doesNotMatch(text + shown, /tok3n|ci-bot/);
  assert.match(fetchDecisions(plan)[0]!.reason, /user:password in its URL was removed: the build reads credentials from the netrc secret \(machine goproxy\.acme\.internal in ~\/\.netrc\)/);
  assert.deepEqual(withoutCredentials("https://u:p@ss@h.example,direct"), { value: "https://h.example,direct", removed: ["h.example"] });
  assert.deepEqual(withoutCredentials("sum.acme+key https://sum.acme"), { value: "sum.acme+key https://sum.acme" });
});

test("a setting with a space is a quoted ARG default", () => {
  const analysis = moduleAnalysis([mainPackage(".", "app")], { goMod: goMod([require("example.com/lib", 5)]) });
  const text = generateDockerfile(planDockerfile(analysis, { hasGoSum: true, moduleFetch: settings({ GOPROXY: "https://goproxy.acme.internal", GOSUMDB: "sum.acme+abc123 https://sum.acme.internal" }) }));
  assert.match(text, /^ARG GOSUMDB="sum\.acme\+abc123 https:\/\/sum\.acme\.internal"$/m);
});

test("only non-default settings count: GONOPROXY and GONOSUMDB default to GOPRIVATE, an empty GOPROXY is the default", () => {
  assert.deepEqual(Object.keys(nonDefault({ GOPROXY: "https://proxy.golang.org,direct", GOSUMDB: "sum.golang.org", GOPRIVATE: "", GONOPROXY: "", GONOSUMDB: "", GOINSECURE: "" })), []);
  assert.deepEqual(Object.keys(nonDefault({ GOPROXY: "", GOPRIVATE: "a.example", GONOPROXY: "a.example", GONOSUMDB: "b.example" })), ["GOPRIVATE", "GONOSUMDB"]);
});

test("a private module beside one a go.work in the module provides: no download step, so go build, which downloads, gets the ARGs and the netrc secret", () => {
  const root = makeContext({ "go.work": "go 1.19\n\nuse (\n\t.\n\t./lib\n)\n", "lib/go.mod": "module example.com/lib\n\ngo 1.19\n" });
  const goWork = { file: "go.work", uses: [{ dir: ".", evidence: { file: "go.work", line: 4 } }, { dir: "./lib", evidence: { file: "go.work", line: 5 } }] };
  const analysis = moduleAnalysis([mainPackage(".", "app")], { root, goWork, goMod: goMod([require("example.com/lib", 5), require("github.com/acme/private", 6)]) });
  const text = generateDockerfile(planDockerfile(analysis, { hasGoSum: true, moduleFetch: settings({ GOPRIVATE: "github.com/acme/*" }) }));
  assert.doesNotMatch(text, /go mod download/);
  assert.match(text, /^ARG GOPRIVATE=github\.com\/acme\/\*\n(#.*\n)+RUN --mount=type=cache,target=\/go\/pkg\/mod \\\n    --mount=type=secret,id=netrc,target=\/root\/\.netrc \\\n(.*\n)*?    go build /m);
});
