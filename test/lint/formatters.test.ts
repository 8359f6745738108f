import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import ajvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";

// CommonJS packages: the class is the default export of the module object.
const Ajv = ajvDraft04.default;
import { formatGithub, formatJson, formatSarif, formatText, lintDockerfile, rules, unifiedDiff } from "../../src/lint/index.js";

const wrong = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nHEALTHCHECK CMD wget -q -O- http://localhost:8080/ || exit 1\nENTRYPOINT /app\n";
const result = lintDockerfile(wrong, { file: "services/api/Dockerfile" });

describe("formatters", () => {
  test("text: file:line:col severity id message, and a summary", () => {
    const text = formatText([result], { color: false });
    assert.match(text, /^services\/api\/Dockerfile\n/);
    assert.match(text, /services\/api\/Dockerfile:4:1 error +SG104 cgo is enabled/);
    assert.match(text, /\d+ problems \(\d+ error, \d+ warning, \d+ info, 0 style\) in 1 Dockerfile\n$/);
    assert.ok(!text.includes("\u001b["), "no colour unless asked");
    assert.ok(formatText([result], { color: true }).includes("\u001b[31merror"));
  });

  test("text: a clean file says so", () => {
    assert.equal(formatText([lintDockerfile('FROM alpine:3.20\nUSER 1000\nCMD ["/app"]\n')], { color: false }), "1 Dockerfile linted: no problems\n");
  });

  test("json: findings with rule, severity and range", () => {
    const parsed = JSON.parse(formatJson([result])) as { file: string; failed: boolean; findings: { ruleId: string; line: number; endLine: number }[] }[];
    assert.equal(parsed[0]?.file, "services/api/Dockerfile");
    assert.equal(parsed[0]?.failed, true);
    assert.ok(parsed[0]?.findings.some((f) => f.ruleId === "SG109" && f.line === 8));
  });

  test("github: workflow commands with file, line and escaped data", () => {
    const out = formatGithub([result]);
    assert.match(out, /^::error file=services\/api\/Dockerfile,line=4,col=1,endLine=4,title=SG104 \(slimgo lint\)::SG104 /m);
    assert.match(out, /^::notice file=/m, "info findings become notices");
    const escaped = formatGithub([{ ...result, findings: [{ ...result.findings[0]!, message: "50% of\nlines", file: "a,b:c" }] }]);
    assert.match(escaped, /file=a%2Cb%3Ac,.*::\S+ 50%25 of%0Alines/);
  });

  test("sarif: valid against the SARIF 2.1.0 schema, with rule help URIs and regions", () => {
    const sarif = formatSarif([result, lintDockerfile("FROM alpine\n", { file: "Dockerfile" })], { rules, toolVersion: "0.1.0" });
    const schema = JSON.parse(readFileSync(new URL("../../../test/lint/sarif/sarif-2.1.0-rtm.5.json", import.meta.url), "utf8")) as object;
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(sarif) as { version: string; runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    assert.equal(log.version, "2.1.0");
    const run = log.runs[0]!;
    assert.equal(run.tool.driver.rules.length, rules.length);
    for (const r of run.tool.driver.rules) assert.match(r.helpUri, new RegExp(`docs/rules/${r.id}\\.md$`));
    const first = run.results[0]!;
    assert.equal(run.tool.driver.rules[first.ruleIndex]?.id, first.ruleId);
    assert.equal(first.locations[0]?.physicalLocation.artifactLocation.uri, "services/api/Dockerfile");
    assert.ok(first.locations[0]!.physicalLocation.region.startLine >= 1);
  });

  test("sarif: a Dockerfile named by an absolute path gets a file:// URI, which code scanning maps into the checkout", () => {
    const uriOf = (file: string) => (JSON.parse(formatSarif([lintDockerfile(wrong, { file })], { rules })) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    assert.equal(uriOf("/home/runner/work/app/app/deploy/my Dockerfile"), "file:///home/runner/work/app/app/deploy/my%20Dockerfile");
    assert.equal(uriOf("D:\\a\\app\\Dockerfile"), "file:///D:/a/app/Dockerfile");
    assert.equal(uriOf("./deploy/Dockerfile"), "deploy/Dockerfile");
  });

  test("the SARIF validator rejects a broken log (it really checks)", () => {
    const schema = JSON.parse(readFileSync(new URL("../../../test/lint/sarif/sarif-2.1.0-rtm.5.json", import.meta.url), "utf8")) as object;
    const ajv = new Ajv({ strict: false, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(formatSarif([result], { rules })) as { runs: { results: { locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    log.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    assert.equal(validate(log), false);
  });

  test("unifiedDiff: a patch with a/ and b/ names, empty when unchanged", () => {
    const patch = unifiedDiff("FROM a\nCMD x\n", 'FROM a\nCMD ["x"]\n', "Dockerfile");
    assert.match(patch, /^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n@@ -1,2 \+1,2 @@\n FROM a\n-CMD x\n\+CMD \["x"\]\n$/);
    assert.equal(unifiedDiff("same\n", "same\n", "Dockerfile"), "");
  });
});
