import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inputError } from "../errors.js";
import type { ImageOrIndex } from "../image/index.js";
import { readDockerArchive } from "../transports/index.js";
import { atExit, stopAtExit } from "../fsutil/temp-cleanup.js";

/** Temp dirs holding `save` output; layers are read lazily from them, so they live until exit or dispose. */
const saved = new Set<string>();
let exitHookInstalled = false;

function newSaveDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "slimgo-save-"));
  saved.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A saved image can be gigabytes: removed on Ctrl-C or kill too.
    atExit(disposeSavedImages);
  }
  return dir;
}

/** The save dir of each image readSavedImage returned, for disposeSavedImage. */
const dirOfImage = new WeakMap<ImageOrIndex, string>();

/**
 * Removes the archive `item` was saved to, if readSavedImage made it: for a caller done with the
 * image (inspect and verify), so that a long-running program does not keep a copy per call until it exits.
 */
export function disposeSavedImage(item: ImageOrIndex): void {
  const dir = dirOfImage.get(item);
  if (dir === undefined) return;
  dirOfImage.delete(item);
  rmSync(dir, { recursive: true, force: true });
  saved.delete(dir);
}

/** Removes every archive `podman:`/`docker:` references were saved to. Images opened from them cannot be read afterwards. */
export function disposeSavedImages(): void {
  for (const dir of saved) rmSync(dir, { recursive: true, force: true });
  saved.clear();
}

function run(cli: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // A save of a large image takes a while: a slimgo stopped by a signal stops it too.
    const child = execFile(cli, args, { maxBuffer: 4 * 1024 * 1024, timeout: 30 * 60_000 }, (error, _stdout, stderr) => {
      if (error === null) return resolve();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return reject(inputError(`${cli} is not installed here; save the image yourself (${cli} save -o FILE NAME) and pass docker-archive:FILE`));
      const detail = String(stderr).trim().split("\n").pop() ?? error.message;
      // Only a name the engine does not know is the name's fault; any other failure is the engine's own, said as it is.
      const unknownName = /image not known|no such image|not found|does not exist/i.test(detail);
      reject(inputError(`${cli} save failed: ${detail}${unknownName ? `; check the image name with \`${cli} images\`` : ""}`));
    });
    stopAtExit(child);
  });
}

/**
 * Reads a local engine's image through its CLI's `save` (podman or docker), as a docker-archive
 * in a temp dir, which is then read like any other untrusted archive.
 */
export async function readSavedImage(cli: "podman" | "docker", name: string, onProgress?: (message: string) => void): Promise<ImageOrIndex> {
  if (name.startsWith("-")) throw inputError(`${cli}:${name}: an image name cannot start with "-"`);
  const dir = newSaveDir();
  const file = join(dir, "image.tar");
  onProgress?.(`saving ${name} with ${cli} save`);
  const args = cli === "podman" ? ["save", "--format", "docker-archive", "-o", file, name] : ["save", "-o", file, name];
  try {
    await run(cli, args);
    // Named as the user named it: the temp file is gone by the time an error is read.
    const item = await readDockerArchive(file, undefined, {}, `${cli}:${name}`);
    dirOfImage.set(item, dir);
    return item;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    saved.delete(dir);
    throw error;
  }
}
