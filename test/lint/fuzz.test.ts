import assert from "node:assert/strict";
import { test } from "node:test";
import { applyFixes, buildModel, lintDockerfile, severities } from "../../src/lint/index.js";
import { initDockerfile, initDockerfileNoSum, recipeDockerfile } from "./support/dockerfiles.js";

const corpus = [
  initDockerfile,
  initDockerfileNoSum,
  recipeDockerfile,
  "FROM golang:latest\nWORKDIR /app\nCOPY . .\nRUN go mod download\nRUN go build -o /app/server .\nCMD /app/server --port 8080\n",
  "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nUSER nobody\nHEALTHCHECK CMD wget -q -O- http://localhost/ || exit 1\nENTRYPOINT /app\n",
  "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN <<EOF\napk add git\ncd /src && make\nEOF\nCOPY <<-EOT /etc/motd\n\thello\nEOT\nLABEL a=\"b c\" \\\n  d='e'\nEXPOSE 80/tcp 99999\n",
  "ARG BASE=debian:12\nFROM ${BASE} AS a\nENV A=1 B=\"two words\"\nRUN apt-get update && apt-get install curl \\\n# comment inside\n  && rm -rf /var/lib/apt/lists/*\nFROM a\nCOPY --from=a --chown=app:app /x /y\nMAINTAINER x\nWORKDIR rel\nUSER root\n",
];

