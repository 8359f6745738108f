/**
 * slimgo runs go build with GOGC=off and a GOMEMLIMIT (src/build/go-gc-env.ts) unless the user set
 * either. The settings must reach the toolchain, give way to the user's, and leave the image as it
 * would be without them.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { goGcEnv } from "../../src/build/go-gc-env.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const GIB = 1024 ** 3;

describe("goGcEnv", () => {
  const cases: { name: string; version: string; env: NodeJS.ProcessEnv; memory: number; cpus: number; want: Record<string, string> }[] = [
    { name: "a quarter of memory shared by the CPUs", version: "1.19.8", env: {}, memory: 24 * GIB, cpus: 2, want: { GOGC: "off", GOMEMLIMIT: "3072MiB" } },
    { name: "never above 4 GiB a process", version: "1.22", env: {}, memory: 256 * GIB, cpus: 4, want: { GOGC: "off", GOMEMLIMIT: "4096MiB" } },
    { name: "never below 256 MiB a process", version: "1.21.0", env: {}, memory: 2 * GIB, cpus: 16, want: { GOGC: "off", GOMEMLIMIT: "256MiB" } },
    { name: "the user's GOGC wins", version: "1.21.0", env: { GOGC: "100" }, memory: 8 * GIB, cpus: 4, want: {} },
    { name: "the user's GOMEMLIMIT wins", version: "1.21.0", env: { GOMEMLIMIT: "1GiB" }, memory: 8 * GIB, cpus: 4, want: {} },
    { name: "an empty GOGC is still the user's", version: "1.21.0", env: { GOGC: "" }, memory: 8 * GIB, cpus: 4, want: {} },
    { name: "Go 1.18 has no GOMEMLIMIT, so GOGC stays on", version: "1.18.10", env: {}, memory: 8 * GIB, cpus: 4, want: {} },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(goGcEnv(c.version, c.env, c.memory, c.cpus), c.want));
  }
});

describe("slimgo build's go build and the garbage collector", { skip: skipUnless("go") }, () => {
  const copy = moduleCopies();
  const temp = tempDirs();
  // A GOGC or GOMEMLIMIT of the test run's own would turn the tuning off for every build here.
  delete process.env.GOGC;
  delete process.env.GOMEMLIMIT;

  test("go gets GOGC=off and a GOMEMLIMIT, the user's GOGC is kept, and the image is the same either way", async () => {
    const moduleDir = await copy("root-main");
    const tools = await temp.make("slimgo-gc-go-");
    const log = join(tools, "env.log");
    // Stands in for go: notes the settings go build runs with, then runs the real go.
    const wrapper = join(tools, "go");
    await writeFile(wrapper, `#!/bin/sh\n[ "$1" = build ] && echo "GOGC=$GOGC GOMEMLIMIT=$GOMEMLIMIT" >> "${log}"\nexec go "$@"\n`);
    await chmod(wrapper, 0o755);

    const build = async (env: Record<string, string>) => {
      const r = await runSlimgo(["build", ".", "--oci-layout", join(await temp.make("slimgo-gc-out-"), "layout"), "--json"], {
        cwd: moduleDir,
        env: { SOURCE_DATE_EPOCH: "1700000000", SLIMGO_GO: wrapper, SLIMGO_CACHE_DIR: await temp.make("slimgo-gc-cache-"), ...env },
      });
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { programs: { digest: string }[] }).programs[0]!.digest;
    };
    const tuned = await build({});
    const users = await build({ GOGC: "100" });
    const lines = (await readFile(log, "utf8")).trim().split("\n");
    assert.match(lines[0]!, /^GOGC=off GOMEMLIMIT=\d+MiB$/);
    assert.equal(lines.at(-1), "GOGC=100 GOMEMLIMIT=");
    assert.equal(users, tuned, "the garbage collector's settings do not change the binary");
  });
});
