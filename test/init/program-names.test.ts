/**
 * Binaries are named after their directories, and a directory name need not be a valid Dockerfile
 * stage, bake target, image repository or compose service: init gives each program one name that
 * is valid as all of them, and the binary keeps its own.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { runSlimgo } from "../support/cli.js";
import { podman, podmanBuild, removeImages } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { skipContainers } from "../support/tools.js";
import { composeSchemaErrors } from "../compose/schema.js";

const require = createRequire(import.meta.url);
const hcl = require("hcl2-parser") as { parseToObject(text: string): [any, unknown] };

const dirs: string[] = [];
const images: string[] = [];
after(async () => {
  await removeImages(...images);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const BINARIES = ["MyAPI", "2worker", "svc.v2"];

const SERVER = `package main

import (
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	_ = http.ListenAndServe(":"+port, nil)
}
`;

/** A module with a net/http server in cmd/MyAPI, cmd/2worker and cmd/svc.v2, after init --all --ci gitlab. */
async function initOddNames(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slimgo-names-"));
  dirs.push(dir);
  await writeFile(join(dir, "go.mod"), "module example.com/names\n\ngo 1.19\n");
  for (const b of BINARIES) {
    await mkdir(join(dir, "cmd", b), { recursive: true });
    await writeFile(join(dir, "cmd", b, "main.go"), SERVER);
  }
  const r = await runSlimgo(["init", "--all", "--ci", "gitlab", dir]);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

/** BuildKit's rule for a stage name (frontend/dockerfile/instructions), without its lower-casing. */
const STAGE = /^[a-z][a-z0-9_.-]*$/;
/** A bake target name (buildx bake). */
const BAKE_TARGET = /^[a-zA-Z0-9_-]+$/;
/** One path component of an image repository (the distribution reference grammar). */
const REPOSITORY_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function stages(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/^FROM .* AS (\S+)$/gm)].map((m) => m[1]!).filter((s) => s !== "build");
}

/** Each bake target with its Dockerfile target and its tags, variables at their defaults. */
function bakeTargets(text: string): { name: string; target: string; tags: string[] }[] {
  const [bake, error] = hcl.parseToObject(text);
  assert.ok(bake, `HCL parse error: ${JSON.stringify(error)}`);
  const defaults = Object.fromEntries(Object.entries(bake.variable).map(([k, v]: [string, any]) => [k, v[0].default as string]));
  const fill = (s: string) => s.replace(/\$\{(\w+)\}/g, (_, v: string) => defaults[v] ?? "");
  return Object.entries(bake.target)
    .filter(([name]) => name !== "_common")
    .map(([name, t]: [string, any]) => ({ name, target: t[0].target, tags: (t[0].tags as string[]).map(fill) }));
}

test("--all on cmd/MyAPI, cmd/2worker and cmd/svc.v2: stages, bake targets, image names and compose services are valid and agree; binaries keep their names", async () => {
  const dir = await initOddNames();
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  const names = stages(dockerfile);
  assert.equal(names.length, 3);
  for (const s of names) assert.match(s, STAGE, `stage ${s} is one BuildKit accepts`);
  for (const b of BINARIES) assert.match(dockerfile, new RegExp(`ENTRYPOINT \\["/usr/local/bin/${b.replace(".", "\\.")}"\\]`), `the binary ${b} keeps its name`);

  const targets = bakeTargets(await readFile(join(dir, "docker-bake.hcl"), "utf8"));
  assert.deepEqual(targets.map((t) => t.target).sort(), [...names].sort(), "each bake target builds a stage of the Dockerfile");
  for (const t of targets) {
    assert.match(t.name, BAKE_TARGET, `bake target ${t.name}`);
    for (const tag of t.tags) {
      const repository = tag.slice(tag.indexOf("/") + 1, tag.lastIndexOf(":"));
      for (const part of repository.split("/")) assert.match(part, REPOSITORY_COMPONENT, `repository ${repository} of ${tag}`);
    }
  }

  const compose = parse(await readFile(join(dir, "compose.yaml"), "utf8"));
  assert.deepEqual(composeSchemaErrors(compose), []);
  const services = Object.entries(compose.services as Record<string, any>).filter(([, s]) => s.build);
  assert.deepEqual(services.map(([, s]) => s.build.target).sort(), [...names].sort());
  for (const [name] of services) assert.match(name, REPOSITORY_COMPONENT, `compose service ${name} (compose names its image after it)`);

  const pipeline = parse(await readFile(join(dir, ".gitlab-ci.yml"), "utf8"));
  const matrix = pipeline["build-image"].parallel.matrix[0].SERVICE as string[];
  assert.deepEqual([...matrix].sort(), [...names].sort(), "the pipeline's $SERVICE is both the --target and the image name under $CI_REGISTRY_IMAGE");
  for (const s of matrix) assert.match(s, REPOSITORY_COMPONENT);
});

test("podman builds each target of that Dockerfile, and each takes the tag docker-bake.hcl gives it", { skip: skipContainers() }, async () => {
  await ensureStandInImages();
  const dir = await initOddNames();
  for (const [i, t] of bakeTargets(await readFile(join(dir, "docker-bake.hcl"), "utf8")).entries()) {
    const built = `localhost/slimgo-test/names-${i}:init`;
    images.push(built);
    await podmanBuild({ context: dir, tag: built, target: t.target });
    for (const tag of t.tags) {
      // podman refuses a reference that is not valid (upper case in a repository, for one).
      await podman(["tag", built, tag]);
      images.push(tag);
    }
  }
});
