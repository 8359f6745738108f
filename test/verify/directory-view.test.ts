import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SlimgoError } from "../../src/errors.js";
import { imageViewFromDirectory, verifyImage } from "../../src/verify/index.js";
import { FIXTURES } from "../support/cli.js";
import { runTool } from "../support/podman.js";
import { skipUnless } from "../support/tools.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function rootfs(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slimgo-verify-rootfs-"));
  dirs.push(dir);
  return dir;
}

const config = (extra: Record<string, unknown> = {}) => ({ architecture: "amd64", os: "linux", config: { User: "65532", ...extra }, rootfs: { type: "layers", diff_ids: [] } });

test("the library example of docs/verify.md runs as written, importing from the package", async () => {
  const docs = await readFile(new URL("../../../docs/verify.md", import.meta.url), "utf8");
  const example = /## Using it as a library[\s\S]*?```ts\n([\s\S]*?)```/.exec(docs)?.[1];
  assert.ok(example, "docs/verify.md has the example");
  const root = await rootfs();
  await writeFile(join(root, "app"), "not a binary");
  const script = `const configJson = ${JSON.stringify(JSON.stringify(config({ Entrypoint: ["/app"] })))};\n${example.replace('"bundle/rootfs"', JSON.stringify(root))}`;
  // Resolving "slimgo" from inside the package: the name and exports of package.json.
  const { stdout, code } = await runTool(process.execPath, ["--input-type=module", "-e", script], { allowFailure: true, cwd: fileURLToPath(new URL("../../..", import.meta.url)) });
  assert.equal(code, 1, "a failed check gives exit code 1");
  assert.match(stdout, /app:1\.0/);
});

describe("an ImageView from an unpacked root file system", () => {
  test("symlinks inside the rootfs never reach the host's files", async () => {
    const root = await rootfs();
    await mkdir(join(root, "etc"));
    // Both would read the host's /etc/passwd (which lists root) if followed on the host.
    await symlink("/etc/passwd", join(root, "etc/passwd"));
    await symlink("../../../../../../../../bin/true", join(root, "app"));
    const view = await imageViewFromDirectory(root, JSON.stringify(config({ User: "root", Entrypoint: ["/app"] })));
    assert.equal(view.files.get("/etc/passwd")?.type, "symlink");
    assert.equal(await view.readFile("/etc/passwd", 100), undefined);
    const report = await verifyImage(view);
    const status = (name: string) => report.checks.find((c) => c.name === name);
    assert.equal(status("non-root-user")?.status, "fail");
    assert.match(status("non-root-user")!.message, /cannot be resolved/);
    assert.equal(status("entrypoint")?.status, "fail", "/app → /bin/true resolves inside the image, where there is none");
  });

  test("records modes, owners, sizes and link targets", async () => {
    const root = await rootfs();
    await mkdir(join(root, "tmp"));
    await chmod(join(root, "tmp"), 0o1777);
    await writeFile(join(root, "data.txt"), "hello");
    await symlink("data.txt", join(root, "link"));
    const view = await imageViewFromDirectory(root, config());
    assert.equal(view.files.get("/tmp")?.mode, 0o1777);
    const data = view.files.get("/data.txt");
    assert.equal(data?.type, "file");
    assert.equal(data?.size, 5);
    assert.equal(data?.uid, process.getuid!());
    assert.equal(view.files.get("/link")?.linkTarget, "data.txt");
    assert.equal(view.uncompressedSize, 5);
    assert.equal((await view.readFile("/data.txt", 3))?.toString(), "hel");
    assert.deepEqual(view.platform, { os: "linux", architecture: "amd64" });
  });

  test("finds executable Go binaries and reads them", { skip: skipUnless("go") }, async () => {
    const root = await rootfs();
    await mkdir(join(root, "usr/local/bin"), { recursive: true });
    await runTool("go", ["build", "-trimpath", "-o", join(root, "usr/local/bin/app"), "."], {
      cwd: join(FIXTURES, "cli-tool"),
      env: { CGO_ENABLED: "0", GOFLAGS: "", GOWORK: "off" },
      timeoutMs: 180_000,
    });
    await writeFile(join(root, "not-go"), "\x7fELF but not really");
    await chmod(join(root, "not-go"), 0o755);
    const view = await imageViewFromDirectory(root, config({ Entrypoint: ["/usr/local/bin/app"] }));
    assert.deepEqual(view.goBinaries.map((b) => b.path), ["/usr/local/bin/app"]);
    assert.equal(view.goBinaries[0]!.info.elf.linking, "static");
    const report = await verifyImage(view);
    assert.deepEqual(report.checks.filter((c) => c.status === "fail").map((c) => c.name), []);
  });

  test("bad input gives one line naming what is wrong (exit 2)", async () => {
    const root = await rootfs();
    await assert.rejects(imageViewFromDirectory(join(root, "missing"), config()), (e: unknown) => e instanceof SlimgoError && e.exitCode === 2 && /not a directory/.test(e.message));
    await assert.rejects(imageViewFromDirectory(root, "{not json"), (e: unknown) => e instanceof SlimgoError && /not JSON/.test(e.message));
    await assert.rejects(imageViewFromDirectory(root, { config: {} }), (e: unknown) => e instanceof SlimgoError && /not an image config \(architecture/.test(e.message));
  });

  test("null fields in Docker configs are treated as absent", async () => {
    const root = await rootfs();
    const view = await imageViewFromDirectory(root, { architecture: "arm64", os: "linux", variant: "v8", config: { Entrypoint: null, Cmd: null, Labels: null, Env: null }, history: null });
    assert.deepEqual(view.config, {});
    assert.deepEqual(view.history, []);
    assert.equal(view.platform.variant, "v8");
  });
});
