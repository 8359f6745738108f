// The test run ends with the failed tests repeated (package.json's test scripts): CI keeps only
// the tail of the log, and a failure hundreds of tests earlier must still be found there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { tempDirs } from "../support/temp-dirs.js";

const run = promisify(execFile);
const dirs = tempDirs();
const reporter = fileURLToPath(new URL("../support/failure-summary-reporter.js", import.meta.url));

async function runTests(source: string): Promise<{ code: number; output: string }> {
  const dir = await dirs.make("slimgo-failure-summary-");
  const file = join(dir, "sample.test.mjs");
  await writeFile(file, source);
  const args = [
    "--test",
    "--test-reporter=tap", "--test-reporter-destination=stdout",
    `--test-reporter=${reporter}`, "--test-reporter-destination=stdout",
    file,
  ];
  // Without this, node --test inside a test reports to this run instead of printing.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  try {
    const { stdout } = await run(process.execPath, args, { env });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}

test("a failed test nested in suites is repeated after the TAP summary, with its suites, file, line and error", async () => {
  const { code, output } = await runTests(`
import { describe, it } from "node:test";
import assert from "node:assert/strict";
describe("registry push", () => {
  describe("faults", () => {
    it("recovers after a 500", () => { assert.equal("sha256:aaa", "sha256:bbb"); });
    it("passes", () => {});
  });
});
it("another passes", () => {});
`);
  assert.equal(code, 1);
  const tail = output.slice(output.lastIndexOf("# duration_ms"));
  assert.match(tail, /# 1 failed test:\n# not ok: registry push > faults > recovers after a 500\n#   at .*sample\.test\.mjs:6\n/);
  assert.match(tail, /sha256:aaa/);
  assert.doesNotMatch(tail, /node:internal/);
  assert.doesNotMatch(tail, /not ok: .*passes/);
});

test("a run with no failure ends as TAP does, with nothing added", async () => {
  const { code, output } = await runTests(`
import { it } from "node:test";
it("passes", () => {});
`);
  assert.equal(code, 0);
  assert.match(output, /# duration_ms [\d.]+\n$/);
});
