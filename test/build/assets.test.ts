import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { assetEntries, checkAssets } from "../../src/build/assets.js";
import { SlimgoError } from "../../src/errors.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";
import { freePort, podman, removeImages, removeStartedContainers, runContainer, waitForHttp } from "../support/podman.js";
import { skipContainers } from "../support/tools.js";

const temp = tempDirs();
const fixture = moduleCopies();

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
    ["../id_rsa", /^--assets \.\.\/id_rsa: must be a file or directory inside the module \([^)]*\), and \S*\/id_rsa is outside it/],
    [".", /^--assets \.: must be a file or directory inside the module .*not the module itself: give its files or directories one by one$/],
    ["static", /^--assets static: cannot read \(ENOENT/],
  ] as const) {
    await assert.rejects(assetEntries(root, [given]), (err: Error) => err instanceof SlimgoError && err.exitCode === 2 && message.test(err.message), given);
  }
});

test("before the compile, each asset must be a file or directory in the module: a missing one, one under a file, a pipe, a dangling link or a link out are named", async () => {
  const { root, outside } = await module();
  execFileSync("mkfifo", [join(root, "pipe")]);
  await symlink(join(root, "gone"), join(root, "dangling"));
  await symlink(outside, join(root, "key"));
  for (const [given, message] of [
    ["static", /^--assets static: \S+\/svc\/static does not exist: give a file or directory inside the module, as a path from its root$/],
    ["config.json/x", /^--assets config\.json\/x: \S+\/svc\/config\.json\/x cannot be read: a part of the path is a file, not a directory \(ENOTDIR\)/],
    ["pipe", /^--assets pipe: \S+\/svc\/pipe is neither a file nor a directory/],
    ["dangling", /^--assets dangling: \S+\/svc\/dangling is a symbolic link to nothing/],
    ["key", /^--assets key: key is a symbolic link to \S+\/id_rsa, outside the module/],
    ["../id_rsa", /^--assets \.\.\/id_rsa: must be a file or directory inside the module \([^)]*\), and \S*\/id_rsa is outside it/],
  ] as const) {
    await assert.rejects(checkAssets(root, ["config.json", "templates", given]), (err: Error) => err instanceof SlimgoError && err.exitCode === 2 && message.test(err.message), given);
  }
  await checkAssets(root, ["config.json", "templates/", "./public"]);
});

test("slimgo build refuses a missing --assets before compiling: a module that does not compile is not compiled", async () => {
  const dir = await fixture("root-main");
  await writeFile(join(dir, "main.go"), "package main\n\nfunc main() { undefined() }\n");
  const out = await temp.make("slimgo-assets-cli-");
  const r = await runSlimgo(["build", dir, "--assets", "static", "--oci-layout", join(out, "layout")], { env: { SLIMGO_NO_SPECULATION: "1" } });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^slimgo: --assets static: \S+\/static does not exist: give a file or directory inside the module/m);
  assert.doesNotMatch(r.stderr, /compiling|go build/, "no go build ran");
  await writeFile(join(dir, "slimgo.yaml"), "build:\n  assets:\n    - main.go\n    - static\n");
  const fromConfig = await runSlimgo(["build", dir, "--oci-layout", join(out, "layout")], { env: { SLIMGO_NO_SPECULATION: "1" } });
  assert.equal(fromConfig.code, 2, fromConfig.stderr);
  assert.match(fromConfig.stderr, /^slimgo: \S*slimgo\.yaml:4: build\.assets\[1\]: static: \S+\/static does not exist/m);
  assert.doesNotMatch(fromConfig.stderr, /compiling|go build/);
});

test("a directory leaves out secret-looking files and what .dockerignore or .containerignore excludes, naming each; a path given itself is copied", async () => {
  const { root } = await module();
  await mkdir(join(root, "config", "secrets"), { recursive: true });
  await writeFile(join(root, "config", ".env"), "DB_PASSWORD=x\n");
  await writeFile(join(root, "config", ".env.example"), "DB_PASSWORD=\n");
  await writeFile(join(root, "config", "server.key"), "-----BEGIN PRIVATE KEY-----\n");
  await writeFile(join(root, "config", "secrets", "db.txt"), "x\n");
  await writeFile(join(root, "config", "app.json"), "{}\n");
  await writeFile(join(root, "config", "local.json"), "{}\n");
  await writeFile(join(root, "config", "draft.json"), "{}\n");
  await writeFile(join(root, ".dockerignore"), "# local only\nconfig/local.json\n");
  await writeFile(join(root, ".containerignore"), "config/draft.json\n");
  const told: string[] = [];
  const entries = await assetEntries(root, ["config"], undefined, (m) => told.push(m));
  assert.deepEqual(shape(entries), ["dir /config 755", "file /config/.env.example 644", "file /config/app.json 644"]);
  assert.deepEqual(told.sort(), [
    "--assets config: left config/.env out of the image (looks like a secret: .env); to put it in deliberately, give it as an asset of its own (--assets config/.env)",
    "--assets config: left config/draft.json out of the image (.containerignore line 1: config/draft.json); to put it in deliberately, give it as an asset of its own (--assets config/draft.json)",
    "--assets config: left config/local.json out of the image (.dockerignore line 2: config/local.json); to put it in deliberately, give it as an asset of its own (--assets config/local.json)",
    "--assets config: left config/secrets/ out of the image (looks like a secret: secrets/); to put it in deliberately, give it as an asset of its own (--assets config/secrets)",
    "--assets config: left config/server.key out of the image (looks like a secret: *.key); to put it in deliberately, give it as an asset of its own (--assets config/server.key)",
  ]);

  const named = await assetEntries(root, ["config/server.key"], undefined, (m) => told.push(`unexpected: ${m}`));
  assert.deepEqual(shape(named), ["file /config/server.key 644"]);
  assert.equal(told.length, 5);
});

