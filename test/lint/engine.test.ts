import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lintDockerfile, type LintConfig } from "../../src/lint/index.js";

const latest = "FROM alpine:latest\nUSER 1000\nCMD [\"/app\"]\n";
const ids = (text: string, config?: LintConfig): string[] => lintDockerfile(text, config ? { config } : {}).findings.map((f) => f.ruleId);

describe("suppressions and config", () => {
  test("# slimgo ignore= on the line before an instruction", () => {
    assert.deepEqual(ids(latest), ["SG201"]);
    assert.deepEqual(ids("# slimgo ignore=SG201\n" + latest), []);
    assert.deepEqual(ids("# slimgo ignore=SG203,SG201\n# another comment\n" + latest), []);
    assert.deepEqual(ids("# slimgo ignore=SG201\n\n" + latest), ["SG201"], "a blank line ends the reach of an inline ignore");
  });
  test("an inline ignore covers findings inside a continued instruction", () => {
    const code = "FROM golang:1.22\nRUN apk add git && \\\n    go install example.com/tool@latest\n";
    assert.deepEqual(lintDockerfile(code).findings.filter((f) => f.ruleId === "SG114").map((f) => f.line), [3]);
    assert.deepEqual(lintDockerfile(code.replace("RUN", "# slimgo ignore=SG114\nRUN")).findings.filter((f) => f.ruleId === "SG114"), []);
  });
  test("# slimgo global ignore= anywhere", () => {
    assert.deepEqual(ids(latest + "# slimgo global ignore=SG201\n"), []);
  });
  test("# hadolint ignore=DL3007 for the corresponding rule", () => {
    assert.deepEqual(ids("# hadolint ignore=DL3007\n" + latest), []);
    assert.deepEqual(ids("# hadolint ignore=DL3008\n" + latest), ["SG201"]);
  });
  test("BuildKit's # check=skip= directive", () => {
    const shell = "FROM alpine:3.20\nUSER 1000\nCMD /app\n";
    assert.deepEqual(ids(shell), ["SG203"]);
    assert.deepEqual(ids("# check=skip=JSONArgsRecommended\n" + shell), []);
    assert.deepEqual(ids("# check=skip=all\n" + shell), []);
  });
  test("config: ignore, severity overrides, off, failure threshold", () => {
    assert.deepEqual(ids(latest, { ignore: ["SG201"] }), []);
    assert.deepEqual(ids(latest, { ignore: ["DL3007"] }), []);
    assert.deepEqual(ids(latest, { severity: { SG201: "off" } }), []);
    const r = lintDockerfile(latest, { config: { severity: { SG201: "info" } } });
    assert.equal(r.findings[0]?.severity, "info");
    assert.equal(r.failed, false, "info is below the default warning threshold");
    assert.equal(lintDockerfile(latest, { config: { severity: { SG201: "info" }, failureThreshold: "info" } }).failed, true);
    assert.equal(lintDockerfile(latest, { config: { failureThreshold: "none" } }).failed, false);
    assert.equal(lintDockerfile(latest).failed, true);
  });
  test("rules needing the module skip without one", () => {
    const scratch = "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\nUSER 1000\nENTRYPOINT [\"/app\"]\n";
    assert.ok(!ids(scratch).includes("SG110"));
  });
});

describe("robustness", () => {
  test("findings are sorted by line", () => {
    const r = lintDockerfile("FROM golang:latest\nRUN cd /x && sudo go build .\nCMD go\nMAINTAINER me\n");
    const lines = r.findings.map((f) => f.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
    for (const f of r.findings) assert.ok(f.endLine >= f.line && f.column >= 1);
  });
  test("the parser's heredoc crash becomes a finding with a line, not a stack trace", () => {
    const r = lintDockerfile("FROM alpine:3.20\nRUN #<<EOF\\\n\\#COPY \n");
    const f = r.findings.find((x) => x.ruleId === "SG001");
    assert.equal(f?.line, 2);
    assert.match(f?.message ?? "", /heredoc/);
  });
  test("empty input, BOM and CRLF", () => {
    assert.deepEqual(lintDockerfile("").findings.map((f) => `${f.ruleId}:${f.line}`), ["SG001:1"]);
    const bom = lintDockerfile("\uFEFFFROM alpine:latest\r\nUSER 1000\r\nCMD [\"/app\"]\r\n");
    assert.deepEqual(bom.findings.map((f) => `${f.ruleId}:${f.line}`), ["SG201:1"]);
  });
  test("escape directive: backtick continuations", () => {
    const r = lintDockerfile("# escape=`\nFROM golang:1.22 AS b\nRUN go `\n  build -o /app .\nFROM scratch\nCOPY --from=b /app /app\nUSER 1000\nENTRYPOINT [\"/app\"]\n");
    assert.ok(r.findings.some((f) => f.ruleId === "SG104" && f.line === 3), JSON.stringify(r.findings));
  });
  test("variables resolve in FROM", () => {
    const r = lintDockerfile("ARG GO=1.22\nFROM golang:${GO}-alpine AS b\nFROM golang:${GO}\n");
    assert.equal(r.findings.filter((f) => f.ruleId === "SG201").length, 0);
    assert.ok(r.findings.some((f) => f.ruleId === "SG101" && f.message.includes("golang:1.22")));
  });
});
