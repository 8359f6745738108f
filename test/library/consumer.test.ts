/**
 * slimgo as a program that imports it sees it (README "As a library"): the package root only, run
 * by node in a working directory of its own, with relative paths. Packing is test/cli/package.test.ts's
 * concern; here the checkout's package root is imported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import { moduleCopies } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";
import { podman, removeImages } from "../support/podman.js";
import { skipContainers, skipUnless } from "../support/tools.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PACKAGE_ROOT = pathToFileURL(join(ROOT, "dist", "src", "index.js")).href;
const temp = tempDirs();
const example = moduleCopies();

/** Builds the module at argv[2] (relative to its cwd), then makes every bad-input mistake a program can make; prints what each call gave. */
const CONSUMER = `import { SlimgoError, analyze, buildImages, ociLayoutPublisher, tarballPublisher, watchModule, openImage } from ${JSON.stringify(PACKAGE_ROOT)};
import { writeFileSync } from "node:fs";

const [moduleDir] = process.argv.slice(2);
const cwd = process.cwd();
const env = JSON.stringify(process.env);
const progress = [];
const { programs } = await buildImages(moduleDir, { version: "1.0.0", onProgress: (m) => progress.push(m), onWarning: (m) => progress.push(m) });
const image = programs[0].image;
const published = await ociLayoutPublisher("out/layout").publish(image, "localhost/app", ["v1"]);
writeFileSync("in-the-way", "a file\\n");

const outcome = async (call) => {
  try {
    await call();
    return { resolved: true };
  } catch (err) {
    return { slimgoError: err instanceof SlimgoError, exitCode: err.exitCode, message: String(err.message) };
  }
};
const errors = {
  analyze: await outcome(() => analyze("no-such-dir")),
  build: await outcome(() => buildImages("no-such-dir")),
  watch: await outcome(() => watchModule("no-such-dir", { onChange() {} }).close()),
  openImage: await outcome(() => openImage("oci:no-such-layout:x")),
  layout: await outcome(() => ociLayoutPublisher("in-the-way/layout").publish(image, "localhost/app", ["v1"])),
  tarball: await outcome(() => tarballPublisher("in-the-way/app.tar").publish(image, "localhost/app", ["v1"])),
};
console.log(JSON.stringify({
  reference: published.reference,
  progress: progress.length,
  errors,
  cwd: process.cwd() === cwd,
  env: JSON.stringify(process.env) === env,
  exitCode: process.exitCode ?? null,
}));
`;

interface ConsumerOutput {
  reference: string;
  progress: number;
  errors: Record<string, { resolved?: boolean; slimgoError?: boolean; exitCode?: number; message?: string }>;
  cwd: boolean;
  env: boolean;
  exitCode: number | null;
}

test("a program that imports slimgo builds and publishes from a directory of its own, gets a SlimgoError naming the path for each bad input, and exits by itself with nothing left in its temp dir", { skip: skipUnless("go") }, async () => {
  const module = await example("notes", "examples");
  const program = await temp.make("slimgo-consumer-");
  const tmp = await temp.make("slimgo-consumer-tmp-");
  await writeFile(join(program, "main.mjs"), CONSUMER);
  // The program's own cwd, with the module given relative to it, as a build service would.
  const env = { ...process.env, TMPDIR: tmp, SLIMGO_NO_SPECULATION: "1" };
  const { stdout, stderr } = await run(process.execPath, ["main.mjs", join("..", module.slice(module.lastIndexOf("/") + 1))], { cwd: program, env });

  assert.equal(stderr, "", "slimgo writes nothing to the program's stderr (warnings go to onWarning)");
  const lines = stdout.trim().split("\n");
  assert.equal(lines.length, 1, `slimgo writes nothing to the program's stdout (progress goes to onProgress):\n${stdout}`);
  const out = JSON.parse(lines[0]!) as ConsumerOutput;
  assert.match(out.reference, /^oci:out\/layout:localhost\/app:v1@sha256:[0-9a-f]{64}$/);
  assert.ok(out.progress > 0, "progress reached onProgress");
  assert.deepEqual([out.cwd, out.env, out.exitCode], [true, true, null], "cwd, environment and exit code are the program's own");

  const names: Record<string, string> = {
    analyze: "no-such-dir",
    build: "no-such-dir",
    watch: "no-such-dir",
    openImage: "no-such-layout",
    layout: "in-the-way/layout",
    tarball: "in-the-way/app.tar",
  };
  for (const [call, path] of Object.entries(names)) {
    const got = out.errors[call];
    assert.ok(got?.slimgoError, `${call}: rejects with a SlimgoError, not an internal error: ${JSON.stringify(got)}`);
    assert.equal(got.exitCode, 2, call);
    assert.ok(got.message?.startsWith(`${path} `) || got.message?.startsWith(`${path}:`), `${call}: the message names ${path}: ${got.message}`);
  }
  assert.deepEqual(await readdir(tmp), [], "no temp files or directories are left once the program has exited");
});

/** Opens an image from a registry port nothing listens on; prints what the error lets a program tell. */
const REGISTRY_CONSUMER = `import { openImage, RegistryError, SlimgoError } from ${JSON.stringify(PACKAGE_ROOT)};
import { createServer } from "node:net";

const server = createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const registry = "127.0.0.1:" + server.address().port;
await new Promise((resolve) => server.close(resolve));
try {
  await openImage(registry + "/app:v1", { insecureRegistries: [registry] });
} catch (err) {
  console.log(JSON.stringify({ registryError: err instanceof RegistryError, slimgoError: err instanceof SlimgoError, registry: err.registry === registry, retryable: typeof err.retryable, exitCode: err.exitCode, message: err.message }));
}
`;

