/**
 * A Go program cross-compiled for Windows or macOS and put into a Linux image: podman fails it with
 * "exec format error", so verify must fail it too (SV001, SV004), SV016 must not call it PID 1, and
 * inspect must say what the file is.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES, runSlimgo } from "../support/cli.js";
import { podman, podmanBuild, removeImages, runTool } from "../support/podman.js";
import { skipContainers } from "../support/tools.js";

const skip = skipContainers();
const images: string[] = [];
let context = "";

const platforms = [
  { goos: "windows", goarch: "amd64", shown: "Windows PE executable (x86-64)", built: "windows/amd64" },
  { goos: "darwin", goarch: "arm64", shown: "macOS Mach-O executable (arm64)", built: "darwin/arm64" },
];

describe("verify and inspect on an image whose entrypoint is built for another OS", { skip, concurrency: 1 }, () => {
  before(async () => {
    context = await mkdtemp(join(tmpdir(), "slimgo-foreign-exe-"));
    for (const p of platforms) {
      await runTool("go", ["build", "-trimpath", "-o", join(context, `app-${p.goos}`), "."], {
        cwd: join(FIXTURES, "cli-tool"),
        env: { CGO_ENABLED: "0", GOOS: p.goos, GOARCH: p.goarch, GOFLAGS: "", GOWORK: "off", GOPROXY: "off" },
        timeoutMs: 180_000,
      });
    }
  });

  after(async () => {
    await removeImages(...images);
    await rm(context, { recursive: true, force: true });
  });

  for (const p of platforms) {
    test(`a ${p.goos} build fails SV001 and SV004 as podman fails it, and inspect says what it is`, async () => {
      const tag = `localhost/slimgo-test/foreign-exe-${p.goos}:latest`;
      images.push(tag);
      await writeFile(join(context, "Dockerfile"), `FROM scratch\nCOPY app-${p.goos} /app\nUSER 65532\nENTRYPOINT ["/app"]\n`);
      await podmanBuild({ context, tag, noCache: true });

      const run = await podman(["run", "--rm", tag], { allowFailure: true });
      assert.notEqual(run.code, 0);
      assert.match(run.stderr + run.stdout, /exec format error/);

      const verify = await runSlimgo(["verify", `podman:${tag}`, "--json"]);
      assert.equal(verify.code, 1, verify.stderr);
      const checks = (JSON.parse(verify.stdout) as { reports: { checks: { name: string; status: string; message: string }[] }[] }).reports[0]!.checks;
      const byName = new Map(checks.map((c) => [c.name, c]));
      assert.deepEqual(checks.filter((c) => c.status === "fail").map((c) => c.name), ["entrypoint", "architecture"], JSON.stringify(checks, null, 1));
      assert.match(byName.get("entrypoint")!.message, new RegExp(`/app is a ${p.shown.replace(/[()]/g, "\\$&")}, not a Linux ELF program, so the container fails with "exec format error"`));
      assert.match(byName.get("architecture")!.message, new RegExp(`^/app \\(${p.built}\\) cannot run on linux/amd64`));
      assert.equal(byName.get("signals")!.status, "skip");

      const inspect = await runSlimgo(["inspect", `podman:${tag}`]);
      assert.equal(inspect.code, 0, inspect.stderr);
      assert.ok(inspect.stdout.includes(`runs         /app: ${p.shown}; linux/amd64 cannot exec it ("exec format error")`), inspect.stdout);
    });
  }
});
