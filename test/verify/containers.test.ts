/**
 * Real images built with podman: each deliberately wrong Dockerfile fails the check it is about
 * (and, on scratch, only that one), and the image built from `slimgo init`'s Dockerfile passes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyImage } from "../../src/verify/index.js";
import type { VerifyReport } from "../../src/verify/types.js";
import { copyModule, runSlimgo } from "../support/cli.js";
import { ULIMIT_FLAGS, freePort, healthcheckRun, podman, podmanBuild, removeImages, runContainer } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { BinaryImages } from "../support/binary-images.js";
import { skipContainers, skipUnless } from "../support/tools.js";
import { withLocalImage } from "./local-image.js";

const skip = skipContainers() || skipUnless("skopeo", "gcc");
const images: string[] = [];
const dirs: string[] = [];
const made = new BinaryImages("verify");

async function verify(tag: string): Promise<VerifyReport> {
  return withLocalImage(tag, (view) => verifyImage(view, { reference: tag }));
}

function failed(report: VerifyReport): string[] {
  return report.checks.filter((c) => c.status === "fail").map((c) => c.name);
}

function explain(report: VerifyReport): string {
  return report.checks.map((c) => `${c.status} ${c.name}: ${c.message}\n  ${c.evidence.join("\n  ")}`).join("\n");
}

/** Runs the image and asserts what `podman healthcheck run` reports, giving a healthy one 10 s to come up. */
async function assertPodmanHealth(tag: string, healthy: boolean, variant: string): Promise<void> {
  const container = await runContainer({ image: tag, ports: { 8080: await freePort() } });
  try {
    let check = await healthcheckRun(container.id);
    for (let i = 0; i < 50 && healthy && !check.healthy; i++) {
      await new Promise((r) => setTimeout(r, 200));
      check = await healthcheckRun(container.id);
    }
    assert.equal(check.healthy, healthy, `${variant}: podman healthcheck run: ${check.output}`);
  } finally {
    await container.remove();
  }
}