/** Small deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const snippets = ['"', "'", "<<EOF\n", "RUN <<EOF\n", "\\\n", "`\n", "${", "$(", "[", "]", "\n", "\r\n", "\uFEFF", "#", "--mount=", "--from=", "\t", "\u0000", "COPY <<", "EOF\n", "FROM ", "AS ", "=", "&&", "|", ";"];

type Mutation = (text: string, r: () => number) => string;
const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)] as T;
const at = (text: string, r: () => number): number => Math.floor(r() * (text.length + 1));

const mutations: Record<string, Mutation> = {
  truncate: (t, r) => t.slice(0, at(t, r)),
  randomBytes: (t, r) => {
    let out = t;
    const n = 1 + Math.floor(r() * 8);
    for (let i = 0; i < n; i++) {
      const p = at(out, r);
      out = out.slice(0, p) + String.fromCharCode(Math.floor(r() * 0x2fff)) + out.slice(p + (r() < 0.5 ? 1 : 0));
    }
    return out;
  },
  unbalancedQuote: (t, r) => {
    const p = at(t, r);
    return t.slice(0, p) + pick(['"', "'", "[\"", "${"], r) + t.slice(p);
  },
  unbalancedHeredoc: (t, r) => {
    const p = at(t, r);
    return t.slice(0, p) + pick(["\nRUN <<EOF\necho", "\nCOPY <<A <<B /x\n", " <<-", "\nRUN <<'EOF\n", "\nRUN cat <<EOF | sh\n"], r) + t.slice(p);
  },
  hugeLine: (t, r) => {
    const p = at(t, r);
    return t.slice(0, p) + pick(["a", "\\ ", "$x", "\" ", "-"], r).repeat(500 + Math.floor(r() * 3500)) + t.slice(p);
  },
  crlf: (t) => t.replace(/\n/g, "\r\n"),
  bom: (t) => "\uFEFF" + t,
  escapeDirective: (t, r) => `# escape=${pick(["`", "\\", "x", ""], r)}\n` + t.replace(/\\\n/g, r() < 0.5 ? "`\n" : "\\\n"),
  splice: (t, r) => {
    let out = t;
    const n = 1 + Math.floor(r() * 6);
    for (let i = 0; i < n; i++) {
      const p = at(out, r);
      out = out.slice(0, p) + pick(snippets, r) + out.slice(p);
    }
    return out;
  },
  shuffleLines: (t, r) => {
    const lines = t.split("\n");
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
    }
    return lines.join("\n");
  },
};

test("fuzz: 10,000 mutated Dockerfiles never crash the linter and always get a result", () => {
  const names = Object.keys(mutations);
  const cases = 10_000;
  const seen = new Set<string>();
  for (let seed = 1; seed <= cases; seed++) {
    const r = rng(seed);
    let text = pick(corpus, r);
    const rounds = 1 + Math.floor(r() * 3);
    for (let k = 0; k < rounds; k++) text = (mutations[pick(names, r)] as Mutation)(text, r);
    let result;
    try {
      result = lintDockerfile(text, { file: "Dockerfile" });
    } catch (error) {
      assert.fail(`seed ${seed} crashed the linter: ${(error as Error).stack}`);
    }
    assert.ok(Array.isArray(result.findings));
    for (const f of result.findings) {
      seen.add(f.ruleId);
      assert.ok(severities.includes(f.severity), `seed ${seed}: severity ${f.severity}`);
      assert.ok(Number.isInteger(f.line) && f.line >= 1 && f.endLine >= f.line && f.column >= 1, `seed ${seed}: range ${JSON.stringify(f)}`);
      assert.ok(f.message.length > 0 && !f.message.includes("\n    at "), `seed ${seed}: message looks like a stack trace`);
      assert.ok(!f.message.includes("could not check"), `seed ${seed}: rule ${f.ruleId} threw: ${f.message}`);
    }
    if (seed % 20 === 0) {
      const fixed = applyFixes(text, result.findings);
      assert.ok(buildModel(fixed.text).problems.length <= buildModel(text).problems.length, `seed ${seed}: a fix broke parsing`);
    }
  }
  assert.ok(seen.has("SG001"), "parse problems were exercised");
  assert.ok(seen.size >= 15, `many rules fired: ${[...seen].sort().join(" ")}`);
});

test("fuzz: 2,000 mutated Go Dockerfiles linted with a module, its build context and a .dockerignore never crash a rule", async () => {
  const { analyze } = await import("../../src/analysis/index.js");
  const contextDir = new URL("../../../test/fixtures/multi-cmd/", import.meta.url).pathname;
  const module = await analyze(contextDir, { engine: "scanner" });
  const goCorpus = [
    ...corpus,
    'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod ./\nCOPY cmd/ cmd/\nWORKDIR /src/cmd/api\nRUN go build -ldflags "-s -w -X main.Version=1" -ldflags "-X main.version=2" -o /out/api .\nFROM alpine:3.20\nCOPY --from=build /out/api /usr/local/bin/\nENV PORT=9000\nEXPOSE 8080\nHEALTHCHECK CMD wget -q http://127.0.0.1:8080/health || exit 1\nENTRYPOINT ["api", "-addr", ":9000"]\n',
    "FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=bind,target=. go install ./cmd/...\nFROM scratch\nWORKDIR /bin\nCOPY --from=build /go/bin/ .\nCMD [\"./worker\"]\n",
  ];
  const names = Object.keys(mutations);
  const seen = new Set<string>();
  for (let seed = 1; seed <= 2_000; seed++) {
    const r = rng(seed);
    let text = pick(goCorpus, r);
    const rounds = Math.floor(r() * 3);
    for (let k = 0; k < rounds; k++) text = (mutations[pick(names, r)] as Mutation)(text, r);
    let result;
    try {
      result = lintDockerfile(text, { file: "Dockerfile", module, contextDir, dockerignore: ["*", "!go.mod", "!*.go", "!cmd"] });
    } catch (error) {
      assert.fail(`seed ${seed} crashed the linter: ${(error as Error).stack}`);
    }
    for (const f of result.findings) {
      seen.add(f.ruleId);
      assert.ok(!f.message.includes("could not check"), `seed ${seed}: rule ${f.ruleId} threw: ${f.message}`);
    }
  }
  for (const id of ["SG116", "SG117", "SG118", "SG119"]) assert.ok(seen.has(id), `${id} ran on some case: ${[...seen].sort().join(" ")}`);
});
