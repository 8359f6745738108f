import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFilesAtomically } from "../../src/fsutil/atomic-write.js";

test("all files or none: when a later file cannot be put in place, the ones already placed get their old content back or go", async () => {
  const dir = await mkdtemp(join(tmpdir(), "slimgo-atomic-"));
  try {
    await writeFile(join(dir, "Dockerfile"), "old\n");
    // A directory where a file should go: the rename onto it fails after the others were placed.
    await mkdir(join(dir, "compose.yaml"));
    await writeFile(join(dir, "compose.yaml", "keep"), "");
    const files = [
      { path: join(dir, "Dockerfile"), content: "new\n" },
      { path: join(dir, ".dockerignore"), content: ".git\n" },
      { path: join(dir, "compose.yaml"), content: "services: {}\n" },
    ];
    await assert.rejects(writeFilesAtomically(files));
    assert.equal(await readFile(join(dir, "Dockerfile"), "utf8"), "old\n");
    assert.deepEqual((await readdir(dir)).sort(), ["Dockerfile", "compose.yaml"], "no new file, no temp or backup file left");

    await rm(join(dir, "compose.yaml"), { recursive: true });
    await writeFilesAtomically(files);
    assert.equal(await readFile(join(dir, "Dockerfile"), "utf8"), "new\n");
    assert.deepEqual((await readdir(dir)).sort(), [".dockerignore", "Dockerfile", "compose.yaml"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
