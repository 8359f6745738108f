import { test } from "node:test";
import assert from "node:assert/strict";
import { readModuleFetchSettings } from "../../src/analysis/module-fetch-settings.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipUnless } from "../support/tools.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

const temp = tempDirs();
const clean = (env: Record<string, string>): NodeJS.ProcessEnv => {
  const base = { ...process.env };
  for (const k of ["GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOENV"]) delete base[k];
  return { ...base, ...env };
};

test("without go, the settings come from the environment, defaults dropped", async () => {
  const settings = await readModuleFetchSettings({ goBinary: "/nonexistent/go", env: clean({ GOPRIVATE: "github.com/acme/*", GOSUMDB: "sum.golang.org" }) });
  assert.deepEqual(settings, { GOPRIVATE: { name: "GOPRIVATE", value: "github.com/acme/*", source: "the GOPRIVATE environment variable" } });
});

test("with go, go env answers, including what `go env -w` stored, and says so", { skip: skipUnless("go") }, async () => {
  const dir = await temp.make("slimgo-goenv-");
  const goenv = join(dir, "go.env");
  await writeFile(goenv, "GOPRIVATE=git.acme.example\n");
  const settings = await readModuleFetchSettings({ env: clean({ GOENV: goenv, GOPROXY: "https://goproxy.acme.example" }), cwd: dir });
  assert.deepEqual(settings, {
    GOPROXY: { name: "GOPROXY", value: "https://goproxy.acme.example", source: "the GOPROXY environment variable" },
    GOPRIVATE: { name: "GOPRIVATE", value: "git.acme.example", source: "go env GOPRIVATE" },
  });
});
