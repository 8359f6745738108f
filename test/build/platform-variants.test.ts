/**
 * A platform variant is a promise about the binary: linux/amd64/v3 must be built with GOAMD64=v3
 * and linux/arm/v6 with GOARM=6, and the index must say which variant each image is for.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { baseRank, goEnvFor, parsePlatforms, platformKey } from "../../src/build/platforms.js";
import { appendLayers, buildIndex, emptyImage } from "../../src/image/mutate.js";
import { layerFromFiles } from "../../src/tar/layer.js";
import { writeOciLayout } from "../../src/transports/oci-layout.js";
import { SlimgoError } from "../../src/errors.js";
import { readOciLayout } from "../../src/transports/oci-layout.js";
import { isImageIndex, type Platform } from "../../src/image/types.js";
import { walkLayer } from "../../src/tar/read.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();

test("each variant sets its Go setting: GOAMD64 for amd64, GOARM for arm", () => {
  const envs = parsePlatforms("linux/amd64/v3,linux/amd64/v2,linux/arm/v6,linux/arm/v7,linux/arm64/v8,linux/amd64").map(goEnvFor);
  assert.deepEqual(envs, [
    { GOOS: "linux", GOARCH: "amd64", GOAMD64: "v3" },
    { GOOS: "linux", GOARCH: "amd64", GOAMD64: "v2" },
    { GOOS: "linux", GOARCH: "arm", GOARM: "6" },
    { GOOS: "linux", GOARCH: "arm", GOARM: "7" },
    { GOOS: "linux", GOARCH: "arm64" },
    { GOOS: "linux", GOARCH: "amd64" },
  ]);
});

test("a platform that names no variant takes the one GOAMD64 or GOARM builds for; one it names wins", () => {
  const parsed = (spec: string | undefined, settings: Record<string, string>) => parsePlatforms(spec, undefined, settings).map((p) => [p.architecture, p.variant ?? ""].join("/"));
  assert.deepEqual(parsed("linux/amd64,linux/arm,linux/amd64/v2,linux/arm/v5,linux/arm64", { GOAMD64: "v3", GOARM: "6" }), ["amd64/v3", "arm/v6", "amd64/v2", "arm/v5", "arm64/"]);
  assert.deepEqual(parsed("linux/amd64,linux/arm", { GOAMD64: "v1", GOARM: "7" }), ["amd64/", "arm/v7"], "v1 is plain amd64");
  assert.deepEqual(parsed("linux/amd64,linux/arm", { GOAMD64: "v9", GOARM: "6,softfloat" }), ["amd64/", "arm/v6"], "go refuses v9 itself");
  assert.deepEqual(parsed("linux/amd64", {}), ["amd64/"]);
  if (process.arch === "x64") assert.deepEqual(parsed(undefined, { GOAMD64: "v4" }), ["amd64/v4"], "the host's platform too");
});

test("a variant the architecture does not have is a usage error listing the ones it takes", async () => {
  for (const bad of ["linux/amd64/v5", "linux/arm/v8", "linux/arm64/v9", "linux/riscv64/v1", "linux/amd64/"]) {
    assert.throws(
      () => parsePlatforms(bad),
      (err: unknown) => err instanceof SlimgoError && err.exitCode === 2 && err.message.startsWith(`--platform ${bad}: `) && err.message.includes("amd64 v1, v2, v3, v4 (GOAMD64); arm v5, v6, v7 (GOARM); arm64 v8"),
      bad,
    );
  }
  const r = await runSlimgo(["build", await fixture("cli-tool"), "--platform", "linux/amd64,linux/amd64/v9", "--oci-layout", join(await temp.make("slimgo-variant-"), "out")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^slimgo: --platform linux\/amd64\/v9: amd64 has no variant "v9": the variants are amd64 v1, v2, v3, v4 \(GOAMD64\);/m);
  assert.doesNotMatch(r.stderr, /compiling/, "refused before the compile");
});

test("an empty platform between commas is a usage error, not one platform fewer", async () => {
  for (const bad of ["linux/amd64,,linux/arm64", "linux/amd64,", ",linux/arm64", "linux/amd64, "]) {
    assert.throws(
      () => parsePlatforms(bad),
      (err: unknown) => err instanceof SlimgoError && err.exitCode === 2 && err.message === `--platform ${bad}: an empty platform between commas: remove the extra comma, or set the variable meant to fill it`,
      bad,
    );
  }
  const r = await runSlimgo(["build", await fixture("cli-tool"), "--platform", "linux/amd64,", "--oci-layout", join(await temp.make("slimgo-variant-"), "out")]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^slimgo: --platform linux\/amd64,: an empty platform between commas/m);
  assert.doesNotMatch(r.stderr, /compiling/, "refused before the compile");
});

/** The `go version -m` lines of the binary in an image's last layer (go reads only executable files). */
async function buildInfoOf(layer: Parameters<typeof walkLayer>[0], binaryPath: string, dir: string): Promise<string> {
  const out = join(dir, "binary");
  let found = false;
  await walkLayer(layer, async (entry) => {
    if (entry.header.path !== binaryPath) return;
    found = true;
    await pipeline(Readable.from(entry.chunks()), createWriteStream(out, { mode: 0o755 }));
  });
  assert.ok(found, `${binaryPath} is in the binary layer`);
  return (await runTool("go", ["version", "-m", out])).stdout;
}

