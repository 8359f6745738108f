import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatPlan, OUTPUT, parsePlan, planFile, type GoBuildPlan } from "../../src/build/go-build-plan.js";

const plan: GoBuildPlan = {
  go: "go",
  cwd: "/src/app",
  args: ["build", "-trimpath", "-ldflags=-s -w -X=main.version=1.2.3 -X='main.name=a b'", "-o", OUTPUT, "./cmd/api"],
  env: { CGO_ENABLED: "0", GOFLAGS: "-mod=vendor -tags=a,b", GOOS: "linux" },
};

describe("the recorded go build plan (the lines bin/slimgo.js's sh part reads)", () => {
  test("reads back as the plan it was written from, for the go being run now", () => {
    const text = formatPlan(plan, "/cache/go-binaries/abc")!;
    assert.equal(
      text,
      "slimgo go build plan 1\n/src/app\n/cache/go-binaries/abc\nCGO_ENABLED=0\nGOFLAGS=-mod=vendor -tags=a,b\nGOOS=linux\n--\nbuild\n-trimpath\n-ldflags=-s -w -X=main.version=1.2.3 -X='main.name=a b'\n-o\n\n./cmd/api\n",
    );
    assert.deepEqual(parsePlan(text, "go"), { plan, kept: "/cache/go-binaries/abc" });
    assert.deepEqual(parsePlan(formatPlan(plan, undefined)!, "/opt/go/bin/go"), { plan: { ...plan, go: "/opt/go/bin/go" }, kept: undefined });
  });

  const unwritable: [string, GoBuildPlan][] = [
    ["a value over two lines", { ...plan, env: { ...plan.env, GOFLAGS: "-x\n-v" } }],
    ["an argument over two lines", { ...plan, args: [...plan.args.slice(0, -1), "./cmd\napi"] }],
    ["a variable name sh cannot set", { ...plan, env: { ...plan.env, "GO-FLAGS": "x" } }],
    ["a -- argument, which sh reads as the go binary", { ...plan, args: [...plan.args, "--"] }],
    ["an empty argument, which stands for the output", { ...plan, args: [...plan.args, ""] }],
    ["no output", { ...plan, args: plan.args.filter((a) => a !== OUTPUT) }],
    ["not go build", { ...plan, args: ["run", ...plan.args.slice(1)] }],
  ];
  for (const [name, p] of unwritable) {
    test(`is not written with ${name}`, () => assert.equal(formatPlan(p, undefined), undefined));
  }

  const head = "slimgo go build plan 1\n/src/app\n\n";
  const unreadable: [string, string][] = [
    ["another format", "slimgo go build plan 2\n/src/app\n\n--\nbuild\n\n"],
    ["a command where a variable should be", `${head}/usr/bin/touch\n--\nbuild\n\n`],
    ["no separator", `${head}GOOS=linux\nbuild\n\n`],
    ["a program other than go build", `${head}--\nrun\n\n`],
    ["no output line", `${head}--\nbuild\n.\n`],
    ["a cut-off last line", `${head}--\nbuild\n\n.`],
    ["no directory", "slimgo go build plan 1\n\n\n--\nbuild\n\n"],
  ];
  for (const [name, text] of unreadable) {
    test(`is not read with ${name}`, () => assert.equal(parsePlan(text, "go"), undefined));
  }

  test("is kept under the launch directory's own path, as sh finds it without hashing", () => {
    assert.equal(planFile("/home/me/app", { SLIMGO_CACHE_DIR: "/c" }), "/c/go-build-plans/home/me/app/@plan");
    assert.equal(planFile("/home/me/app", { XDG_CACHE_HOME: "/x" }), "/x/slimgo/go-build-plans/home/me/app/@plan");
  });
});