describe("verify on images built with podman", { skip, concurrency: 1 }, () => {
  before(async () => {
    await ensureStandInImages();
    await made.hostBuild("cli-tool", "wordcount");
    await made.hostBuild("tls-client", "tlsclient");
    await made.hostBuild("zoneinfo", "zoneinfo");
    await made.hostBuild("tempfiles", "tempfiles");
    await made.hostBuild("cgo", "cgosum", true);
  });

  after(async () => {
    await removeImages(...images, ...made.images);
    await Promise.all([...dirs, ...made.dirs].map((d) => rm(d, { recursive: true, force: true })));
  });

  const wrong: { name: string; check: string; dockerfile: string; extra?: Record<string, string>; evidence: RegExp }[] = [
    {
      name: "cgo-on-scratch",
      check: "linking",
      dockerfile: 'FROM scratch\nCOPY cgosum /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
      evidence: /\/app: dynamic, missing interpreter \/lib64\/ld-linux-x86-64\.so\.2, libc\.so\.6/,
    },
    { name: "root-user", check: "non-root-user", dockerfile: 'FROM scratch\nCOPY wordcount /app\nENTRYPOINT ["/app"]\n', evidence: /User is empty/ },
    {
      name: "tls-without-certs",
      check: "ca-certificates",
      dockerfile: 'FROM scratch\nCOPY tlsclient /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
      evidence: /\/app links crypto\/tls/,
    },
    {
      name: "zoneinfo-missing",
      check: "zoneinfo",
      dockerfile: 'FROM scratch\nCOPY zoneinfo /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
      evidence: /\/app links time\.LoadLocation/,
    },
    {
      name: "tempfiles-without-tmp",
      check: "writable-tmp",
      dockerfile: 'FROM scratch\nCOPY tempfiles /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
      evidence: /\/app links os\.CreateTemp/,
    },
    {
      name: "shell-form-on-scratch",
      check: "entrypoint",
      dockerfile: "FROM scratch\nCOPY wordcount /app\nUSER 65532\nENTRYPOINT /app -w\n",
      evidence: /Entrypoint \["\/bin\/sh","-c","\/app -w"\]/,
    },
    {
      name: "dotenv-copied",
      check: "no-secret-files",
      dockerfile: 'FROM scratch\nCOPY wordcount /app\nCOPY .env /srv/.env\nUSER 65532\nENTRYPOINT ["/app"]\n',
      extra: { ".env": "DATABASE_PASSWORD=hunter2\n" },
      evidence: /\.env file: \/srv\/\.env/,
    },
  ];

  for (const c of wrong) {
    test(`${c.name} fails ${c.check}, and only that`, async () => {
      const report = await verify(await made.build(c.name, c.dockerfile, c.extra));
      assert.deepEqual(failed(report), [c.check], explain(report));
      const result = report.checks.find((r) => r.name === c.check)!;
      assert.ok(result.evidence.some((e) => c.evidence.test(e)), `evidence ${JSON.stringify(result.evidence)} lacks ${c.evidence}`);
    });
  }

  test("a binary only root may run, in an image whose USER is not root: podman run is denied, and entrypoint fails naming user, owner and mode", async () => {
    for (const [mode, runs] of [["0700", false], ["0755", true]] as const) {
      const tag = await made.build(`entrypoint-mode-${mode}`, `FROM scratch\nCOPY --chmod=${mode} wordcount /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n`);
      const ran = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag, "-version"], { allowFailure: true, timeoutMs: 60_000 });
      assert.equal(ran.code === 0, runs, `mode ${mode}: podman run exited ${ran.code}: ${ran.stderr}`);
      if (!runs) assert.match(ran.stderr, /permission denied/);
      const report = await verify(tag);
      const entrypoint = report.checks.find((c) => c.name === "entrypoint")!;
      assert.equal(entrypoint.status, runs ? "pass" : "fail", explain(report));
      if (!runs) assert.match(entrypoint.message, /\/app \(mode 0700, owner 0:0\) is not executable by the image user 65532:65532 .*chmod 0755/);
    }
  });

  test("an entrypoint script saved with CRLF line endings: podman run cannot start it, and entrypoint fails naming the line endings; the LF copy passes both", async () => {
    for (const [endings, eol] of [["crlf", "\r\n"], ["lf", "\n"]] as const) {
      const script = ["#!/bin/sh", "set -e", 'exec /app "$@"', ""].join(eol);
      const dockerfile = 'FROM alpine:3.20\nCOPY --chmod=0755 wordcount /app\nCOPY --chmod=0755 entrypoint.sh /entrypoint.sh\nUSER 65532:65532\nENTRYPOINT ["/entrypoint.sh"]\n';
      const tag = await made.build(`entrypoint-${endings}`, dockerfile, { "entrypoint.sh": script });
      const ran = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag, "-version"], { allowFailure: true, timeoutMs: 60_000 });
      const runs = endings === "lf";
      assert.equal(ran.code === 0, runs, `${endings}: podman run exited ${ran.code}: ${ran.stderr}`);
      if (!runs) assert.match(ran.stderr, /no such file or directory/);
      const report = await verify(tag);
      const entrypoint = report.checks.find((c) => c.name === "entrypoint")!;
      assert.equal(entrypoint.status, runs ? "pass" : "fail", explain(report));
      if (!runs) assert.match(entrypoint.message, /\/entrypoint\.sh has Windows \(CRLF\) line endings/);
    }
  });

  test("a .env file a later layer deletes is still in the image's layers: verify fails no-secret-files naming the layer, and only that", async () => {
    const dockerfile = 'FROM alpine:3.20\nCOPY .env /srv/.env\nRUN rm /srv/.env\nCOPY wordcount /app\nUSER 65532\nENTRYPOINT ["/app"]\n';
    // One layer per instruction, as `podman build` and `docker build` make by default: the RUN rm layer cannot take the file out of the COPY layer.
    const tag = await made.build("dotenv-deleted-later", dockerfile, { ".env": "DATABASE_PASSWORD=hunter2\n" }, true);
    const run = await runSlimgo(["verify", "--json", `podman:${tag}`]);
    assert.equal(run.code, 1, run.stderr);
    const report = (JSON.parse(run.stdout) as { reports: VerifyReport[] }).reports[0]!;
    assert.deepEqual(failed(report), ["no-secret-files"], explain(report));
    const secrets = report.checks.find((c) => c.name === "no-secret-files")!;
    assert.deepEqual(secrets.evidence, [".env file: /srv/.env in layer 1, which a later layer deletes or replaces"]);
  });

  test("toolchain left in a single-stage golang image fails no-toolchain", async () => {
    const dockerfile = [
      "FROM golang:1.19",
      "WORKDIR /src",
      "COPY go.mod main.go ./",
      "RUN go build -o /usr/local/bin/wordcount .",
      "USER nobody",
      'ENTRYPOINT ["/usr/local/bin/wordcount"]',
      "",
    ].join("\n");
    const context = await copyModule("cli-tool");
    dirs.push(context);
    await writeFile(join(context, "Dockerfile"), dockerfile);
    const tag = "localhost/slimgo-test/verify-toolchain:latest";
    images.push(tag);
    await podmanBuild({ context, tag, noCache: true, format: "docker" });
    const report = await verify(tag);
    assert.ok(failed(report).includes("no-toolchain"), explain(report));
    const evidence = report.checks.find((r) => r.name === "no-toolchain")!.evidence.join("\n");
    assert.match(evidence, /Go installation at \/usr\/local\/go/);
    assert.match(evidence, /\/root\/\.cache\/go-build: \d+ cached files/);
    assert.match(evidence, /module file \/src\/go\.mod/);
    assert.equal(report.checks.find((r) => r.name === "entrypoint")!.status, "pass", explain(report));
  });

  test("zoneinfo in a single-stage golang image: passes only when the binary can reach GOROOT's zoneinfo.zip, as running it shows", async () => {
    const context = await mkdtemp(join(tmpdir(), "slimgo-verify-goroot-"));
    dirs.push(context);
    await writeFile(join(context, "go.mod"), "module example.com/zones\n\ngo 1.19\n");
    await writeFile(
      join(context, "main.go"),
      'package main\n\nimport (\n\t"fmt"\n\t"os"\n\t"time"\n)\n\nfunc main() {\n\tif _, err := time.LoadLocation("Europe/Madrid"); err != nil {\n\t\tfmt.Println(err)\n\t\tos.Exit(1)\n\t}\n}\n',
    );
    for (const [variant, flags, env] of [["plain", "", ""], ["trimpath", " -trimpath", ""], ["trimpath-goroot", " -trimpath", "ENV GOROOT=/usr/local/go\n"]] as const) {
      await writeFile(join(context, "Dockerfile"), `FROM golang:1.19-alpine\nWORKDIR /src\nCOPY go.mod main.go ./\nRUN CGO_ENABLED=0 go build${flags} -o /usr/local/bin/zones .\n${env}USER 65532\nENTRYPOINT ["/usr/local/bin/zones"]\n`);
      const tag = `localhost/slimgo-test/verify-goroot-${variant}:latest`;
      images.push(tag);
      await podmanBuild({ context, tag, noCache: true, format: "docker" });
      const ran = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag], { allowFailure: true, timeoutMs: 60_000 });
      const zoneinfo = (await verify(tag)).checks.find((c) => c.name === "zoneinfo")!;
      assert.equal(zoneinfo.status, ran.code === 0 ? "pass" : "fail", `${variant}: the container ${ran.code === 0 ? "loaded the zone" : `failed: ${ran.stdout}`}, verify said ${zoneinfo.status}: ${zoneinfo.message}`);
      assert.equal(ran.code, variant === "trimpath" ? 1 : 0, `${variant}: ${ran.stdout}${ran.stderr}`);
    }
  });

  test("a HEALTHCHECK that gives the Go binary a flag it does not define fails healthcheck, as podman's check does; the flag it defines passes both", async () => {
    const context = await copyModule("health-flag");
    dirs.push(context);
    for (const [variant, flag, healthy] of [["typo", "-healthcheck", false], ["right", "-health", true]] as const) {
      await writeFile(
        join(context, "Dockerfile"),
        `FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/healthflag .\n\nFROM scratch\nCOPY --from=build /out/healthflag /healthflag\nUSER 65532\nHEALTHCHECK --interval=30s CMD ["/healthflag", "${flag}"]\nENTRYPOINT ["/healthflag"]\n`,
      );
      const tag = `localhost/slimgo-test/verify-health-${variant}:latest`;
      images.push(tag);
      await podmanBuild({ context, tag, noCache: true, format: "docker" });
      await assertPodmanHealth(tag, healthy, variant);
      const result = (await verify(tag)).checks.find((c) => c.name === "healthcheck")!;
      assert.equal(result.status, healthy ? "pass" : "fail", `${variant}: ${result.message}`);
      if (!healthy) assert.match(result.message, /defines no flag healthcheck/);
    }
  });

  test("a CMD-SHELL HEALTHCHECK whose command the image lacks fails healthcheck, as podman's check does; one whose command is there passes both", async () => {
    await made.hostBuild("health-flag", "healthflag");
    const cases = [
      ["curl", "curl -f http://localhost:8080/healthz || exit 1", false],
      ["own-flag", "/app -health || exit 1", true],
    ] as const;
    for (const [variant, command, healthy] of cases) {
      const tag = await made.build(`cmd-shell-${variant}`, `FROM alpine:3.20\nCOPY healthflag /app\nUSER 65534\nHEALTHCHECK --interval=30s CMD ${command}\nENTRYPOINT ["/app"]\n`);
      await assertPodmanHealth(tag, healthy, variant);
      const result = (await verify(tag)).checks.find((c) => c.name === "healthcheck")!;
      assert.equal(result.status, healthy ? "pass" : "fail", `${variant}: ${result.message}`);
      if (!healthy) assert.match(result.message, /and curl is not found in the image's PATH, so the check never passes: install curl in the image/);
    }
  });

  const initCases: { fixture: string; mustPass: string[] }[] = [
    { fixture: "tls-client", mustPass: ["ca-certificates"] },
    { fixture: "zoneinfo", mustPass: ["zoneinfo"] },
    { fixture: "tempfiles", mustPass: ["writable-tmp"] },
  ];
  for (const c of initCases) {
    test(`the image built from \`slimgo init\`'s Dockerfile for ${c.fixture} passes every check`, async () => {
      const dir = await copyModule(c.fixture);
      dirs.push(dir);
      const init = await runSlimgo(["init", dir]);
      assert.equal(init.code, 0, init.stderr);
      const tag = `localhost/slimgo-test/verify-init-${c.fixture}:latest`;
      images.push(tag);
      await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
      const report = await verify(tag);
      assert.deepEqual(failed(report), [], explain(report));
      // The checks that matter for this program ran rather than skipped.
      for (const name of ["entrypoint", "healthcheck", "linking", "architecture", "non-root-user", ...c.mustPass]) {
        assert.equal(report.checks.find((r) => r.name === name)?.status, "pass", `${name}\n${explain(report)}`);
      }
    });
  }
});
