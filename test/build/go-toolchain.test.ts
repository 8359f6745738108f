/**
 * slimgo asks `go env` for the toolchain's version and GOROOT once per go executable, and keeps
 * the answer: a go that logs its runs (a compiled program that then runs the real go) shows when
 * go was asked again. Each lookup runs in its own process, as each `slimgo build` does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";
import { checkToolchain } from "../../src/build/go-toolchain.js";
import { parseGoMod } from "../../src/analysis/gomod.js";
import type { ModuleAnalysis } from "../../src/analysis/types.js";

const temp = tempDirs();
const toolchainModule = fileURLToPath(new URL("../../src/build/go-toolchain.js", import.meta.url));

const LOGGING_GO = `package main

import (
	"os"
	"strings"
	"syscall"
)

func main() {
	log, _ := os.OpenFile(os.Getenv("GO_RUNS_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	log.WriteString(strings.Join(os.Args[1:], " ") + "\\n")
	log.Close()
	syscall.Exec(os.Getenv("REAL_GO"), append([]string{"go"}, os.Args[1:]...), os.Environ())
	os.Exit(127)
}
`;

/** The toolchain a fresh process finds with `go` resolved on `binDir` first. */
function lookUp(binDir: string, env: Record<string, string>): { version: string; goroot: string } {
  const script = `const { findGoToolchain } = await import(${JSON.stringify(toolchainModule)}); const t = await findGoToolchain("go"); console.log(JSON.stringify({ version: t.version, goroot: t.goroot }));`;
  const path = `${binDir}:${process.env.PATH}`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ...env, PATH: path }, encoding: "utf8" })) as { version: string; goroot: string };
}

test("go env is asked once per go executable; a new go, another GOROOT or a script in go's place is asked again", { skip: skipUnless("go") }, async () => {
  const dir = await temp.make("slimgo-go-toolchain-");
  const src = join(dir, "src");
  const bin = join(dir, "bin");
  execFileSync("mkdir", ["-p", src, bin]);
  writeFileSync(join(src, "go.mod"), "module logginggo\n\ngo 1.19\n");
  writeFileSync(join(src, "main.go"), LOGGING_GO);
  execFileSync("go", ["build", "-o", join(bin, "go"), "."], { cwd: src, env: { ...process.env, CGO_ENABLED: "0" } });
  const log = join(dir, "runs.log");
  const realGo = execFileSync("sh", ["-c", "command -v go"], { encoding: "utf8" }).trim();
  const env = { SLIMGO_CACHE_DIR: join(dir, "cache"), GO_RUNS_LOG: log, REAL_GO: realGo };
  const envRuns = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => l.startsWith("env ")).length : 0);
  const real = JSON.parse(execFileSync("go", ["env", "-json", "GOVERSION", "GOROOT"], { encoding: "utf8" })) as { GOVERSION: string; GOROOT: string };

  const first = lookUp(bin, env);
  assert.deepEqual(first, { version: real.GOVERSION.replace(/^go/, ""), goroot: real.GOROOT });
  assert.equal(envRuns(), 1);
  assert.deepEqual(lookUp(bin, env), first, "the kept answer");
  assert.equal(envRuns(), 1, "go env was not run again");

  // An upgrade in place: the same path, another file time.
  utimesSync(join(bin, "go"), new Date(), new Date(Date.now() + 5000));
  assert.deepEqual(lookUp(bin, env), first);
  assert.equal(envRuns(), 2, "a changed go is asked again");

  lookUp(bin, { ...env, GOROOT: real.GOROOT });
  assert.equal(envRuns(), 3, "another $GOROOT is asked again");

  // A version manager's shim decides per directory: never kept.
  const shims = join(dir, "shims");
  execFileSync("mkdir", ["-p", shims]);
  writeFileSync(join(shims, "go"), `#!/bin/sh\necho "shim $*" >> "${log}"\nexec "${join(bin, "go")}" "$@"\n`);
  chmodSync(join(shims, "go"), 0o755);
  lookUp(shims, env);
  lookUp(shims, env);
  assert.equal(envRuns(), 5, "a script in go's place is asked every time");
});

test("go.mod's go line is the Go a build needs; its toolchain line is only one that Go before 1.21 cannot read", () => {
  const refusal = (goMod: string, version: string): string | undefined => {
    const analysis = { root: "/src/app", goMod: parseGoMod(goMod, "/src/app/go.mod") } as unknown as ModuleAnalysis;
    try {
      checkToolchain({ binary: "go", version, goroot: "/usr/lib/go" }, analysis);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const suggested = "module example.com/app\n\ngo 1.21.0\n\ntoolchain go1.22.3\n";
  assert.equal(refusal(suggested, "1.21.8"), undefined, "GOTOOLCHAIN=local builds with a Go between the go and toolchain lines");
  assert.equal(refusal(suggested, "1.22.3"), undefined);
  assert.match(refusal(suggested, "1.20.14") ?? "", /(^|\/)go\.mod:3: the module needs Go 1\.21\.0 \(go line\) but go is Go 1\.20\.14: install Go 1\.21\.0 or newer/);
  // Hand-written: an old go line with a toolchain line, which go 1.19 fails on ("unknown directive: toolchain").
  const oldGoLine = "module example.com/app\n\ngo 1.18\n\ntoolchain go1.19.2\n";
  assert.match(refusal(oldGoLine, "1.19.8") ?? "", /(^|\/)go\.mod:5: the toolchain line \(go1\.19\.2\) needs Go 1\.21 or newer to read go\.mod but go is Go 1\.19\.8: install Go 1\.21 or newer/);
  assert.equal(refusal(oldGoLine, "1.21.0"), undefined);
  assert.equal(refusal("module example.com/app\n\ngo 1.18\n", "1.19.8"), undefined);
});
