import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const made: string[] = [];
let hooked = false;

/** A temporary build context holding `files` (path → content, with `modes` for some); removed when the test file's process exits. */
export function makeContext(files: Record<string, string>, modes: Record<string, number> = {}): string {
  // At exit, not in an after() hook: makeContext is often first called inside a test, where after()
  // would clean up only that test's contexts and leave every later one behind.
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), "slimgo-lint-"));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
    const mode = modes[path];
    if (mode !== undefined) chmodSync(join(dir, path), mode);
  }
  return dir;
}

/** A copy of a build context with some files replaced (path → content), removed like makeContext's. */
export function copyContext(from: string, replaced: Record<string, string>): string {
  const dir = makeContext({});
  cpSync(from, dir, { recursive: true });
  for (const [path, content] of Object.entries(replaced)) writeFileSync(join(dir, path), content);
  return dir;
}
