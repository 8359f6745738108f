/**
 * The npm package, as `npm pack` makes it and a user installs it: only the files package.json's
 * `files` lists. A module that the checkout has but the package leaves out passes every other test
 * and breaks every installed slimgo.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { moduleCopies, runSlimgo, SLIMGO_BIN } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipUnless } from "../support/tools.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const temp = tempDirs();
const example = moduleCopies();

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** Packs the checkout (already compiled: no prepare script) and unpacks it as npm installs it. */
async function packedSlimgo(): Promise<{ bin: string; files: string[] }> {
  const dir = await temp.make("slimgo-package-");
  const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as PackResult[];
  assert.ok(packed, stdout);
  await run("tar", ["-xzf", join(dir, packed.filename), "-C", dir]);
  // The dependencies an install would fetch are the checkout's; the package's own files are what is tested.
  await symlink(join(ROOT, "node_modules"), join(dir, "package", "node_modules"));
  return { bin: join(dir, "package", "bin", "slimgo.js"), files: packed.files.map((f) => f.path) };
}

function runPacked(bin: string, args: string[], cwd: string) {
  return run(bin, args, { cwd, env: { ...process.env, NO_COLOR: "1" } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? 1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" }),
  );
}

test("the packed slimgo runs init, lint and build as the checkout does, and builds the same image digest", { skip: skipUnless("go") }, async () => {
  const { bin, files } = await packedSlimgo();
  assert.ok(files.includes("bin/slimgo.js") && files.includes("README.md") && files.includes("docs/rules/SG101.md"), files.join("\n"));
  assert.deepEqual(
    files.filter((f) => /^(test|dist\/test|bench|dist\/bench|examples|scripts|src)\//.test(f) || /(^|\/)\.env/.test(f)),
    [],
    "the package holds neither tests, benches, sources nor .env files",
  );

  const dir = await example("notes", "examples");
  const init = await runPacked(bin, ["init", "--dry-run"], dir);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout + init.stderr, /runtime\s+scratch/);

  const lint = await runPacked(bin, ["lint", "--format", "json", "Dockerfile"], dir);
  assert.notEqual(lint.code, 2, lint.stderr);

  const env = { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_NO_SPECULATION: "1" };
  const packedBuild = await run(bin, ["build", ".", "--oci-layout", join(dir, "packed"), "--version", "1.0.0", "-q"], { cwd: dir, env: { ...process.env, ...env } });
  const checkoutBuild = await runSlimgo(["build", ".", "--oci-layout", join(dir, "checkout"), "--version", "1.0.0", "-q"], { cwd: dir, env });
  assert.equal(checkoutBuild.code, 0, checkoutBuild.stderr);
  const digest = (out: string) => /@(sha256:[0-9a-f]{64})/.exec(out)?.[1];
  assert.ok(digest(packedBuild.stdout), packedBuild.stdout);
  assert.equal(digest(packedBuild.stdout), digest(checkoutBuild.stdout), "the packed and the checkout's slimgo build the same image");
  assert.notEqual(bin, SLIMGO_BIN);
});

/** The README's "As a library" program, as a user's own TypeScript project would hold it. */
const CONSUMER = `import { planInit, buildImages, ociLayoutPublisher, verifyReference, isImageIndex, type Decision } from "slimgo";

const [dir, layout] = process.argv.slice(2) as [string, string];
const { plan, files } = await planInit(dir);
const runtime: Decision | undefined = plan.programs[0]?.decisions.find((d) => d.topic === "runtime");
const { programs } = await buildImages(dir, { version: "1.0.0" });
const program = programs[0]!;
const published = await ociLayoutPublisher(layout).publish(program.image, "localhost/" + program.main.binary, ["v1"]);
const reports = await verifyReference(published.reference);
console.log(JSON.stringify({
  dockerfile: files.find((f) => f.name === "Dockerfile")?.content,
  runtime: runtime?.choice,
  index: isImageIndex(program.image),
  reference: published.reference,
  digest: published.digest,
  failed: reports.flatMap((r) => r.checks.filter((c) => c.status === "fail").map((c) => c.id)),
}));
`;

test("a TypeScript program that imports the packed slimgo type-checks (strict, NodeNext), and builds, publishes and verifies the image the CLI builds", { skip: skipUnless("go", "skopeo") }, async () => {
  const { bin } = await packedSlimgo();
  const project = await temp.make("slimgo-consumer-");
  await mkdir(join(project, "node_modules", "@types"), { recursive: true });
  await symlink(dirname(dirname(bin)), join(project, "node_modules", "slimgo"));
  await symlink(join(ROOT, "node_modules", "@types", "node"), join(project, "node_modules", "@types", "node"));
  await writeFile(join(project, "package.json"), JSON.stringify({ type: "module", private: true }));
  const compilerOptions = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noUncheckedIndexedAccess: true, types: ["node"], outDir: "out" };
  await writeFile(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["main.ts"] }));
  await writeFile(join(project, "main.ts"), CONSUMER);
  const tsc = await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", project]).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }));
  assert.equal(tsc.stdout, "", "the library's types compile in a user's project");

  const dir = await example("notes", "examples");
  const env = { ...process.env, SOURCE_DATE_EPOCH: "1700000000", SLIMGO_NO_SPECULATION: "1" };
  const library = await run(process.execPath, [join(project, "out", "main.js"), dir, join(dir, "library")], { cwd: project, env });
  const out = JSON.parse(library.stdout) as { dockerfile: string; runtime: string; index: boolean; reference: string; digest: string; failed: string[] };

  const init = await runSlimgo(["init", "--force"], { cwd: dir });
  assert.equal(init.code, 0, init.stderr);
  assert.equal(out.dockerfile, await readFile(join(dir, "Dockerfile"), "utf8"), "planInit gives the Dockerfile slimgo init writes");
  assert.equal(out.runtime, "scratch");

  const cli = await runSlimgo(["build", ".", "--oci-layout", join(dir, "cli"), "--version", "1.0.0", "-q"], { cwd: dir, env: { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_NO_SPECULATION: "1" } });
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(out.index, false);
  assert.equal(out.digest, /@(sha256:[0-9a-f]{64})/.exec(cli.stdout)?.[1], "the library and the CLI build the same image");
  const skopeo = await run("skopeo", ["inspect", `oci:${join(dir, "library")}:localhost/notes:v1`]);
  assert.equal((JSON.parse(skopeo.stdout) as { Digest: string }).Digest, out.digest);
  assert.deepEqual(out.failed, [], "verify finds the recipe held");
});
