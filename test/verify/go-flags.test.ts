/**
 * SV001 and SV002 on real Go binaries (the fixtures, built here for amd64 and arm64): a flag the
 * program defines passes, a name found nowhere fails, and a name whose bytes occur only inside other
 * strings ("adr" in "badreflectcall", "heal" in "health") is not passed: the program exits 2 on it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGoBinary } from "../../src/gobinary/index.js";
import { checks } from "../../src/verify/index.js";
import type { ContainerConfig } from "../../src/verify/image-view.js";
import { FIXTURES } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { skipUnless } from "../support/tools.js";
import { fakeView } from "./fake-view.js";

const entrypoint = checks.find((c) => c.name === "entrypoint")!;
const healthcheck = checks.find((c) => c.name === "healthcheck")!;
let work = "";
const binaries = new Map<string, Buffer>();

async function build(fixture: string, goarch: string): Promise<void> {
  const out = join(work, `${fixture}-${goarch}`);
  await runTool("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", out, "."], {
    cwd: join(FIXTURES, fixture),
    env: { CGO_ENABLED: "0", GOOS: "linux", GOARCH: goarch, GOFLAGS: "", GOWORK: "off", GOPROXY: "off" },
    timeoutMs: 180_000,
  });
  binaries.set(`${fixture}-${goarch}`, await readFile(out));
}

/** An image holding the fixture's binary as /app, with `config`. */
async function image(binary: string, config: ContainerConfig) {
  const content = binaries.get(binary)!;
  const info = (await readGoBinary(content))!;
  const architecture = binary.endsWith("arm64") ? "arm64" : "amd64";
  return fakeView({ platform: { os: "linux", architecture }, config, files: { "/app": { content, mode: 0o755 } }, goBinaries: [{ path: "/app", info }] });
}

describe("flags given to real Go binaries", { skip: skipUnless("go"), concurrency: 1 }, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "slimgo-go-flags-"));
    for (const goarch of ["amd64", "arm64"]) {
      await build("health-flag", goarch);
      await build("cli-tool", goarch);
    }
  });
  after(() => rm(work, { recursive: true, force: true }));

  for (const arch of ["amd64", "arm64"]) {
    test(`${arch}: the flags the program defines pass`, async () => {
      const health = await healthcheck.run(await image(`health-flag-${arch}`, { Entrypoint: ["/app"], Healthcheck: { Test: ["CMD", "/app", "-health"] } }), {});
      assert.equal(health.status, "pass", health.message);
      const cli = await entrypoint.run(await image(`cli-tool-${arch}`, { Entrypoint: ["/app", "-version", "--w=true"] }), {});
      assert.equal(cli.status, "pass", cli.message);
    });

    test(`${arch}: a short typo whose letters occur inside other strings is not passed`, async () => {
      const result = await entrypoint.run(await image(`health-flag-${arch}`, { Entrypoint: ["/app"], Cmd: ["-adr=:8080"] }), {});
      assert.notEqual(result.status, "pass", result.message);
      assert.match(result.message, /its flag -adr=:8080 could not be confirmed \(\/app holds "adr" only inside other strings, not as a string of its own/);
      const prefix = await healthcheck.run(await image(`health-flag-${arch}`, { Healthcheck: { Test: ["CMD", "/app", "-heal"] } }), {});
      assert.notEqual(prefix.status, "pass", prefix.message);
      assert.match(prefix.message, /-heal could not be confirmed/);
    });

    test(`${arch}: a name found nowhere in the binary fails`, async () => {
      const result = await healthcheck.run(await image(`health-flag-${arch}`, { Healthcheck: { Test: ["CMD", "/app", "-healthcheck"] } }), {});
      assert.equal(result.status, "fail", result.message);
      assert.match(result.message, /defines no flag healthcheck/);
    });
  }
});
