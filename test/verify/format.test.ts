import { test } from "node:test";
import assert from "node:assert/strict";
import { checks, formatJson, formatSarif, formatText, verifyExitCode, verifyImage } from "../../src/verify/index.js";
import { fakeView, goBinary } from "./fake-view.js";

const SECRET = "ghp_0123456789abcdefSECRET";

async function reports() {
  const bad = fakeView({
    config: { Entrypoint: ["/app"], Env: [`GITHUB_TOKEN=${SECRET}`] },
    goBinaries: [goBinary("/app", { tlsClient: true })],
  });
  const good = fakeView({ config: { Entrypoint: ["/app"], User: "65532" }, goBinaries: [goBinary("/app")] });
  return {
    bad: await verifyImage(bad, { reference: "registry.example.com/team/app:1.0" }),
    good: await verifyImage(good, { reference: "registry.example.com/team/app:1.1" }),
  };
}

test("a report lists every check once, counts them, and decides the exit code", async () => {
  const { bad, good } = await reports();
  assert.deepEqual(bad.checks.map((c) => c.id), checks.map((c) => c.id));
  assert.deepEqual(new Set(checks.map((c) => c.id)).size, checks.length, "check ids are unique");
  assert.deepEqual(bad.checks.filter((c) => c.status === "fail").map((c) => c.name), ["non-root-user", "ca-certificates", "no-secrets-in-config"]);
  assert.equal(bad.counts.fail, 3);
  assert.equal(bad.passed, false);
  assert.equal(good.passed, true, JSON.stringify(good.checks.filter((c) => c.status === "fail")));
  assert.equal(bad.platform, "linux/amd64");
  assert.equal(verifyExitCode(bad), 1);
  assert.equal(verifyExitCode(good), 0);
  assert.equal(verifyExitCode([good, bad]), 1);
});

test("text shows each check with status and evidence, coloured only when asked", async () => {
  const { bad } = await reports();
  const plain = formatText(bad);
  assert.match(plain, /^registry\.example\.com\/team\/app:1\.0 \(linux\/amd64\)$/m);
  assert.match(plain, /^ {2}FAIL {2}SV005 non-root-user: no USER/m);
  assert.match(plain, /^ {2}PASS {2}SV001 entrypoint/m);
  assert.match(plain, /^ {2}SKIP {2}SV007 zoneinfo/m);
  assert.match(plain, /^ {8}\/app links crypto\/tls/m);
  assert.match(plain, /16 checks: \d+ passed, 3 failed, \d+ skipped/);
  assert.doesNotMatch(plain, /\u001b\[/);
  const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
  const id = (s: string) => s;
  const coloured = formatText(bad, { bold: id, dim: id, red, yellow: id, green: id });
  assert.ok(coloured.includes(red("FAIL")));
});

test("secret values never reach any output", async () => {
  const { bad } = await reports();
  for (const out of [formatText(bad), formatJson(bad), formatSarif(bad)]) {
    assert.ok(!out.includes(SECRET), "secret value leaked");
    assert.match(out, /GITHUB_TOKEN=\*\*\*\*/);
  }
});

test("JSON carries every report and the overall verdict", async () => {
  const { bad, good } = await reports();
  const parsed = JSON.parse(formatJson([good, bad]));
  assert.equal(parsed.passed, false);
  assert.equal(parsed.reports.length, 2);
  assert.equal(parsed.reports[1].checks.find((c: { id: string }) => c.id === "SV006").status, "fail");
});

test("SARIF 2.1.0: one result per failed check, located at the image reference", async () => {
  const { bad, good } = await reports();
  const log = JSON.parse(formatSarif([bad, good], { toolVersion: "0.1.0" }));
  assert.equal(log.version, "2.1.0");
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, "slimgo");
  assert.equal(run.tool.driver.rules.length, checks.length);
  assert.equal(run.results.length, 3);
  for (const result of run.results) {
    assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
    assert.equal(result.level, "error");
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, "registry.example.com/team/app:1.0");
  }
  assert.deepEqual(run.results.map((r: { ruleId: string }) => r.ruleId), ["SV005", "SV006", "SV012"]);
});
