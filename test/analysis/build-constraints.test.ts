import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { evalGoBuild, evalPlusBuild, fileNameIncluded, type BuildContext } from "../../src/analysis/index.js";

const amd64: BuildContext = { goos: "linux", goarch: "amd64", cgo: true, goMinor: 21 };
const arm64NoCgo: BuildContext = { goos: "linux", goarch: "arm64", cgo: false, goMinor: 19, tags: ["netgo"] };

describe("//go:build expressions", () => {
  const table: [string, boolean, boolean][] = [
    // expression, linux/amd64+cgo go1.21, linux/arm64 no cgo go1.19 -tags netgo
    ["linux", true, true],
    ["unix", true, true],
    ["darwin || windows", false, false],
    ["linux && amd64", true, false],
    ["linux && !arm64", true, false],
    ["cgo", true, false],
    ["!cgo", false, true],
    ["ignore", false, false],
    ["!ignore", true, true],
    ["go1.20", true, false],
    ["go1.19 && !go1.21", false, true],
    ["(linux || darwin) && (amd64 || arm64)", true, true],
    ["netgo", false, true],
    ["gc && !gccgo", true, true],
    ["!(linux && amd64)", false, true],
  ];
  for (const [expr, onAmd64, onArm64] of table) {
    test(expr, () => {
      assert.equal(evalGoBuild(expr, amd64), onAmd64);
      assert.equal(evalGoBuild(expr, arm64NoCgo), onArm64);
    });
  }

  test("syntax errors throw", () => {
    assert.throws(() => evalGoBuild("linux &&", amd64));
    assert.throws(() => evalGoBuild("(linux", amd64));
    assert.throws(() => evalGoBuild("linux amd64", amd64));
  });
});

describe("// +build lines", () => {
  test("space is OR, comma is AND, ! negates, lines are ANDed", () => {
    assert.equal(evalPlusBuild(["linux darwin"], amd64), true);
    assert.equal(evalPlusBuild(["linux,arm64"], amd64), false);
    assert.equal(evalPlusBuild(["linux,!arm64"], amd64), true);
    assert.equal(evalPlusBuild(["linux", "!cgo"], amd64), false);
    assert.equal(evalPlusBuild(["ignore"], amd64), false);
  });
});

describe("file names", () => {
  const table: [string, boolean, boolean][] = [
    ["main.go", true, true],
    ["main_test.go", false, false],
    ["_scratch.go", false, false],
    [".hidden.go", false, false],
    ["notes.txt", false, false],
    ["sys_linux.go", true, true],
    ["sys_windows.go", false, false],
    ["sys_amd64.go", true, false],
    ["sys_linux_arm64.go", false, true],
    ["sys_darwin_amd64.go", false, false],
    ["linux.go", true, true],
    ["cpu_x86.go", true, true],
  ];
  for (const [name, onAmd64, onArm64] of table) {
    test(name, () => {
      assert.equal(fileNameIncluded(name, amd64), onAmd64);
      assert.equal(fileNameIncluded(name, arm64NoCgo), onArm64);
    });
  }
});