test("a registry that cannot be reached rejects with a RegistryError the program can tell apart (which registry, whether to retry)", async () => {
  const program = await temp.make("slimgo-consumer-registry-");
  await writeFile(join(program, "main.mjs"), REGISTRY_CONSUMER);
  const { stdout, stderr } = await run(process.execPath, ["main.mjs"], { cwd: program });
  assert.equal(stderr, "");
  const out = JSON.parse(stdout) as { registryError: boolean; slimgoError: boolean; registry: boolean; retryable: string; exitCode: number; message: string };
  assert.deepEqual([out.registryError, out.slimgoError, out.registry, out.retryable, out.exitCode], [true, true, true, "boolean", 2], out.message);
  assert.match(out.message, /^127\.0\.0\.1:\d+: /, "the message names the registry");
});

/** Inspects and verifies the podman: image argv[2] twice; prints what its temp dir holds after each call. */
const PODMAN_CONSUMER = `import { inspectReference, verifyReference } from ${JSON.stringify(PACKAGE_ROOT)};
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";

const reference = "podman:" + process.argv[2];
const left = [];
for (let i = 0; i < 2; i++) {
  const { result } = await inspectReference(reference);
  left.push(readdirSync(tmpdir()));
  const [report] = await verifyReference(reference);
  left.push(readdirSync(tmpdir()));
  if (!result.digest || !report) throw new Error("nothing read");
}
console.log(JSON.stringify(left));
`;

test("a program that inspects and verifies a podman: image again and again keeps no saved copy of it in its temp dir between calls", { skip: skipContainers() }, async () => {
  const work = await temp.make("slimgo-consumer-podman-");
  const tag = `localhost/slimgo-test/library-saved-${process.pid}:1`;
  await mkdir(join(work, "rootfs"));
  await writeFile(join(work, "rootfs", "hello.txt"), "a file\n");
  await run("tar", ["-C", join(work, "rootfs"), "-cf", join(work, "rootfs.tar"), "."]);
  await podman(["import", join(work, "rootfs.tar"), tag]);
  try {
    const tmp = await temp.make("slimgo-consumer-tmp-");
    await writeFile(join(work, "main.mjs"), PODMAN_CONSUMER);
    const { stdout } = await run(process.execPath, ["main.mjs", tag], { cwd: work, env: { ...process.env, TMPDIR: tmp } });
    assert.deepEqual(JSON.parse(stdout), [[], [], [], []], "each podman save is removed once its call is done, not when the program exits");
  } finally {
    await removeImages(tag);
  }
});

/** What a user of the README's API writes: each call's options and results named by their types. */
const TYPED_CONSUMER = `import {
  analyze, buildImages, inspectReference, lintDockerfile, loadConfig, openImage, planInit, verifyImage, imageViewFromDirectory, verifyReference,
  type AnalyzeOptions, type BuildCompression, type CheckResult, type CheckStatus, type CiProvider, type Digest, type Fix, type GeneratedFile,
  type ImageFormat, type ImageView, type InspectResult, type InspectRunOptions, type LintOptions, type LoadedConfig, type OpenImageOptions,
  type RunOptions, type Severity, type VerifyImageOptions, type VerifyReport, type VersionInfo, type ContainerConfig,
} from "slimgo";

const analyzeOptions: AnalyzeOptions = { engine: "scanner" };
await analyze(".", analyzeOptions);
const ci: CiProvider = "github";
const files: GeneratedFile[] = (await planInit(".", { ci })).files;
const config: LoadedConfig = await loadConfig(".");
const lintOptions: LintOptions = {};
const fixes: (Fix | undefined)[] = lintDockerfile("FROM scratch\\n", lintOptions).findings.map((f) => f.fix);
const severity: Severity = "error";
const format: ImageFormat = "oci";
const compression: BuildCompression = "gzip";
const { version }: { version: VersionInfo } = await buildImages(".", { format, compression });
const openOptions: OpenImageOptions = {};
const digest: Digest = (await openImage("oci:out:app", openOptions)).digest;
const inspectOptions: InspectRunOptions = {};
const inspected: InspectResult = (await inspectReference("oci:out:app", inspectOptions)).result;
const verifyOptions: RunOptions & VerifyImageOptions = {};
const reports: VerifyReport[] = await verifyReference("oci:out:app", verifyOptions);
const results: CheckResult[] = reports.flatMap((r) => r.checks);
const statuses: CheckStatus[] = results.map((r) => r.status);
const view: ImageView = await imageViewFromDirectory("rootfs", {});
const report: VerifyReport = await verifyImage(view);
const imageConfig: ContainerConfig | undefined = undefined;
console.log(files, config, fixes, severity, version, digest, inspected, statuses, report, imageConfig);
`;

test("the options and results of the exported functions can be named by type from \"slimgo\" (strict, NodeNext), without deep imports", async () => {
  const project = await temp.make("slimgo-typed-consumer-");
  await mkdir(join(project, "node_modules", "@types"), { recursive: true });
  await symlink(ROOT, join(project, "node_modules", "slimgo"));
  await symlink(join(ROOT, "node_modules", "@types", "node"), join(project, "node_modules", "@types", "node"));
  await writeFile(join(project, "package.json"), JSON.stringify({ type: "module", private: true }));
  const compilerOptions = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, types: ["node"], noEmit: true };
  await writeFile(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["main.ts"] }));
  await writeFile(join(project, "main.ts"), TYPED_CONSUMER);
  const tsc = await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", project]).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }));
  assert.equal(tsc.stdout, "", "every type the program names is exported by the package root");
});
