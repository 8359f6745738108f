import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { copyModule, runSlimgo } from "../support/cli.js";

const require = createRequire(import.meta.url);
const hcl = require("hcl2-parser") as { parseToObject(text: string): [any, unknown] };

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test("--all writes docker-bake.hcl: one target per service, a default group, shared platforms and tags", async () => {
  const dir = await copyModule("three-services");
  dirs.push(dir);
  const r = await runSlimgo(["init", "--all", dir]);
  assert.equal(r.code, 0, r.stderr);
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  const [bake, error] = hcl.parseToObject(await readFile(join(dir, "docker-bake.hcl"), "utf8"));
  assert.ok(bake, `HCL parse error: ${JSON.stringify(error)}`);
  const services = ["admin", "api", "worker"];
  assert.deepEqual([...bake.group.default[0].targets].sort(), services);
  for (const name of services) {
    const t = bake.target[name][0];
    assert.equal(t.target, name);
    assert.match(dockerfile, new RegExp(`^FROM .* AS ${name}$`, "m"), `the Dockerfile has a ${name} stage`);
    assert.deepEqual(t.inherits, ["_common"]);
    assert.deepEqual(t.tags, [`\${REGISTRY}/${name}:\${TAG}`]);
  }
  assert.deepEqual(bake.target._common[0].platforms, ["linux/amd64", "linux/arm64"]);
  assert.equal(bake.target._common[0].args.VERSION, "${VERSION}");
  assert.ok(bake.variable.REGISTRY && bake.variable.TAG);
  assert.equal(bake.variable.TAG[0].default, "dev");
});

test("a single program gets no bake file; the parser rejects broken HCL (the check can fail)", async () => {
  const dir = await copyModule("root-main");
  dirs.push(dir);
  assert.equal((await runSlimgo(["init", dir])).code, 0);
  assert.ok(!(await readdir(dir)).includes("docker-bake.hcl"));
  const [parsed] = hcl.parseToObject('target "api" {\n  target = \n}\n');
  assert.equal(parsed, null);
});
