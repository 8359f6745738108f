/** `slimgo verify` budgets and output formats through the real CLI, on a small image written here. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOciArchive, writeOciLayout } from "../../src/transports/index.js";
import { runSlimgo } from "../support/cli.js";
import { hasTool } from "../support/tools.js";
import { busyboxImage } from "../transports/fixture.js";

const work = mkdtempSync(join(tmpdir(), "slimgo-verify-options-"));
const ref = `oci:${join(work, "layout")}:app`;
after(() => rmSync(work, { recursive: true, force: true }));

function statuses(stdout: string): Record<string, string> {
  const doc = JSON.parse(stdout) as { reports: { checks: { name: string; status: string }[] }[] };
  return Object.fromEntries(doc.reports[0]!.checks.map((c) => [c.name, c.status]));
}

describe("slimgo verify options", () => {
  before(async () => {
    const image = await busyboxImage(join(work, "blobs"));
    await writeOciLayout(join(work, "layout"), image, { ref: "app" });
    await writeOciArchive(join(work, "app.tar"), image, { ref: "app" });
  });

  test("an oci-archive reads like the layout it holds", async () => {
    const fromArchive = await runSlimgo(["inspect", `oci-archive:${join(work, "app.tar")}`, "--json"]);
    const fromLayout = await runSlimgo(["inspect", ref, "--json"]);
    assert.equal(fromArchive.code, 0, fromArchive.stderr);
    assert.equal(JSON.parse(fromArchive.stdout).digest, JSON.parse(fromLayout.stdout).digest);
    const verify = await runSlimgo(["verify", `oci-archive:${join(work, "app.tar")}`]);
    assert.equal(verify.code, 0, verify.stdout);
  });

  test("inspect --html into a directory that does not exist is a one-line error naming it, and nothing is written", async () => {
    const html = join(work, "no-such-dir", "report.html");
    const result = await runSlimgo(["inspect", ref, "--html", html]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), `slimgo: --html ${html}: ${join(work, "no-such-dir")} is not a directory: create it first, or write the report elsewhere`);
    assert.equal(result.stdout, "", "the image was not reported either");
  });

  test("docker: without a docker CLI is a one-line error saying what to do instead", { skip: hasTool("docker") ? "a docker CLI is installed here" : false }, async () => {
    const result = await runSlimgo(["verify", "docker:app:1"]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), "slimgo: docker is not installed here; save the image yourself (docker save -o FILE NAME) and pass docker-archive:FILE");
  });

  test("without budgets the busybox image passes (exit 0)", async () => {
    const result = await runSlimgo(["verify", ref, "--json"]);
    assert.equal(result.code, 0, result.stdout);
    const s = statuses(result.stdout);
    assert.equal(s["max-size"], "skip");
    assert.equal(s["no-shell"], "skip");
  });

  test("--max-size and --no-shell turn on their checks, which fail here (exit 1)", async () => {
    const result = await runSlimgo(["verify", ref, "--max-size", "100KB", "--no-shell", "--json"]);
    assert.equal(result.code, 1);
    const s = statuses(result.stdout);
    assert.equal(s["max-size"], "fail");
    assert.equal(s["no-shell"], "fail");
    const roomy = await runSlimgo(["verify", ref, "--max-size", "20MB", "--json"]);
    assert.equal(roomy.code, 0);
    assert.equal(statuses(roomy.stdout)["max-size"], "pass");
  });

  test("--format sarif gives a SARIF log with one result per failed check", async () => {
    const result = await runSlimgo(["verify", ref, "--no-shell", "--format", "sarif"]);
    assert.equal(result.code, 1);
    const log = JSON.parse(result.stdout);
    assert.equal(log.version, "2.1.0");
    assert.deepEqual(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId), ["SV014"]);
    assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, ref);
  });

  test("a bad --max-size or --format is a usage error (exit 2)", async () => {
    const size = await runSlimgo(["verify", ref, "--max-size", "big"]);
    assert.equal(size.code, 2);
    assert.match(size.stderr, /--max-size "big": not a size/);
    const format = await runSlimgo(["verify", ref, "--format", "xml"]);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /must be one of text, json, sarif/);
  });

  test("inspect and verify read no slimgo.yaml, so --config is an unknown option (exit 2), not one that changes nothing", async () => {
    for (const command of ["inspect", "verify"]) {
      const r = await runSlimgo([command, "--config", join(work, "slimgo.yaml"), ref]);
      assert.equal(r.code, 2, `${command}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /unknown option '--config'/, command);
      assert.doesNotMatch((await runSlimgo([command, "--help"])).stdout, /--config/, command);
    }
  });

  test("inspect prints the summary, layers, config and directories as text", async () => {
    const result = await runSlimgo(["inspect", ref, "--tree"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\(linux\/amd64\)\n  digest      sha256:[0-9a-f]{64}/);
    assert.match(result.stdout, /^ {3}1 .* slimgo: binary$/m);
    assert.match(result.stdout, /entrypoint   \["\/bin\/busybox","echo","hello from slimgo"\]/);
    assert.match(result.stdout, /user         65532/);
    assert.match(result.stdout, /Go binaries \(0\)/);
    assert.match(result.stdout, /MiB +100\.0%  \/bin/);
    assert.match(result.stdout, /0755 +\d+\.\d+ MiB {2} {2}busybox/);
  });
});
