import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { binaryName, choosePrimary } from "../../src/analysis/main-packages.js";
import { mainPackage } from "../support/analysis.js";

describe("primary main package", () => {
  const root = mainPackage(".", "app");
  const cmdApp = mainPackage("cmd/app", "app");
  const cmdTool = mainPackage("cmd/tool", "tool");
  const cmdOther = mainPackage("cmd/other", "other");

  test("the root main wins over cmd/", () => {
    assert.equal(choosePrimary([cmdApp, root], "example.com/app").primary, root);
  });

  test("else cmd/<last element of the module path>, ignoring a major version suffix", () => {
    const { primary, reason } = choosePrimary([cmdTool, cmdApp], "example.com/app/v3");
    assert.equal(primary, cmdApp);
    assert.match(reason, /cmd\/app is named after the module/);
  });

  test("else the only one", () => {
    assert.equal(choosePrimary([cmdTool], "example.com/app").primary, cmdTool);
  });

  test("else none, and the reason says to pass --main", () => {
    const { primary, reason } = choosePrimary([cmdTool, cmdOther], "example.com/app");
    assert.equal(primary, undefined);
    assert.equal(reason, "2 main packages (./cmd/tool, ./cmd/other) and none is at the root or named cmd/app: pass --main with one of them");
  });

  test("no main package at all", () => {
    assert.deepEqual(choosePrimary([], "example.com/lib"), { reason: "no main package (package main with func main) in the module" });
  });
});

describe("binary names", () => {
  test("last import path element, skipping /vN", () => {
    assert.equal(binaryName("example.com/app"), "app");
    assert.equal(binaryName("example.com/app/cmd/api"), "api");
    assert.equal(binaryName("example.com/app/v2"), "app");
    assert.equal(binaryName("app"), "app");
  });
});
