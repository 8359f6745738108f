/**
 * `--ci github-slimgo` builds with `slimgo build` instead of init's Dockerfile: the pipeline's
 * commands are run here as the runner would run them, and the image they make must be the one the
 * Dockerfile describes (files read at run time, the port), tagged as the Buildx workflow tags it.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { copyModule, runSlimgo, SLIMGO_BIN } from "../support/cli.js";
import { freePort, healthcheckRun, podman, removeImages, runContainer, runTool, waitForHttp } from "../support/podman.js";
import { skipContainers } from "../support/tools.js";

const dirs: string[] = [];
const images: string[] = [];
after(async () => {
  await removeImages(...images);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function initWorkflow(fixture: string, args: string[]): Promise<{ dir: string; steps: any[]; stderr: string }> {
  const dir = await copyModule(fixture);
  dirs.push(dir);
  const r = await runSlimgo(["init", ...args, dir]);
  assert.equal(r.code, 0, r.stderr);
  const wf = parse(await readFile(join(dir, ".github/workflows/image.yml"), "utf8"));
  return { dir, steps: wf.jobs.image.steps, stderr: r.stderr };
}

/** A step's script as the runner gets it: `${{ steps.git.outputs.version }}` filled in, and slimgo run from this checkout instead of npx. */
function runnable(script: string): string {
  return script.replaceAll("${{ steps.git.outputs.version }}", "v1.2.3").replace(/npx --yes slimgo@\S+/g, `node ${SLIMGO_BIN}`);
}

test("the push tags the image as docker/metadata-action says, as the Buildx workflow does: the version on a v1.2.3 tag push, the branch, sha-COMMIT", async () => {
  const { steps } = await initWorkflow("root-main", ["--ci", "github-slimgo"]);
  const buildx = (await initWorkflow("root-main", ["--ci", "github"])).steps;
  const meta = steps.find((s) => s.uses?.startsWith("docker/metadata-action"));
  assert.deepEqual(meta, buildx.find((s) => s.uses?.startsWith("docker/metadata-action")), "the same metadata step as the Buildx workflow");
  const push = steps.at(-1);
  assert.equal(push.env.TAGS, "${{ steps.meta.outputs.tags }}");
  assert.ok(steps.indexOf(meta) < steps.indexOf(push));

  // The script under bash with the outputs of a tag push; npx stands in for slimgo and prints what it is given.
  const args = (tags: string[]) =>
    execFileSync("bash", ["-e", "-c", `npx() { printf '%s\\n' "$@"; }\n${push.run.replaceAll("${{ steps.git.outputs.version }}", "v1.2.3")}`], {
      env: { PATH: process.env.PATH, IMAGE: "ghcr.io/Acme/Shop", TAGS: tags.join("\n") },
      encoding: "utf8",
    }).trimEnd().split("\n");
  const onTag = args(["ghcr.io/acme/shop:1.2.3", "ghcr.io/acme/shop:sha-0123abc"]);
  const pushed = onTag.slice(onTag.indexOf("--push") + 1);
  assert.deepEqual(pushed, ["ghcr.io/acme/shop", "--tag", "1.2.3", "--tag", "sha-0123abc"]);
  const onBranch = args(["ghcr.io/acme/shop:main", "ghcr.io/acme/shop:sha-0123abc"]);
  assert.deepEqual(onBranch.slice(onBranch.indexOf("--push") + 1), ["ghcr.io/acme/shop", "--tag", "main", "--tag", "sha-0123abc"]);
});

test("what slimgo build cannot do as the Dockerfile does is a warning: zoneinfo on --runtime alpine", async () => {
  const { steps, stderr } = await initWorkflow("zoneinfo", ["--ci", "github-slimgo", "--runtime", "alpine"]);
  assert.match(steps.at(-1).run, / --base alpine:3\.20 /, "the runtime image is slimgo build's base");
  assert.match(stderr, /warning: --ci github-slimgo: zoneinfo: slimgo build --base alpine:3\.20 adds only .* so the pushed image lacks the zoneinfo the Dockerfile copies from the builder: use --ci github/);
  const distroless = await initWorkflow("zoneinfo", ["--ci", "github-slimgo", "--runtime", "distroless"]);
  assert.match(distroless.steps.at(-1).run, / --base gcr\.io\/distroless\/static-debian12:nonroot /);
  assert.doesNotMatch(distroless.stderr, /github-slimgo/, "distroless has zoneinfo: nothing to warn about");
});

test("embed with --port 9000: the pipeline's slimgo build makes an image with templates/ and the port the Dockerfile has", { skip: skipContainers() }, async () => {
  const { dir, steps } = await initWorkflow("embed", ["--ci", "github-slimgo", "--port", "9000"]);
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  assert.match(dockerfile, /^COPY templates\/ \.\/templates\/$/m);
  assert.match(dockerfile, /^ENV PORT=9000$/m);

  const scanBuild = steps.find((s) => /--tarball image\.tar/.test(s.run ?? "")).run as string;
  const image = `localhost/slimgo-test/ci-embed:${process.pid}`;
  images.push(image);
  const built = await runTool("bash", ["-e", "-c", `${runnable(scanBuild)} --name ${image.split(":")[0]} -t ${process.pid}`], { cwd: dir, timeoutMs: 300_000 });
  assert.doesNotMatch(built.stderr, /is read at run time but is not in the image/, "slimgo build is given templates/");
  await podman(["load", "-i", join(dir, "image.tar")]);

  const port = await freePort();
  const container = await runContainer({ image, ports: { 9000: port } });
  try {
    const base = `http://127.0.0.1:${port}`;
    assert.equal(await waitForHttp(`${base}/healthz`), 204, "the program listens on 9000, as the Dockerfile's ENV PORT=9000 has it");
    const page = await fetch(`${base}/page`);
    const text = await page.text();
    assert.equal(page.status, 200, text);
    assert.match(text, /<title>embedded<\/title>/, "templates/page.html is in the image where the program reads it");
    let health = await healthcheckRun(container.id);
    for (let i = 0; i < 20 && !health.healthy; i++) {
      await new Promise((r) => setTimeout(r, 250));
      health = await healthcheckRun(container.id);
    }
    assert.ok(health.healthy, health.output);
  } finally {
    await container.remove();
  }
});
