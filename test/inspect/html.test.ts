/**
 * The `inspect --html` report opened in headless Chromium: it renders, both treemaps are there with
 * rectangles, and the page asks for nothing (its Content-Security-Policy would refuse and log any
 * fetch; a control page with one external image proves such a refusal is seen).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOciLayout } from "../../src/transports/index.js";
import { runSlimgo } from "../support/cli.js";
import { hasTool, skipUnless } from "../support/tools.js";
import { busyboxImage } from "../transports/fixture.js";

const browser = hasTool("chromium") ? "chromium" : "chromium-browser";
const skip = skipUnless("chromium") && skipUnless("chromium-browser");
const work = mkdtempSync(join(tmpdir(), "slimgo-html-"));
after(() => rmSync(work, { recursive: true, force: true }));

interface BrowserRun {
  stdout: string;
  stderr: string;
}

/** Runs headless Chromium on a local file with networking features off and a throwaway profile. */
function chromium(args: string[], file: string): Promise<BrowserRun> {
  const profile = mkdtempSync(join(work, "profile-"));
  const full = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profile}`,
    "--enable-logging=stderr",
    "--v=0",
    ...args,
    `file://${file}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(browser, full, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
      resolve({ stdout, stderr });
    });
  });
}

/** Console lines from the page about blocked or failed loads. */
function loadProblems(stderr: string): string[] {
  return stderr.split("\n").filter((l) => /Refused to (load|connect|apply|execute)|Content Security Policy|net::ERR_|Failed to load/.test(l));
}

describe("inspect --html in headless Chromium", { skip, concurrency: 1 }, () => {
  const report = join(work, "report.html");

  before(async () => {
    const image = await busyboxImage(join(work, "blobs"), { config: { Env: ["PATH=/bin", "API_TOKEN=s3cr3t-value"] } });
    await writeOciLayout(join(work, "layout"), image, { ref: "html-test:1" });
    const result = await runSlimgo(["inspect", `oci:${join(work, "layout")}`, "--html", report]);
    assert.equal(result.code, 0, result.stderr);
  });

  test("the page renders with both treemaps and the verify results, and loads nothing", async () => {
    const html = readFileSync(report, "utf8");
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/);
    assert.doesNotMatch(html, /s3cr3t-value/, "secret env values are masked in the report");
    const { stdout: dom, stderr } = await chromium(["--dump-dom"], report);
    assert.match(dom, /<h1>slimgo inspect oci:/);
    const svgs = dom.match(/<svg class="treemap"[\s\S]*?<\/svg>/g) ?? [];
    assert.equal(svgs.length, 2, "one treemap per directory, one per layer");
    for (const svg of svgs) assert.ok((svg.match(/<rect /g) ?? []).length >= 1, svg.slice(0, 300));
    assert.match(svgs[0]!, /<title>\/bin: /, "the directory treemap names /bin");
    assert.match(svgs[1]!, /<title>layer 1: .*slimgo: binary/, "the layer treemap names the instruction");
    assert.match(dom, /SV001 entrypoint/);
    assert.deepEqual(loadProblems(stderr), []);
  });

  test("a control page with one external image shows that blocked loads would be caught", async () => {
    const control = join(work, "control.html");
    writeFileSync(control, readFileSync(report, "utf8").replace("<body>", '<body><img src="http://127.0.0.1:9/x.png">'));
    const { stderr } = await chromium(["--dump-dom"], control);
    assert.notDeepEqual(loadProblems(stderr), [], stderr.slice(-2000));
  });

  test("a screenshot of the page is drawn", async () => {
    const png = join(work, "report.png");
    await chromium(["--window-size=1100,1600", `--screenshot=${png}`, "--hide-scrollbars"], report);
    const bytes = readFileSync(png);
    assert.equal(bytes.subarray(1, 4).toString("latin1"), "PNG");
    assert.equal(bytes.readUInt32BE(16), 1100);
    assert.ok(statSync(png).size > 20_000, "a page with colour treemaps is not a blank image");
    if (process.env.SLIMGO_KEEP_SCREENSHOT) writeFileSync(process.env.SLIMGO_KEEP_SCREENSHOT, bytes);
  });
});