test("linux/amd64/v3 and linux/arm/v6 and v7 are built for their variant, and the index and configs record it", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("cli-tool");
  const out = await temp.make("slimgo-variant-");
  const layout = join(out, "layout");
  const r = await runSlimgo(["build", dir, "--platform", "linux/amd64/v3,linux/arm/v6,linux/arm/v7", "--oci-layout", layout, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const binary = (JSON.parse(r.stdout) as { programs: { binary: string }[] }).programs[0]!.binary;
  const top = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
  const nested = JSON.parse(await readFile(join(layout, "blobs", "sha256", top.manifests[0]!.digest.slice("sha256:".length)), "utf8")) as { manifests: { platform: Record<string, string> }[] };
  assert.deepEqual(nested.manifests.map((m) => m.platform), [
    { architecture: "amd64", os: "linux", variant: "v3" },
    { architecture: "arm", os: "linux", variant: "v6" },
    { architecture: "arm", os: "linux", variant: "v7" },
  ]);
  const index = await readOciLayout(layout, `localhost/${binary}:latest`);
  assert.ok(isImageIndex(index));
  const want = [/^\s+build\s+GOAMD64=v3$/m, /^\s+build\s+GOARM=6$/m, /^\s+build\s+GOARM=7$/m];
  for (const [i, child] of index.manifests.entries()) {
    assert.equal(child.image.config.variant, ["v3", "v6", "v7"][i], "the image config names the variant too");
    const info = await buildInfoOf(child.image.layers.at(-1)!, `usr/local/bin/${binary}`, out);
    assert.match(info, want[i]!, info);
  }
});

test("GOAMD64 and GOARM from the environment or slimgo.yaml's go-env are recorded as the variant they build for; a variant in --platform wins over them", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("cli-tool");
  await writeFile(join(dir, "slimgo.yaml"), "build:\n  go-env:\n    GOAMD64: v3\n");
  const out = await temp.make("slimgo-variant-env-");
  const layout = join(out, "layout");
  const r = await runSlimgo(["build", dir, "--platform", "linux/amd64,linux/arm,linux/amd64/v2", "--oci-layout", layout, "--json"], { env: { GOARM: "6" } });
  assert.equal(r.code, 0, r.stderr);
  const binary = (JSON.parse(r.stdout) as { programs: { binary: string }[] }).programs[0]!.binary;
  const index = await readOciLayout(layout, `localhost/${binary}:latest`);
  assert.ok(isImageIndex(index));
  assert.deepEqual(index.manifests.map((m) => m.descriptor.platform), [
    { architecture: "amd64", os: "linux", variant: "v3" },
    { architecture: "arm", os: "linux", variant: "v6" },
    { architecture: "amd64", os: "linux", variant: "v2" },
  ]);
  const want = [/^\s+build\s+GOAMD64=v3$/m, /^\s+build\s+GOARM=6$/m, /^\s+build\s+GOAMD64=v2$/m];
  for (const [i, child] of index.manifests.entries()) {
    assert.equal(child.image.config.variant, ["v3", "v6", "v2"][i], "the image config names the variant too");
    const info = await buildInfoOf(child.image.layers.at(-1)!, `usr/local/bin/${binary}`, out);
    assert.match(info, want[i]!, info);
  }
});

test("a --base that lists plain linux/amd64 serves linux/amd64/v3, whose image records v3", { skip: skipUnless("go") }, async () => {
  const out = await temp.make("slimgo-variant-base-");
  const base = join(out, "base");
  const made = await runSlimgo(["build", await fixture("cli-tool"), "--platform", "linux/amd64", "--oci-layout", base]);
  assert.equal(made.code, 0, made.stderr);
  const layout = join(out, "layout");
  const r = await runSlimgo(["build", await fixture("root-main"), "--platform", "linux/amd64/v3", "--base", `oci:${base}`, "--oci-layout", layout, "-t", "v3"]);
  assert.equal(r.code, 0, r.stderr);
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as { manifests: { platform: Record<string, string> }[] };
  assert.deepEqual(index.manifests[0]!.platform, { architecture: "amd64", os: "linux", variant: "v3" });
});

