/**
 * Builds that publish into one OCI layout at the same time (a CI matrix, `make -j`) each add their
 * tag: none is lost to another's index.json.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { watch } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();

test("three builds at once into one existing layout, each with its own tag: every tag is in index.json and skopeo reads each", { skip: skipUnless("go", "skopeo") }, async () => {
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-layout-concurrent-");
  const layout = join(out, "layout");
  // A go that holds every `go build` while `hold` exists: the three builds are let go together.
  const [hold, started, go] = [join(out, "hold"), join(out, "started"), join(out, "go")];
  await mkdir(started);
  await writeFile(go, `#!/bin/sh\nif [ "$1" = build ] && [ -e "${hold}" ]; then : > "${started}/$$"; while [ -e "${hold}" ]; do sleep 0.05; done; fi\nexec go "$@"\n`, { mode: 0o755 });
  const env = { SLIMGO_GO: go, SLIMGO_CACHE_DIR: join(out, "cache"), SLIMGO_NO_SPECULATION: "1", SOURCE_DATE_EPOCH: "1700000000" };
  // Ten tags each: one read-merge-write of index.json per build, and ten entries each to lose.
  const tagsOf = (build: string) => Array.from({ length: 10 }, (_, i) => `${build}${i}`);
  const build = (name: string, tags: string[]) => runSlimgo(["build", dir, "--name", "concurrent", "--env", `BUILD=${name}`, "--oci-layout", layout, ...tags.flatMap((t) => ["-t", t])], { env });
  // The first build fills the caches, so the three that follow take the same short time after go.
  const first = await build("first", ["first"]);
  assert.equal(first.code, 0, first.stderr);
  await writeFile(hold, "");
  const building = Promise.all(["a", "b", "c"].map((b) => build(b, tagsOf(b))));
  for (const deadline = Date.now() + 60_000; (await readdir(started)).length < 3; await sleep(20)) assert.ok(Date.now() < deadline, "the three go builds start");
  await rm(hold);
  const results = await building;
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const tags = ["first", ...tagsOf("a"), ...tagsOf("b"), ...tagsOf("c")];
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: { annotations?: Record<string, string> }[] };
  assert.deepEqual(index.manifests.map((m) => m.annotations?.["org.opencontainers.image.ref.name"]).sort(), tags.map((t) => `localhost/concurrent:${t}`).sort());
  for (const tag of tags) {
    const inspected = JSON.parse((await runTool("skopeo", ["inspect", "--config", `oci:${layout}:localhost/concurrent:${tag}`])).stdout) as { config: { Env: string[] } };
    assert.ok(inspected.config.Env.includes(`BUILD=${tag.replace(/\d+$/, "")}`), `${tag}: ${inspected.config.Env.join(" ")}`);
  }
  assert.deepEqual((await readdir(layout)).sort(), ["blobs", "index.json", "oci-layout"], "no lock or temp file is left");
});

test("one build with several tags takes the layout's lock once and writes index.json once", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-layout-tags-");
  const layout = join(out, "layout");
  const env = { SLIMGO_CACHE_DIR: join(out, "cache"), SLIMGO_NO_SPECULATION: "1" };
  const first = await runSlimgo(["build", dir, "--name", "tags", "--oci-layout", layout, "-t", "first"], { env });
  assert.equal(first.code, 0, first.stderr);
  // Each take of the lock creates and removes index.json.lock; each write of index.json renames a file onto it.
  const events: string[] = [];
  const watcher = watch(layout, (type, name) => events.push(`${type} ${String(name)}`));
  try {
    const r = await runSlimgo(["build", dir, "--name", "tags", "--oci-layout", layout, "-t", "a", "-t", "b", "-t", "c"], { env });
    assert.equal(r.code, 0, r.stderr);
    await sleep(200);
  } finally {
    watcher.close();
  }
  assert.equal(events.filter((e) => e === "rename index.json.lock").length, 2, `lock created and removed once: ${events.join(", ")}`);
  assert.equal(events.filter((e) => e === "rename index.json").length, 1, `index.json written once: ${events.join(", ")}`);
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: { annotations?: Record<string, string> }[] };
  assert.deepEqual(index.manifests.map((m) => m.annotations?.["org.opencontainers.image.ref.name"]), ["first", "a", "b", "c"].map((t) => `localhost/tags:${t}`));
});
