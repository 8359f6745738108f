/**
 * Values `slimgo build` cannot use are usage errors (exit 2) that say what to give instead, before
 * anything is compiled.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();

async function refused(args: string[], message: RegExp, env: Record<string, string> = {}): Promise<void> {
  const r = await runSlimgo(["build", ...args], { env });
  assert.equal(r.code, 2, `${args.join(" ")}:\n${r.stderr}`);
  assert.match(r.stderr, message, args.join(" "));
  assert.doesNotMatch(r.stderr, /internal error|compiling|warning/, `${args.join(" ")}: refused alone, before the compile`);
}

test("--healthcheck takes a path with its leading slash: the probe would send GET healthz and never be healthy", async () => {
  const dir = await fixture("root-main");
  const layout = join(await temp.make("slimgo-health-"), "layout");
  await refused([dir, "--healthcheck", "healthz", "--oci-layout", layout], /^slimgo: --healthcheck healthz: expected a path starting with "\/" and without spaces \(e\.g\. \/healthz\), an http:\/\/ URL, or none$/m);
  await refused([dir, "--healthcheck", "./ready", "--oci-layout", layout], /^slimgo: --healthcheck \.\/ready: expected a path .*\(e\.g\. \/ready\)/m);
  await refused([dir, "--healthcheck", "/health z", "--oci-layout", layout], /^slimgo: --healthcheck \/health z: expected a path starting with "\/" and without spaces/m);
});
