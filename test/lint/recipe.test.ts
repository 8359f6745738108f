import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { lintDockerfile } from "../../src/lint/index.js";
import { severityRank } from "../../src/lint/types.js";
import { initDockerfile, initDockerfileNoSum, recipeDockerfile } from "./support/dockerfiles.js";
import { makeContext } from "./support/context.js";
import { fakeModule } from "./support/module.js";

const ids = (text: string, options: Parameters<typeof lintDockerfile>[1] = {}): string[] => lintDockerfile(text, options).findings.map((f) => f.ruleId);

describe("the recipe's wrong examples are each flagged with their rule", () => {
  test("single-stage FROM golang ships the toolchain (SG101)", () => {
    assert.ok(ids("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server .\nCMD [\"/app/server\"]\n").includes("SG101"));
  });
  test("COPY . . before go mod download (SG102)", () => {
    const r = lintDockerfile("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /out/app .\n");
    const f = r.findings.find((x) => x.ruleId === "SG102");
    assert.equal(f?.line, 3);
  });
  test("glibc-linked binary copied to scratch without CGO_ENABLED=0 (SG104)", () => {
    const r = lintDockerfile("FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n");
    assert.equal(r.findings.find((x) => x.ruleId === "SG104")?.severity, "error");
  });
  test("glibc-linked binary copied to alpine (SG104)", () => {
    assert.ok(ids("FROM golang:1.22-bookworm AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\n").includes("SG104"));
  });
  test("golang:latest (SG201)", () => {
    const r = lintDockerfile("FROM golang:latest AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nUSER 1000\nENTRYPOINT [\"/app\"]\n");
    assert.deepEqual(r.findings.filter((f) => f.ruleId === "SG201").map((f) => f.line), [1]);
  });
  test("shell-form CMD (SG203, or SG108 where there is no shell)", () => {
    assert.ok(ids("FROM alpine:3.20\nUSER 1000\nCMD /app --port 8080\n").includes("SG203"));
    assert.ok(ids("FROM scratch\nUSER 1000\nCMD /app --port 8080\n").includes("SG108"));
  });
  test("running as root (SG202)", () => {
    assert.ok(ids("FROM alpine:3.20\nCMD [\"/app\"]\n").includes("SG202"));
    assert.ok(ids("FROM alpine:3.20\nUSER root\nCMD [\"/app\"]\n").includes("SG202"));
  });
  test("wget health check in scratch (SG109)", () => {
    assert.ok(ids("FROM scratch\nCOPY app /app\nUSER 1000\nHEALTHCHECK CMD [\"wget\", \"-q\", \"http://localhost:8080/\"]\nENTRYPOINT [\"/app\"]\n").includes("SG109"));
  });
});

describe("Dockerfiles that follow the recipe lint clean at the default threshold", () => {
  const ctx = makeContext({ "go.mod": "module example.com/app\n", "go.sum": "", "main.go": "package main\n", "cmd/server/main.go": "package main\n", ".dockerignore": ".git\n.env\n" });
  const noSum = makeContext({ "go.mod": "module example.com/app\n", "main.go": "package main\n", ".dockerignore": ".git\n.env\n" });

  test("the production multi-stage recipe", () => {
    const r = lintDockerfile(recipeDockerfile, { contextDir: ctx, module: fakeModule({ tls: false, go: "1.22" }) });
    assert.equal(r.failed, false, r.findings.map((f) => `${f.line} ${f.ruleId} ${f.message}`).join("\n"));
    assert.deepEqual(r.findings, []);
  });

  test("what slimgo init writes (TLS and zoneinfo)", () => {
    const r = lintDockerfile(initDockerfile, { contextDir: ctx, module: fakeModule({ tls: true, zoneinfo: true, tmp: true }) });
    assert.deepEqual(r.findings.map((f) => `${f.line} ${f.ruleId} ${f.message}`), []);
  });

  test("what slimgo init writes for a module without go.sum", () => {
    const r = lintDockerfile(initDockerfileNoSum, { contextDir: noSum, module: fakeModule({ requires: 0 }) });
    assert.deepEqual(r.findings.map((f) => `${f.line} ${f.ruleId} ${f.message}`), []);
  });

  test("every Dockerfile slimgo init generates for the fixtures", async () => {
    const { planInit } = await import("../../src/init/index.js");
    const fixtures = new URL("../../../test/fixtures/", import.meta.url).pathname;
    let checked = 0;
    for (const name of readdirSync(fixtures)) {
      const dir = join(fixtures, name);
      if (!statSync(dir).isDirectory() || name === "malformed-gomod") continue;
      const plan = await planInit(dir, { engine: "scanner", all: true });
      const ignore = plan.files.find((f) => f.name === ".dockerignore");
      for (const file of plan.files.filter((f) => /(^|\/)(Dockerfile(\.[\w-]+)?|[\w-]+\.Dockerfile)$/.test(f.name))) {
        const r = lintDockerfile(file.content, { file: `${name}/${file.name}`, module: plan.analysis, contextDir: plan.analysis.root, dockerignore: ignore ? ignore.content.split("\n") : null });
        // What init leaves out of the image on purpose (a secret, or a path the module lacks), it
        // warns of; SG122 may say the same of the Dockerfile, for those paths and lines only.
        const leftOut = plan.plan.programs.flatMap((p) => p.runTimeFilesLeftOut).map((d) => `reads ${d.read.path} from disk at run time (${d.read.evidence.file}:${d.read.evidence.line})`);
        const failing = r.findings.filter((f) => severityRank[f.severity] >= severityRank.warning && !(f.ruleId === "SG122" && leftOut.some((w) => f.message.includes(w))));
        assert.deepEqual(failing.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.message}`), []);
        checked++;
      }
    }
    assert.ok(checked >= 5, `checked ${checked} generated Dockerfiles`);
  });
});
