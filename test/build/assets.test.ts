import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { assetEntries } from "../../src/build/assets.js";
import { SlimgoError } from "../../src/errors.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();

/** A module with a config file, a template directory and a static directory, and a secret outside it. */
async function module(): Promise<{ root: string; outside: string }> {
  const base = await temp.make("slimgo-assets-");
  const root = join(base, "svc");
  await mkdir(join(root, "templates", "partials"), { recursive: true });
  await mkdir(join(root, "public"), { recursive: true });
  await writeFile(join(root, "config.json"), "{}\n");
  await writeFile(join(root, "templates", "index.html"), "<h1>hi</h1>\n");
  await writeFile(join(root, "templates", "partials", "nav.html"), "<nav></nav>\n");
  await writeFile(join(root, "public", "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
  const outside = join(base, "id_rsa");
  await writeFile(outside, "PRIVATE KEY\n");
  return { root, outside };
}

const shape = (entries: Awaited<ReturnType<typeof assetEntries>>) => entries.map((e) => `${e.type} ${e.path} ${(e.mode ?? 0).toString(8)}`).sort();

test("files and directories, each at its path in the module; one inside another given once", async () => {
  const { root } = await module();
  const entries = await assetEntries(root, ["config.json", "./templates/", "templates/index.html", "public"]);
  assert.deepEqual(shape(entries), [
    "dir /public 755",
    "dir /templates 755",
    "dir /templates/partials 755",
    "file /config.json 644",
    "file /public/run.sh 755",
    "file /templates/index.html 644",
    "file /templates/partials/nav.html 644",
  ]);
  assert.equal(entries.find((e) => e.path === "/config.json")?.sourcePath, join(root, "config.json"));
});

test("a symbolic link is followed inside the module, and refused when it leads out of it or into a loop", async () => {
  const { root, outside } = await module();
  await symlink(join(root, "config.json"), join(root, "public", "config.json"));
  assert.ok(shape(await assetEntries(root, ["public"])).includes("file /public/config.json 644"));

  await symlink("..", join(root, "templates", "partials", "up"));
  await assert.rejects(assetEntries(root, ["templates"]), /^SlimgoError: --assets templates: templates\/partials\/up is a symbolic link to a directory that contains it/);

  await symlink(outside, join(root, "public", "key"));
  await assert.rejects(assetEntries(root, ["public"]), (err: Error) => {
    assert.ok(err instanceof SlimgoError);
    assert.equal(err.message, `--assets public: public/key is a symbolic link to ${outside}, outside the module: copy the files into the module, or leave the link out`);
    return true;
  });
});

test("a path outside the module, the module itself or a missing path is a usage error naming it", async () => {
  const { root } = await module();
  for (const [given, message] of [
    ["../id_rsa", /^--assets \.\.\/id_rsa: must be a file or directory inside the module/],
    [".", /^--assets \.: must be a file or directory inside the module .*not the module itself/],
    ["static", /^--assets static: cannot read \(ENOENT/],
  ] as const) {
    await assert.rejects(assetEntries(root, [given]), (err: Error) => err instanceof SlimgoError && err.exitCode === 2 && message.test(err.message), given);
  }
});
