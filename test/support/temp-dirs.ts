import { after } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Temp dirs for one test file, removed when its tests are done (call at the file's top level). */
export function tempDirs(): { make(prefix: string): Promise<string>; track(path: string): void } {
  const made: string[] = [];
  after(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
  return {
    async make(prefix) {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    track(path) {
      made.push(path);
    },
  };
}
