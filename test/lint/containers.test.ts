/**
 * Lint findings proved by running them: the container the Dockerfile gives fails as the finding says,
 * and the Dockerfile its fix writes runs. SG218: USER nonroot on the alpine stand-in (whose
 * /etc/passwd has root and nobody, as alpine's has no nonroot). SG108: an exec-form ENTRYPOINT that
 * starts sh on the distroless stand-in, which has no shell. Stand-ins: test/support/standins.ts.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { applyFixes } from "../../src/lint/fixes/apply.js";
import { lintDockerfile } from "../../src/lint/index.js";
import { ULIMIT_FLAGS, podman, podmanBuild, removeImages } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipContainers } from "../support/tools.js";

describe("lint findings, run in a container", { skip: skipContainers(), concurrency: 1 }, () => {
  const dirs = tempDirs();
  const images: string[] = [];
  before(() => ensureStandInImages());
  after(() => removeImages(...images));

  /** Builds `dockerfile` (with `prepare` filling the context) under a tag of this test's own and runs it once. */
  async function buildAndRun(name: string, dockerfile: string, prepare?: (dir: string) => void): Promise<{ code: number; output: string }> {
    const dir = await dirs.make("slimgo-lint-run-");
    await writeFile(join(dir, "Dockerfile"), dockerfile);
    prepare?.(dir);
    const tag = `localhost/slimgo-test/lint-${name}:latest`;
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true });
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag], { allowFailure: true, timeoutMs: 60_000 });
    return { code: run.code, output: run.stdout + run.stderr };
  }

  test("SG218: USER nonroot on alpine: the container fails to start; the fixed USER 65532:65532 runs", async () => {
    const bad = 'FROM alpine:3.20\nUSER nonroot\nCMD ["true"]\n';
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG218");
    assert.deepEqual(findings.map((f) => f.line), [2]);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, 'FROM alpine:3.20\nUSER 65532:65532\nCMD ["true"]\n');

    const before = await buildAndRun("sg218-bad", bad);
    assert.notEqual(before.code, 0, "the container must not start");
    assert.match(before.output, /unable to find user nonroot/);

    const afterFix = await buildAndRun("sg218-fixed", fixed);
    assert.equal(afterFix.code, 0, afterFix.output);
  });

  test('SG108: ENTRYPOINT ["sh", "-c", ...] on distroless cannot start; the fixed ENTRYPOINT runs the program itself', async () => {
    const bad = 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT ["sh", "-c", "exec /app serve"]\n';
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG108");
    assert.deepEqual(findings.map((f) => f.line), [3]);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT ["/app", "serve"]\n');

    // A static program that prints its arguments, built on the host.
    const withProgram = (dir: string) => {
      const src = join(dir, "src");
      execFileSync("mkdir", ["-p", src]);
      execFileSync("sh", ["-c", `printf '%s\\n' 'module app' 'go 1.19' > go.mod && printf '%s\\n' 'package main' 'import ("fmt"; "os")' 'func main() { fmt.Println("app started:", os.Args[1:]) }' > main.go`], { cwd: src });
      execFileSync("go", ["build", "-o", join(dir, "app"), "."], { cwd: src, env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod" } });
    };
    const before = await buildAndRun("sg108-bad", bad, withProgram);
    assert.notEqual(before.code, 0, "the container must not start");
    assert.match(before.output, /sh.*(not found|no such file)/i);

    const afterFix = await buildAndRun("sg108-fixed", fixed, withProgram);
    assert.equal(afterFix.code, 0, afterFix.output);
    assert.match(afterFix.output, /app started: \[serve\]/);
  });
});