test("a secret-looking file given as an asset of its own beside its directory, as the warning says to, is copied and not called left out", async () => {
  const { root } = await module();
  await mkdir(join(root, "config"), { recursive: true });
  await writeFile(join(root, "config", "app.json"), "{}\n");
  await writeFile(join(root, "config", "server.key"), "-----BEGIN PRIVATE KEY-----\n");
  await writeFile(join(root, "config", ".env"), "DB_PASSWORD=x\n");
  const told: string[] = [];
  const entries = await assetEntries(root, ["config", "./config/server.key"], undefined, (m) => told.push(m));
  assert.deepEqual(shape(entries), ["dir /config 755", "file /config/app.json 644", "file /config/server.key 644"]);
  assert.deepEqual(told, ["--assets config: left config/.env out of the image (looks like a secret: .env); to put it in deliberately, give it as an asset of its own (--assets config/.env)"]);
});

test("slimgo build --assets DIR keeps a secret file out of the image with one warning naming it, and verify passes", async () => {
  const dir = await fixture("root-main");
  await mkdir(join(dir, "config"));
  await writeFile(join(dir, "config", ".env"), "DB_PASSWORD=x\n");
  await writeFile(join(dir, "config", "server.key"), "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ\n-----END PRIVATE KEY-----\n");
  await writeFile(join(dir, "config", "app.json"), "{}\n");
  await writeFile(join(dir, ".dockerignore"), ".env\n*.key\n");
  const layout = join(await temp.make("slimgo-assets-cli-"), "layout");
  const r = await runSlimgo(["build", dir, "--assets", "config", "--oci-layout", layout], { env: { SLIMGO_NO_SPECULATION: "1" } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/left config\/\.env out of the image/g)?.length, 1, r.stderr);
  assert.equal(r.stderr.match(/left config\/server\.key out of the image/g)?.length, 1, r.stderr);
  const tree = await runSlimgo(["inspect", layout, "--tree"]);
  assert.match(tree.stdout, /app\.json/);
  assert.doesNotMatch(tree.stdout, /\.env|server\.key/);
  const verified = await runSlimgo(["verify", layout]);
  assert.match(verified.stdout, /PASS\s+SV011 /);
});

test("an asset directory named tmp leaves /tmp writable for the non-root user, as COPY tmp /tmp does", { skip: skipContainers() }, async (t) => {
  const dir = await fixture("tempfiles");
  await mkdir(join(dir, "tmp"));
  await writeFile(join(dir, "tmp", "seed.txt"), "seed\n");
  const tarball = join(await temp.make("slimgo-assets-tmp-"), "tempfiles.tar");
  const image = "localhost/slimgo-test-assets-tmp:latest";
  const built = await runSlimgo(["build", dir, "--assets", "tmp", "--name", "localhost/slimgo-test-assets-tmp", "--tarball", tarball, "-q"]);
  assert.equal(built.code, 0, built.stderr);
  t.after(async () => {
    await removeStartedContainers();
    await removeImages(image);
  });
  await podman(["load", "-i", tarball]);
  const port = await freePort();
  await runContainer({ image, env: { PORT: String(port) } });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`);
  const upload = await fetch(`http://127.0.0.1:${port}/upload`, { method: "POST", body: "hello" });
  assert.equal(upload.status, 200, `os.CreateTemp in /tmp as uid 65532: ${await upload.text()}`);
});

test("a dangling or looping symbolic link inside an asset directory is named as such, not as a link out of the module", async () => {
  const { root } = await module();
  await symlink("gone.html", join(root, "templates", "old.html"));
  await assert.rejects(assetEntries(root, ["templates"]), (err: Error) => {
    assert.equal(err.message, "--assets templates: templates/old.html is a symbolic link to gone.html, which does not exist: remove the link, or make it name a file in the module");
    return true;
  });
  const { root: other } = await module();
  await symlink("b", join(other, "public", "a"));
  await symlink("a", join(other, "public", "b"));
  await assert.rejects(assetEntries(other, ["public"]), (err: Error) => {
    assert.equal(err.message, "--assets public: public/a is a symbolic link that loops back to itself: remove the link, or make it name a file in the module");
    return true;
  });
});

test("a pipe inside an asset directory is left out with a warning naming it, not silently", async () => {
  const { root } = await module();
  execFileSync("mkfifo", [join(root, "public", "events")]);
  const told: string[] = [];
  const entries = await assetEntries(root, ["public"], undefined, (m) => told.push(m));
  assert.deepEqual(shape(entries), ["dir /public 755", "file /public/run.sh 755"]);
  assert.deepEqual(told, ["--assets public: left public/events out of the image: it is a socket, pipe or device, not a file"]);
});

test("an asset at the path of a file of slimgo's base layer (etc/passwd) replaces it, with one warning naming it (not one per platform)", async () => {
  const dir = await fixture("root-main");
  await mkdir(join(dir, "etc"));
  await writeFile(join(dir, "etc", "passwd"), "root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001::/:/sbin/nologin\n");
  await writeFile(join(dir, "etc", "app.conf"), "a=1\n");
  const layout = join(await temp.make("slimgo-assets-replace-"), "layout");
  const r = await runSlimgo(["build", dir, "--assets", "etc", "--platform", "linux/amd64,linux/arm64", "--oci-layout", layout], { env: { SLIMGO_NO_SPECULATION: "1" } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/warning: assets: etc\/passwd replaces the \/etc\/passwd of slimgo's base layer/g)?.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /app\.conf replaces/);
  const tree = await runSlimgo(["inspect", layout, "--platform", "linux/amd64", "--tree"]);
  assert.match(tree.stdout, /app\.conf/);
});
