/**
 * Lint findings proved by running them: SG218's USER nonroot on alpine makes the container fail to
 * start, and the Dockerfile its fix writes runs. Built on the alpine stand-in (test/support/standins.ts),
 * whose /etc/passwd has root and nobody, as alpine's has no nonroot.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { applyFixes } from "../../src/lint/fixes/apply.js";
import { lintDockerfile } from "../../src/lint/index.js";
import { ULIMIT_FLAGS, podman, podmanBuild, removeImages } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipContainers } from "../support/tools.js";

const BAD = 'FROM alpine:3.20\nUSER nonroot\nCMD ["true"]\n';

describe("SG218 user-not-in-base, run in a container", { skip: skipContainers(), concurrency: 1 }, () => {
  const dirs = tempDirs();
  const images: string[] = [];
  before(() => ensureStandInImages());
  after(() => removeImages(...images));

  /** Builds `dockerfile` under a tag of this test's own and runs it once. */
  async function buildAndRun(name: string, dockerfile: string): Promise<{ code: number; output: string }> {
    const dir = await dirs.make("slimgo-sg218-");
    await writeFile(join(dir, "Dockerfile"), dockerfile);
    const tag = `localhost/slimgo-test/sg218-${name}:latest`;
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true });
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag], { allowFailure: true, timeoutMs: 60_000 });
    return { code: run.code, output: run.stdout + run.stderr };
  }

  test("USER nonroot on alpine: the container fails to start; the fixed USER 65532:65532 runs", async () => {
    const findings = lintDockerfile(BAD).findings.filter((f) => f.ruleId === "SG218");
    assert.deepEqual(findings.map((f) => f.line), [2]);
    const fixed = applyFixes(BAD, findings).text;
    assert.equal(fixed, 'FROM alpine:3.20\nUSER 65532:65532\nCMD ["true"]\n');

    const bad = await buildAndRun("bad", BAD);
    assert.notEqual(bad.code, 0, "the container must not start");
    assert.match(bad.output, /unable to find user nonroot/);

    const afterFix = await buildAndRun("fixed", fixed);
    assert.equal(afterFix.code, 0, afterFix.output);
  });
});
