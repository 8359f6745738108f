import { after, test } from "node:test";
import assert from "node:assert/strict";
import { access, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parse } from "yaml";
import { copyModule, FIXTURES, runSlimgo } from "../support/cli.js";
import { workflowErrors } from "./workflow-parser.js";
import { gitlabJobErrors, gitlabJobsRun } from "./gitlab-jobs.js";

const require = createRequire(import.meta.url);
const hcl = require("hcl2-parser") as { parseToObject(text: string): [any, unknown] };

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function init(fixture: string, args: string[]): Promise<string> {
  const dir = await copyModule(fixture);
  dirs.push(dir);
  const r = await runSlimgo(["init", ...args, dir]);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

/** A release tag (v1.2.3 or 0.28.0) or a full commit SHA; never a moving @v4 or @main. */
const PINNED = /@(v?\d+\.\d+\.\d+|[0-9a-f]{40})$/;

function steps(workflow: any, job: string): any[] {
  return workflow.jobs[job].steps;
}

function allUses(workflow: any): string[] {
  return Object.values(workflow.jobs).flatMap((j: any) => j.steps.filter((s: any) => s.uses).map((s: any) => s.uses as string));
}

test("--ci github: GitHub's parser accepts the workflow; it builds multi-arch with gha cache, SBOM, provenance, a failing scan and lint SARIF", async () => {
  const dir = await init("root-main", ["--ci", "github"]);
  const text = await readFile(join(dir, ".github/workflows/image.yml"), "utf8");
  assert.deepEqual(await workflowErrors("image.yml", text), []);
  const wf = parse(text);
  for (const uses of allUses(wf)) assert.match(uses, PINNED, `${uses} is pinned`);

  const image = steps(wf, "image");
  const uses = image.map((s) => s.uses?.replace(/@.*/, ""));
  assert.deepEqual(uses.filter(Boolean), [
    "actions/checkout",
    "docker/setup-buildx-action",
    "docker/login-action",
    "docker/metadata-action",
    "docker/build-push-action",
    "anchore/scan-action",
    "docker/build-push-action",
  ]);
  const login = image.find((s) => s.uses?.startsWith("docker/login-action"));
  assert.equal(login.with.registry, "${{ env.REGISTRY }}");
  assert.equal(wf.env.REGISTRY, "ghcr.io");
  assert.equal(login.with.password, "${{ secrets.GITHUB_TOKEN }}");
  const scan = image.find((s) => s.uses?.startsWith("anchore/scan-action"));
  assert.equal(scan.with["fail-build"], true);
  assert.equal(scan.with["severity-cutoff"], "high");
  const push = image[image.length - 1];
  assert.equal(push.with.platforms, "linux/amd64,linux/arm64");
  assert.equal(push.with["cache-from"], "type=gha");
  assert.equal(push.with["cache-to"], "type=gha,mode=max");
  assert.equal(push.with.sbom, true);
  assert.equal(push.with.provenance, true);
  assert.equal(push.with.target, "runtime");
  assert.match(push.with["build-args"], /^VERSION=\$\{\{ steps\.git\.outputs\.version \}\}\nCOMMIT=\$\{\{ steps\.git\.outputs\.commit \}\}$/);
  assert.equal(image.indexOf(scan) < image.indexOf(push), true, "the scan runs before anything is pushed");
  assert.equal(wf.jobs.image.permissions.packages, "write");

  const lint = steps(wf, "lint");
  assert.ok(lint.some((s) => /slimgo@\d+\.\d+\.\d+ lint --format sarif Dockerfile > slimgo\.sarif/.test(s.run ?? "")));
  const upload = lint.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"));
  assert.equal(upload.with.sarif_file, "slimgo.sarif");
  assert.equal(upload.if, "always()");
  assert.equal(wf.jobs.lint.permissions["security-events"], "write");
});

test("GitHub's parser does reject a broken workflow (the check can fail)", async () => {
  const errors = await workflowErrors("bad.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4.2.2\n        wiht: {}\n");
  assert.ok(errors.some((e) => /wiht/.test(e)), errors.join("\n"));
});

test("--ci github --all: a matrix with one entry per service, each image built from its own target", async () => {
  const dir = await init("three-services", ["--all", "--ci", "github"]);
  const text = await readFile(join(dir, ".github/workflows/image.yml"), "utf8");
  assert.deepEqual(await workflowErrors("image.yml", text), []);
  const wf = parse(text);
  assert.deepEqual(wf.jobs.image.strategy.matrix.include.map((m: any) => m.service).sort(), ["admin", "api", "worker"]);
  const push = steps(wf, "image").at(-1);
  assert.equal(push.with.target, "${{ matrix.service }}");
  assert.equal(push.with["cache-to"], "type=gha,mode=max,scope=${{ matrix.service }}");
});

test("--ci github-slimgo: no buildx and no daemon; slimgo build --push after the scan", async () => {
  const dir = await init("multi-cmd", ["--main", "./cmd/api", "--ci", "github-slimgo"]);
  const text = await readFile(join(dir, ".github/workflows/image.yml"), "utf8");
  assert.deepEqual(await workflowErrors("image.yml", text), []);
  const wf = parse(text);
  for (const uses of allUses(wf)) assert.match(uses, PINNED, `${uses} is pinned`);
  const image = steps(wf, "image");
  assert.ok(!image.some((s) => /docker\/(setup-buildx|build-push)-action/.test(s.uses ?? "")), "no Docker build actions");
  const push = image.at(-1);
  assert.match(push.run, /slimgo@[\d.]+ build \.\/cmd\/api .*--platform linux\/amd64,linux\/arm64 .*--push /, "the main package is build's argument");
  assert.equal(push.if, "github.event_name != 'pull_request'");
  assert.ok(image.findIndex((s) => s.uses?.startsWith("anchore/scan-action")) < image.length - 1);
  const goVersion = /^ARG GO_VERSION=(\S+)$/m.exec(await readFile(join(dir, "Dockerfile"), "utf8"))![1];
  assert.ok(image.some((s) => s.uses?.startsWith("actions/setup-go") && s.with["go-version"] === goVersion), "the Go the Dockerfile builds with");
});

test("--ci github-slimgo on a module whose go line is 1.12: the runner gets a Go that has go build -trimpath (1.13) and go env GOVERSION (1.16), and init says why", async () => {
  const dir = await copyModule("root-main");
  dirs.push(dir);
  await writeFile(join(dir, "go.mod"), "module example.com/rootmain\n\ngo 1.12\n");
  const r = await runSlimgo(["init", "--ci", "github-slimgo", "--no-compose", dir]);
  assert.equal(r.code, 0, r.stderr);
  const text = await readFile(join(dir, ".github/workflows/image.yml"), "utf8");
  assert.deepEqual(await workflowErrors("image.yml", text), []);
  const setupGo = steps(parse(text), "image").find((s) => s.uses?.startsWith("actions/setup-go"));
  assert.deepEqual(setupGo.with, { "go-version": "1.16" }, "not go-version-file: go.mod says 1.12");
  assert.match(r.stdout, /^ +CI +actions\/setup-go installs Go 1\.16, not the builder's 1\.13: slimgo build reads the Go version with go env GOVERSION/m);
});

test("--ci gitlab: buildx in dind with $CI_REGISTRY* login, registry cache, attestations, scan before release", async () => {
  const dir = await init("root-main", ["--ci", "gitlab"]);
  const pipeline = parse(await readFile(join(dir, ".gitlab-ci.yml"), "utf8"));
  assert.deepEqual(gitlabJobErrors(pipeline), []);
  assert.deepEqual(pipeline.stages, ["lint", "build", "scan", "release"]);
  for (const job of ["lint", "build-image", "scan", "release"]) {
    const img = typeof pipeline[job].image === "string" ? pipeline[job].image : pipeline[job].image.name;
    assert.match(img, /:\d+\.\d+(\.\d+)?(-[a-z]+)?$/, `${job} image ${img} is pinned`);
    assert.ok(pipeline.stages.includes(pipeline[job].stage));
  }
  assert.match(pipeline["build-image"].before_script[0], /docker login --username "\$CI_REGISTRY_USER" --password-stdin "\$CI_REGISTRY"/);
  const build = pipeline["build-image"].script.at(-1);
  assert.match(build, /--platform "\$PLATFORMS"/);
  assert.equal(pipeline.variables.PLATFORMS, "linux/amd64,linux/arm64");
  assert.match(build, /--cache-from type=registry,ref=\$CI_REGISTRY_IMAGE:buildcache/);
  assert.match(build, /--sbom=true --provenance=true/);
  assert.match(build, /--build-arg COMMIT="\$CI_COMMIT_SHA"/);
  assert.match(pipeline.scan.script[0], /trivy image --exit-code 1 --severity HIGH,CRITICAL/);
  assert.match(pipeline.lint.script[0], /lint --format sarif/);
});

test("--ci gitlab --all: no job is named like a GitLab keyword, and each service builds, scans and releases", async () => {
  const dir = await init("three-services", ["--all", "--ci", "gitlab"]);
  const pipeline = parse(await readFile(join(dir, ".gitlab-ci.yml"), "utf8"));
  assert.deepEqual(gitlabJobErrors(pipeline), []);
  for (const job of ["build-image", "scan", "release"]) assert.deepEqual(pipeline[job].parallel.matrix[0].SERVICE.sort(), ["admin", "api", "worker"]);
});

test("the GitLab job check does reject a job named image, a needs naming no job and a misspelt rule (the check can fail)", () => {
  const errors = gitlabJobErrors({
    stages: ["build"],
    image: { stage: "build", script: ["true"] },
    scan: { stage: "build", needs: ["image"], script: ["true"], rules: [{ if: "$CI_COMMIT_TAG" }, { change: ["a/**/*"] }, { changes: { paths: ["a/**/*"], compare: "main" } }] },
  });
  assert.equal(errors.length, 4, errors.join("\n"));
  assert.match(errors[0]!, /"image" is a GitLab keyword/);
  assert.match(errors[1]!, /scan: needs .* "image", which is not a job/);
  assert.match(errors[2]!, /scan: rules\[1\] has the unknown key change/);
  assert.match(errors[3]!, /scan: rules\[2\]\.changes is neither a list of paths/);
});

test("--ci github builds on push to the repository's own default branch: master here, main outside git", async () => {
  const { execFileSync } = await import("node:child_process");
  const dir = await copyModule("root-main");
  dirs.push(dir);
  execFileSync("git", ["-C", dir, "init", "-q", "-b", "master"]);
  const r = await runSlimgo(["init", "--ci", "github", dir]);
  assert.equal(r.code, 0, r.stderr);
  const wf = parse(await readFile(join(dir, ".github/workflows/image.yml"), "utf8"));
  assert.deepEqual(wf.on.push.branches, ["master"]);
  assert.deepEqual(wf.on.pull_request.branches, ["master"]);
  const outside = parse(await readFile(join(await init("root-main", ["--ci", "github"]), ".github/workflows/image.yml"), "utf8"));
  assert.deepEqual(outside.on.push.branches, ["main"]);
});

test("--ci with an unknown provider is a usage error", async () => {
  const dir = await copyModule("root-main");
  dirs.push(dir);
  const r = await runSlimgo(["init", "--ci", "jenkins", dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /github, gitlab, github-slimgo/);
});

/** root-main as services/api of a git repository, after `slimgo init services/api` run at the repository root. */
async function initInSubdirectory(args: string[]): Promise<{ repo: string; r: Awaited<ReturnType<typeof runSlimgo>> }> {
  const { execFileSync } = await import("node:child_process");
  const repo = await mkdtemp(join(tmpdir(), "slimgo-monorepo-"));
  dirs.push(repo);
  execFileSync("git", ["-C", repo, "init", "-q", "-b", "main"]);
  await cp(join(FIXTURES, "root-main"), join(repo, "services/api"), { recursive: true });
  const r = await runSlimgo(["init", "services/api", ...args], { cwd: repo });
  return { repo, r };
}

async function assertExists(repo: string, path: string, what: string): Promise<void> {
  await access(join(repo, path)).catch(() => assert.fail(`${what}: ${path} does not exist in the repository`));
}

test("a module in a subdirectory of a git repository: the workflow goes to the repository root, where GitHub reads it, and its paths lead to the module", async () => {
  const { repo, r } = await initInSubdirectory(["--ci", "github"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Wrote services\/api\/compose\.yaml and \.github\/workflows\/image-services-api\.yml/);
  assert.match(r.stdout, /CI +\.github\/workflows\/image-services-api\.yml at the root of the repository, building services\/api into ghcr\.io\/OWNER\/REPO\/services\/api/);
  await assert.rejects(access(join(repo, "services/api/.github")), "nothing is written where GitHub does not look");
  const text = await readFile(join(repo, ".github/workflows/image-services-api.yml"), "utf8");
  assert.deepEqual(await workflowErrors("image-services-api.yml", text), []);
  const wf = parse(text);
  assert.deepEqual(wf.on.push.paths, ["services/api/**", ".github/workflows/image-services-api.yml"]);
  assert.deepEqual(wf.on.pull_request.paths, wf.on.push.paths);
  for (const step of steps(wf, "image").filter((s) => s.uses?.startsWith("docker/build-push-action"))) {
    await assertExists(repo, join(step.with.context, "Dockerfile"), "the build context's Dockerfile");
    await assertExists(repo, step.with.file, "file:");
    await assertExists(repo, join(step.with.context, "go.mod"), "the build context is the module");
  }
  const lint = steps(wf, "lint").find((s) => /lint --format sarif/.test(s.run ?? ""));
  await assertExists(repo, lint.run.match(/sarif (\S+) >/)[1], "slimgo lint's Dockerfile (its SARIF names it from the repository root)");
});

test("github-slimgo and gitlab in a subdirectory: the build runs in the module, and every path the jobs name exists", async () => {
  const slimgo = await initInSubdirectory(["--ci", "github-slimgo"]);
  assert.equal(slimgo.r.code, 0, slimgo.r.stderr);
  const text = await readFile(join(slimgo.repo, ".github/workflows/image-services-api.yml"), "utf8");
  assert.deepEqual(await workflowErrors("image-services-api.yml", text), []);
  const job = parse(text).jobs.image;
  const workdir = job.defaults.run["working-directory"];
  await assertExists(slimgo.repo, join(workdir, "go.mod"), "the working directory of slimgo build is the module");
  assert.equal(job.steps.find((s: any) => s.uses?.startsWith("actions/setup-go")).with["go-version"], "1.19", "the module's go line");
  const tarball = job.steps.find((s: any) => /--tarball/.test(s.run ?? "")).run.match(/--tarball (\S+)/)[1];
  const scanned = job.steps.find((s: any) => s.uses?.startsWith("anchore/scan-action")).with.image;
  assert.equal(scanned, `docker-archive:${workdir}/${tarball}`, "the scan reads the tarball where the build in the module wrote it");

  const gitlab = await initInSubdirectory(["--ci", "gitlab"]);
  assert.equal(gitlab.r.code, 0, gitlab.r.stderr);
  await assert.rejects(access(join(gitlab.repo, "services/api/.gitlab-ci.yml")));
  const pipeline = await gitlabPipeline(gitlab.repo);
  assert.deepEqual(gitlabJobErrors(pipeline), []);
  const build = pipeline["services-api-build-image"].script.at(-1) as string;
  const context = build.match(/--push (\S+)$/)![1]!;
  assert.equal(context, "services/api");
  await assertExists(gitlab.repo, build.match(/--file (\S+)/)![1]!, "--file");
  await assertExists(gitlab.repo, pipeline["services-api-lint"].script[0].match(/sarif (\S+) >/)[1], "slimgo lint's Dockerfile");
});

/**
 * The pipeline GitLab runs, as it reads the root's .gitlab-ci.yml: each `local:` include's jobs and
 * settings merged in first, the root file's own on top.
 */
async function gitlabPipeline(repo: string): Promise<Record<string, any>> {
  const root = parse(await readFile(join(repo, ".gitlab-ci.yml"), "utf8")) ?? {};
  const merged: Record<string, any> = {};
  for (const entry of root.include ?? []) {
    const included = parse(await readFile(join(repo, entry.local.replace(/^\//, "")), "utf8"));
    for (const [key, value] of Object.entries(included)) {
      assert.ok(!(key in merged) || ["stages", "variables"].includes(key), `${key} is defined by two included files, and one would replace the other`);
      merged[key] = value;
    }
  }
  const { include: _, ...own } = root;
  return { ...merged, ...own };
}

/** root-main as svc-a and svc-b of one git repository, after `slimgo init MODULE --ci PROVIDER` in each. */
async function initTwoModules(provider: string): Promise<string> {
  const { execFileSync } = await import("node:child_process");
  const repo = await mkdtemp(join(tmpdir(), "slimgo-two-modules-"));
  dirs.push(repo);
  execFileSync("git", ["-C", repo, "init", "-q", "-b", "main"]);
  for (const module of ["svc-a", "svc-b"]) {
    await cp(join(FIXTURES, "root-main"), join(repo, module), { recursive: true });
    const r = await runSlimgo(["init", "--ci", provider, "--no-compose"], { cwd: join(repo, module) });
    assert.equal(r.code, 0, `${module}: ${r.stderr}`);
  }
  return repo;
}

test("two modules of one repository, --ci github in each: two workflows, each with its own image, cache scope and code scanning category", async () => {
  const repo = await initTwoModules("github");
  const seen = { images: new Set<string>(), scopes: new Set<string>(), categories: new Set<string>() };
  for (const module of ["svc-a", "svc-b"]) {
    const file = `.github/workflows/image-${module}.yml`;
    const text = await readFile(join(repo, file), "utf8");
    assert.deepEqual(await workflowErrors(`image-${module}.yml`, text), []);
    const wf = parse(text);
    assert.deepEqual(wf.on.push.paths, [`${module}/**`, file]);
    const image = steps(wf, "image");
    const meta = image.find((s) => s.uses?.startsWith("docker/metadata-action"));
    assert.equal(meta.with.images, `\${{ env.REGISTRY }}/\${{ github.repository }}/${module}`);
    seen.images.add(meta.with.images);
    for (const build of image.filter((s) => s.uses?.startsWith("docker/build-push-action"))) {
      assert.equal(build.with.context, module);
      seen.scopes.add(build.with["cache-from"]);
    }
    seen.categories.add(steps(wf, "lint").find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif")).with.category);
  }
  assert.deepEqual([seen.images.size, seen.scopes.size, seen.categories.size], [2, 2, 2]);
  await assert.rejects(access(join(repo, ".github/workflows/image.yml")), "the root's name is left for a module at the root");
});

test("two modules of one repository, --ci gitlab in each: the root .gitlab-ci.yml includes both pipelines, whose jobs and images are their own", async () => {
  const repo = await initTwoModules("gitlab");
  const root = parse(await readFile(join(repo, ".gitlab-ci.yml"), "utf8"));
  assert.deepEqual(root.include, [{ local: "/.gitlab/ci/svc-a.yml" }, { local: "/.gitlab/ci/svc-b.yml" }]);
  const pipeline = await gitlabPipeline(repo);
  assert.deepEqual(gitlabJobErrors(pipeline), []);
  const pushed = ["svc-a", "svc-b"].map((module) => {
    const build = pipeline[`${module}-build-image`].script.at(-1) as string;
    assert.match(build, new RegExp(`--push ${module}$`));
    assert.match(pipeline[`${module}-scan`].script[0], new RegExp(`"\\$CI_REGISTRY_IMAGE/${module}:\\$CI_COMMIT_SHORT_SHA"`));
    return build.match(/--tag "([^"]+)"/)![1];
  });
  assert.deepEqual(pushed, ["$CI_REGISTRY_IMAGE/svc-a:$CI_COMMIT_SHORT_SHA", "$CI_REGISTRY_IMAGE/svc-b:$CI_COMMIT_SHORT_SHA"]);
});

test("two modules of one repository, --ci gitlab: a push builds only the module it changed (or whose pipeline file it changed), a tag builds and releases both", async () => {
  const repo = await initTwoModules("gitlab");
  const pipeline = await gitlabPipeline(repo);
  assert.deepEqual(gitlabJobErrors(pipeline), []);
  const jobs = (module: string, names: string[]) => names.map((n) => `${module}-${n}`);
  const all = ["lint", "build-image", "scan", "release"];
  const onMain = (changed: string[] | undefined) => gitlabJobsRun(pipeline, { branch: "main", defaultBranch: "main", ...(changed ? { changed } : {}) }).sort();
  assert.deepEqual(onMain(["svc-a/main.go"]), jobs("svc-a", all).sort());
  assert.deepEqual(onMain([".gitlab/ci/svc-b.yml"]), jobs("svc-b", all).sort());
  assert.deepEqual(onMain(["README.md", "svc-ab/x.go"]), [], "a change outside both modules builds nothing");
  assert.deepEqual(onMain(undefined), [...jobs("svc-a", all), ...jobs("svc-b", all)].sort(), "a new branch, where GitLab counts every file as changed, builds both");
  const feature = gitlabJobsRun(pipeline, { branch: "feature", defaultBranch: "main", changed: ["svc-b/main.go"] }).sort();
  assert.deepEqual(feature, jobs("svc-b", ["lint", "build-image", "scan"]).sort(), "a branch builds and scans; only the default branch and tags release");
  const tag = gitlabJobsRun(pipeline, { tag: "v1.0.0", defaultBranch: "main", changed: [] }).sort();
  assert.deepEqual(tag, [...jobs("svc-a", all), ...jobs("svc-b", all)].sort(), "a tag builds and releases every module, whatever it changed");
  const mergeRequest = gitlabJobsRun(pipeline, { defaultBranch: "main", changed: ["svc-a/main.go"] });
  assert.deepEqual(mergeRequest, [], "no job in a merge request pipeline (no branch or tag), as jobs without rules: the branch pipeline builds it");

  const root = await init("root-main", ["--ci", "gitlab"]);
  const own = parse(await readFile(join(root, ".gitlab-ci.yml"), "utf8"));
  assert.deepEqual(gitlabJobsRun(own, { branch: "main", defaultBranch: "main", changed: ["README.md"] }).sort(), [...all].sort(), "a module at the root builds on every push");
});

test("a .gitlab-ci.yml the repository root has keeps its lines and gets the module's include; a module's own pipeline that differs is replaced only with --force", async () => {
  const { execFileSync } = await import("node:child_process");
  const repo = await mkdtemp(join(tmpdir(), "slimgo-monorepo-"));
  dirs.push(repo);
  execFileSync("git", ["-C", repo, "init", "-q"]);
  await cp(join(FIXTURES, "root-main"), join(repo, "services/api"), { recursive: true });
  const own = "stages: [test, lint, build, scan, release]\ntest:\n  stage: test\n  script: [make test]\n";
  await writeFile(join(repo, ".gitlab-ci.yml"), own);
  const r = await runSlimgo(["init", "services/api", "--ci", "gitlab"], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  const root = await readFile(join(repo, ".gitlab-ci.yml"), "utf8");
  assert.equal(root, `${own}include:\n  - local: /.gitlab/ci/services-api.yml\n`);
  const pipeline = await gitlabPipeline(repo);
  assert.deepEqual(gitlabJobErrors(pipeline), []);
  assert.ok(pipeline.test && pipeline["services-api-build-image"], "the project's job and the module's run in one pipeline");

  await writeFile(join(repo, ".gitlab/ci/services-api.yml"), "# edited\n");
  const refused = await runSlimgo(["init", "services/api", "--ci", "gitlab"], { cwd: repo });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /\.gitlab\/ci\/services-api\.yml already exists: pass --force to overwrite/);
  assert.equal(await readFile(join(repo, ".gitlab/ci/services-api.yml"), "utf8"), "# edited\n");
  const forced = await runSlimgo(["init", "services/api", "--ci", "gitlab", "--force"], { cwd: repo });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(await readFile(join(repo, ".gitlab/ci/services-api.yml"), "utf8"), /services-api-build-image:/);
  assert.equal(await readFile(join(repo, ".gitlab-ci.yml"), "utf8"), root, "the include is there once");
});

/** services/api of a git repository on branch main, with `file` at the root holding `text`: the pipeline an earlier init wrote, or one edited since. */
async function repositoryWithEarlierPipeline(file: string, text: string): Promise<string> {
  const { execFileSync } = await import("node:child_process");
  const repo = await mkdtemp(join(tmpdir(), "slimgo-earlier-pipeline-"));
  dirs.push(repo);
  execFileSync("git", ["-C", repo, "init", "-q", "-b", "main"]);
  await cp(join(FIXTURES, "root-main"), join(repo, "services/api"), { recursive: true });
  await mkdir(dirname(join(repo, file)), { recursive: true });
  await writeFile(join(repo, file), text);
  return repo;
}

/** Pipelines an earlier init wrote (earlier-pipelines/README.md), beside this test in the source tree. */
const EARLIER = join(FIXTURES, "..", "ci", "earlier-pipelines");

test("--ci github in a subdirectory removes the .github/workflows/image.yml an earlier init wrote for the module, unedited: both would push its image", async () => {
  const earlier = await readFile(join(EARLIER, "github-image.yml"), "utf8");
  for (const provider of ["github", "github-slimgo"]) {
    const repo = await repositoryWithEarlierPipeline(".github/workflows/image.yml", earlier);
    const dryRun = await runSlimgo(["init", "services/api", "--ci", provider, "--no-compose", "--dry-run"], { cwd: repo });
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /^Would remove \.github\/workflows\/image\.yml \(--dry-run: nothing removed\)$/m);
    await access(join(repo, ".github/workflows/image.yml"));
    const r = await runSlimgo(["init", "services/api", "--ci", provider, "--no-compose"], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CI +\.github\/workflows\/image\.yml removed: an earlier slimgo init wrote it as the pipeline of services\/api, which \.github\/workflows\/image-services-api\.yml is now, and both would build and push its image; it was not edited since/);
    assert.match(r.stdout, /^Removed \.github\/workflows\/image\.yml$/m);
    await assert.rejects(access(join(repo, ".github/workflows/image.yml")), `${provider}: the earlier workflow is gone`);
    const text = await readFile(join(repo, ".github/workflows/image-services-api.yml"), "utf8");
    assert.deepEqual(await workflowErrors("image-services-api.yml", text), []);
  }
});

test("--ci github in a subdirectory keeps an earlier init's .github/workflows/image.yml that was edited, and warns naming it; a workflow of the project's own is left alone", async () => {
  const edited = (await readFile(join(EARLIER, "github-image.yml"), "utf8")).replace("runs-on: ubuntu-latest", "runs-on: self-hosted");
  const repo = await repositoryWithEarlierPipeline(".github/workflows/image.yml", edited);
  const r = await runSlimgo(["init", "services/api", "--ci", "github", "--no-compose"], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\.github\/workflows\/image\.yml: an earlier slimgo init wrote it as the pipeline of services\/api, which \.github\/workflows\/image-services-api\.yml is now, and both would build and push its image; it was edited since, so init keeps it: delete it, after moving any change you need into \.github\/workflows\/image-services-api\.yml/);
  assert.equal(await readFile(join(repo, ".github/workflows/image.yml"), "utf8"), edited);
  await access(join(repo, ".github/workflows/image-services-api.yml"));

  const own = "name: image\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make image\n";
  const theirs = await repositoryWithEarlierPipeline(".github/workflows/image.yml", own);
  const kept = await runSlimgo(["init", "services/api", "--ci", "github", "--no-compose"], { cwd: theirs });
  assert.equal(kept.code, 0, kept.stderr);
  assert.doesNotMatch(kept.stdout + kept.stderr, /earlier slimgo init/);
  assert.equal(await readFile(join(theirs, ".github/workflows/image.yml"), "utf8"), own);
});

test("--ci gitlab in a subdirectory replaces the .gitlab-ci.yml an earlier init wrote for the module, unedited, by the include of its own pipeline; an edited one keeps its jobs, gets the include and a warning", async () => {
  const earlier = await readFile(join(EARLIER, "gitlab-ci.yml"), "utf8");
  const repo = await repositoryWithEarlierPipeline(".gitlab-ci.yml", earlier);
  const r = await runSlimgo(["init", "services/api", "--ci", "gitlab", "--no-compose"], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /CI +\.gitlab-ci\.yml replaced by an include of \.gitlab\/ci\/services-api\.yml: an earlier slimgo init wrote it as the pipeline of services\/api/);
  assert.equal(await readFile(join(repo, ".gitlab-ci.yml"), "utf8"), "# Written by slimgo init: each module's pipeline is its own file, included here.\ninclude:\n  - local: /.gitlab/ci/services-api.yml\n");
  const pipeline = await gitlabPipeline(repo);
  assert.deepEqual(gitlabJobErrors(pipeline), []);
  const pushing = Object.keys(pipeline).filter((job) => /--push /.test(pipeline[job]?.script?.join("\n") ?? ""));
  assert.deepEqual(pushing, ["services-api-build-image"], "one job pushes the module's image");

  const edited = earlier.replace("stage: lint\n", "stage: lint\n  tags: [docker]\n");
  const editedRepo = await repositoryWithEarlierPipeline(".gitlab-ci.yml", edited);
  const kept = await runSlimgo(["init", "services/api", "--ci", "gitlab", "--no-compose"], { cwd: editedRepo });
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(kept.stderr, /\.gitlab-ci\.yml: an earlier slimgo init wrote it as the pipeline of services\/api, .*; it was edited since, so init keeps it: remove its jobs that build the module \(lint, build-image, scan, release\)/);
  assert.equal(await readFile(join(editedRepo, ".gitlab-ci.yml"), "utf8"), `${edited}include:\n  - local: /.gitlab/ci/services-api.yml\n`);
});

test("a root .gitlab-ci.yml whose stages lack the module's: init says what to add and changes no line of it", async () => {
  const { execFileSync } = await import("node:child_process");
  const repo = await mkdtemp(join(tmpdir(), "slimgo-monorepo-"));
  dirs.push(repo);
  execFileSync("git", ["-C", repo, "init", "-q"]);
  await cp(join(FIXTURES, "root-main"), join(repo, "services/api"), { recursive: true });
  await writeFile(join(repo, ".gitlab-ci.yml"), "stages: [test]\ninclude: [ci/other.yml]\n");
  const r = await runSlimgo(["init", "services/api", "--ci", "gitlab", "--no-compose"], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\.gitlab-ci\.yml: its stages: lack lint, build, scan, release, which replace the included file's: add them/);
  assert.match(r.stderr, /\.gitlab-ci\.yml: its include: is not a block list .*: add `- local: \/\.gitlab\/ci\/services-api\.yml` to its include: yourself/);
  assert.equal(await readFile(join(repo, ".gitlab-ci.yml"), "utf8"), "stages: [test]\ninclude: [ci/other.yml]\n");
});

/** three-services requiring a private module, after init with GOPRIVATE set as a developer's go env has it. */
async function initPrivate(args: string[]): Promise<string> {
  const dir = await copyModule("three-services");
  dirs.push(dir);
  await writeFile(join(dir, "go.mod"), "module example.com/threeservices\n\ngo 1.19\n\nrequire example.test/private/lib v1.0.0\n");
  await writeFile(join(dir, "go.sum"), "");
  const r = await runSlimgo(["init", "--all", "--engine", "scanner", ...args, dir], { env: { GOPRIVATE: "example.test/*" } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /--mount=type=secret,id=netrc,target=\/root\/\.netrc/, "the Dockerfile's download reads the netrc secret");
  return dir;
}

test("--all with one program writes docker-bake.hcl too, as the docs promise: its one target builds the Dockerfile's runtime stage", async () => {
  const dir = await copyModule("root-main");
  dirs.push(dir);
  const r = await runSlimgo(["init", "--all", "--no-compose", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Wrote \S*docker-bake\.hcl$/m);
  const [bake, error] = hcl.parseToObject(await readFile(join(dir, "docker-bake.hcl"), "utf8"));
  assert.ok(bake, `HCL parse error: ${JSON.stringify(error)}`);
  assert.deepEqual(bake.group.default[0].targets, ["rootmain"]);
  const stage = bake.target.rootmain[0].target;
  assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), new RegExp(`^FROM .* AS ${stage}$`, "m"), `the Dockerfile has the stage ${stage}`);
});

test("private modules: the GitLab pipeline and docker-bake.hcl pass the netrc build secret the Dockerfile mounts", async () => {
  const dir = await initPrivate(["--ci", "gitlab"]);
  const job = parse(await readFile(join(dir, ".gitlab-ci.yml"), "utf8"))["build-image"];
  const build = job.script.at(-1) as string;
  assert.match(build, /--secret id=netrc,src="\$NETRC"/);
  assert.ok(job.script.findIndex((l: string) => /test -f "\$NETRC" \|\| .*CI\/CD variable NETRC \(type File\)/.test(l)) < job.script.length - 1, "a missing variable is said before the build");

  const [bake] = hcl.parseToObject(await readFile(join(dir, "docker-bake.hcl"), "utf8"));
  assert.deepEqual(bake.target._common[0].secret, ["type=file,id=netrc,src=${HOME}/.netrc"]);
  assert.ok(bake.variable.HOME, "HOME is declared, so bake reads it from the environment");
});

test("private modules: the GitHub workflows pass the NETRC secret to both builds, or to go through ~/.netrc for slimgo build", async () => {
  const buildx = await initPrivate(["--ci", "github"]);
  const text = await readFile(join(buildx, ".github/workflows/image.yml"), "utf8");
  assert.deepEqual(await workflowErrors("image.yml", text), []);
  const builds = steps(parse(text), "image").filter((s) => s.uses?.startsWith("docker/build-push-action"));
  assert.equal(builds.length, 2);
  for (const b of builds) {
    assert.equal(b.with["secret-envs"], "netrc=NETRC");
    assert.equal(b.env.NETRC, "${{ secrets.NETRC }}");
  }

  const slimgo = await initPrivate(["--ci", "github-slimgo"]);
  const wf = parse(await readFile(join(slimgo, ".github/workflows/image.yml"), "utf8"));
  assert.equal(wf.jobs.image.env.GOPRIVATE, "example.test/*", "go build on the runner knows the module is private");
  const image = steps(wf, "image");
  const credentials = image.findIndex((s) => s.env?.NETRC === "${{ secrets.NETRC }}");
  assert.ok(credentials >= 0 && credentials < image.findIndex((s) => /slimgo@\S+ build/.test(s.run ?? "")), "~/.netrc is written before slimgo build");
  // The step's script, run as the runner would with the secret in its environment.
  const home = await mkdtemp(join(tmpdir(), "slimgo-home-"));
  dirs.push(home);
  const { execFileSync } = await import("node:child_process");
  execFileSync("bash", ["-e", "-c", image[credentials].run], { env: { ...process.env, HOME: home, NETRC: "machine git.example.test login ci password s3cret" } });
  assert.equal(await readFile(join(home, ".netrc"), "utf8"), "machine git.example.test login ci password s3cret\n");
  assert.equal((await stat(join(home, ".netrc"))).mode & 0o777, 0o600);
});

test("cgo: the Dockerfile's build stage runs on the target platform, so the arm64 build is emulated (QEMU on GitHub, binfmt on GitLab)", async () => {
  const github = await init("cgo", ["--ci", "github"]);
  assert.match(await readFile(join(github, "Dockerfile"), "utf8"), /^FROM golang:\$\{GO_VERSION\}-bookworm AS build$/m, "no --platform=$BUILDPLATFORM: the build stage runs on each target platform");
  const text = await readFile(join(github, ".github/workflows/image.yml"), "utf8");
  assert.deepEqual(await workflowErrors("image.yml", text), []);
  const image = steps(parse(text), "image");
  const qemu = image.findIndex((s) => s.uses?.startsWith("docker/setup-qemu-action"));
  assert.ok(qemu >= 0, "QEMU is set up");
  assert.ok(qemu < image.findIndex((s) => s.uses?.startsWith("docker/setup-buildx-action")), "before Buildx starts its builder");

  const gitlab = await init("cgo", ["--ci", "gitlab"]);
  const script = parse(await readFile(join(gitlab, ".gitlab-ci.yml"), "utf8"))["build-image"].script as string[];
  const binfmt = script.findIndex((l) => /tonistiigi\/binfmt:\S+ --install arm64/.test(l));
  assert.ok(binfmt >= 0 && binfmt < script.findIndex((l) => l.startsWith("docker buildx build")), "binfmt is installed before the build");

  const plain = await init("root-main", ["--ci", "github"]);
  assert.ok(!steps(parse(await readFile(join(plain, ".github/workflows/image.yml"), "utf8")), "image").some((s) => s.uses?.startsWith("docker/setup-qemu-action")), "a static build cross-compiles: no QEMU");
});

test("cgo with --ci github-slimgo is a usage error naming the cgo line (from where init runs) and --ci github, and writes nothing", async () => {
  const dir = await copyModule("cgo");
  dirs.push(dir);
  const r = await runSlimgo(["init", "--ci", "github-slimgo", basename(dir)], { cwd: dirname(dir) });
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`--ci github-slimgo: cgosum needs cgo \\(${basename(dir)}/main\\.go:9\\), and slimgo build makes static CGO_ENABLED=0 binaries.*: use --ci github`));
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  await assert.rejects(access(join(dir, "Dockerfile")));
  await assert.rejects(access(join(dir, ".github")));
});