test("a base image serves a binary's variant and older ones, nearest first; never a newer one, and a variant-less entry is the architecture's default", () => {
  const p = (spec: string): Platform => {
    const [os, architecture, variant] = spec.split("/");
    return variant ? { os: os!, architecture: architecture!, variant } : { os: os!, architecture: architecture! };
  };
  const ranked = (wanted: string, have: string[]) =>
    have
      .map((h) => ({ h, rank: baseRank(p(h), p(wanted)) }))
      .filter((r) => r.rank !== undefined)
      .sort((a, b) => a.rank! - b.rank!)
      .map((r) => r.h);
  assert.deepEqual(ranked("linux/amd64/v3", ["linux/amd64", "linux/amd64/v4", "linux/amd64/v2", "linux/amd64/v3", "linux/arm64"]), ["linux/amd64/v3", "linux/amd64/v2", "linux/amd64"]);
  assert.deepEqual(ranked("linux/amd64", ["linux/amd64/v3", "linux/amd64/v1", "linux/amd64"]), ["linux/amd64", "linux/amd64/v1"]);
  assert.deepEqual(ranked("linux/arm/v7", ["linux/arm/v5", "linux/arm", "linux/arm/v6", "linux/arm64"]), ["linux/arm", "linux/arm/v6", "linux/arm/v5"], "plain arm is v7");
  assert.deepEqual(ranked("linux/arm/v6", ["linux/arm/v7", "linux/arm", "linux/arm/v5"]), ["linux/arm/v5"]);
  assert.deepEqual(ranked("linux/arm64", ["linux/arm64/v8", "linux/arm64"]), ["linux/arm64", "linux/arm64/v8"]);
  assert.deepEqual(ranked("linux/arm64/v8", ["linux/arm64", "linux/arm64/v8"]), ["linux/arm64/v8", "linux/arm64"]);
  assert.deepEqual(ranked("linux/s390x", ["linux/s390x", "windows/s390x"]), ["linux/s390x"]);
});

/** A base index of one tiny image per platform, each with a file that names its platform. */
async function variantBase(dir: string, platforms: Platform[]): Promise<string> {
  const images = await Promise.all(
    platforms.map(async (platform) => {
      const layer = await layerFromFiles([{ path: "etc/base-platform", type: "file", content: `${platformKey(platform)}\n` }], { mtime: 0, blobDir: join(dir, "blobs") });
      return appendLayers(emptyImage(platform), [layer], { created_by: platformKey(platform) });
    }),
  );
  const layout = join(dir, "base");
  await writeOciLayout(layout, buildIndex(images));
  return layout;
}

test("a --base picks, as containerd does, the closest older variant a newer one runs: arm/v7 takes arm/v6, arm/v6 never takes v7", { skip: skipUnless("go") }, async () => {
  const out = await temp.make("slimgo-variant-older-");
  const base = await variantBase(out, [
    { os: "linux", architecture: "arm", variant: "v5" },
    { os: "linux", architecture: "arm", variant: "v6" },
    { os: "linux", architecture: "arm64" },
  ]);
  const dir = await fixture("cli-tool");
  const layout = join(out, "layout");
  const r = await runSlimgo(["build", dir, "--platform", "linux/arm,linux/arm64/v8", "--base", `oci:${base}`, "--oci-layout", layout, "-t", "1"]);
  assert.equal(r.code, 0, r.stderr);
  const index = await readOciLayout(layout);
  assert.ok(isImageIndex(index));
  assert.deepEqual(index.manifests.map((m) => m.descriptor.platform), [
    { architecture: "arm", os: "linux", variant: "v7" },
    { architecture: "arm64", os: "linux", variant: "v8" },
  ]);
  const basePlatform = async (image: (typeof index.manifests)[number]["image"]) => {
    let content = "";
    await walkLayer(image.layers[0]!, async (entry) => {
      if (entry.header.path === "etc/base-platform") for await (const chunk of entry.chunks()) content += chunk.toString();
    });
    return content;
  };
  assert.equal(await basePlatform(index.manifests[0]!.image), "linux/arm/v6\n", "v6, the newest the v7 binary's CPU runs");
  assert.equal(await basePlatform(index.manifests[1]!.image), "linux/arm64\n", "arm64 is arm64/v8");

  const newer = await variantBase(join(out, "newer"), [{ os: "linux", architecture: "arm", variant: "v7" }]);
  const refused = await runSlimgo(["build", dir, "--platform", "linux/arm/v6", "--base", `oci:${newer}`, "--oci-layout", join(out, "refused")]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /^slimgo: --base oci:.* has no linux\/arm\/v6 image: its linux\/arm\/v7 needs a newer CPU than a linux\/arm\/v6 binary does; build for that with --platform linux\/arm\/v7, or pick a base that has linux\/arm\/v6$/m);
  const elsewhere = await runSlimgo(["build", dir, "--platform", "linux/s390x", "--base", `oci:${newer}`, "--oci-layout", join(out, "refused")]);
  assert.equal(elsewhere.code, 2, elsewhere.stderr);
  assert.match(elsewhere.stderr, /^slimgo: --base oci:.* has no linux\/s390x image \(it has linux\/arm\/v7\); pick one with --platform$/m);
});
