/**
 * Lint findings proved by running them: the container the Dockerfile gives fails as the finding says,
 * and the Dockerfile its fix writes runs. SG218: USER nonroot on the alpine stand-in (whose
 * /etc/passwd has root and nobody, as alpine's has no nonroot). SG108: an exec-form ENTRYPOINT that
 * starts sh on the distroless stand-in, which has no shell. SG115: `go get` of a tool on the golang
 * stand-in installs nothing, and `go install` does. SG220: `go test | tee` on the golang
 * stand-in (busybox ash) builds despite a failing test, and fails once the fix adds pipefail. SG219: an entrypoint script without exec
 * keeps SIGTERM from the Go program (the alpine stand-in's /bin/sh is busybox ash, as alpine's is),
 * and the script its fix writes lets it shut down. SG116: a whitelist .dockerignore loses an imported
 * package (the build fails) and an embedded file (the binary lacks it). SG117: -X main.Version for a
 * `var version` leaves the binary saying dev. SG118: a HEALTHCHECK on another port than the program's
 * never passes. SG119: a piecemeal COPY that misses an imported package fails the build, and the COPY
 * its fix adds mends it; so does `COPY cmd .`, which puts cmd/api at /src/api, and the destination its fix writes. SG105: a single-stage build whose program loads time zones breaks with
 * -trimpath (no GOROOT left to find zoneinfo.zip), so its fix leaves -trimpath out. Stand-ins:
 * test/support/standins.ts. SG120: a -health flag the image never runs leaves podman nothing to check;
 * the HEALTHCHECK its fix adds makes the container healthy. SG221: USER appuser after adduser -u runs as
 * that uid, and so does the USER its fix writes, now a number in the image config. SG222: this
 * machine's podman (4.3) stops at a relative RUN --mount target, and builds the absolute one of the fix.
 * SG223: a RUN chmod and chown after the COPYs store the program a second time; the COPY --chmod and
 * --chown of the fix give the files the same mode and owner in an image smaller by the program.
 * SG224: ENV and LABEL lines in the legacy `KEY value` form and the `KEY=value` lines its fix writes give the
 * image the same Env and Labels. SG112 on a Containerfile: podman keeps out what .containerignore names, and lint reads that file too; so
 * it does for a file named Dockerfile, whose .dockerignore only docker build reads: lint checks both.
 * SG102: test/fixtures/local-replace needs greeting/go.mod for go mod download, which the fix now copies
 * first (and the fixture, with nothing to download, is not reported). SG203: `CMD exec echo ...` runs on alpine, its exec-form rewrite does not start, and a shell-form
 * ENTRYPOINT ignores the CMD its exec form would get as arguments, and a shell-form CMD under an exec-form
 * ENTRYPOINT reaches the program as /bin/sh, -c and the string until its fix splits the words. SG002: podman drops a flag that starts a shell-form CMD and stops at a misspelt COPY flag. SG124: a flag the program never defines stops it with exit 2. SG123: a root-owned RUN mkdir, also with
 * a VOLUME over it, leaves USER 65532 no write to its state directory; a chown does. SG108: an entrypoint script whose #!/bin/sh scratch lacks cannot start. SG102: test/fixtures/vendored builds offline from vendor/, while the go mod download
 * SG102 once asked for tries to fetch its module. SG108: ENTRYPOINT ['/app'] in single quotes is shell form, which scratch cannot start. SG125: an ENTRYPOINT path no COPY wrote fails to start. SG001: every instruction whose arguments it says builders refuse
 * (`WORKDIR` alone, `ENV NAME`, `ENV A=1 B`, `COPY app`) stops podman's build, and every look-alike builds.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { analyze } from "../../src/analysis/index.js";
import { applyFixes } from "../../src/lint/fixes/apply.js";
import { lintDockerfile } from "../../src/lint/index.js";
import { copyModule, runSlimgo } from "../support/cli.js";
import { buildGracefulService, waitForLog } from "../support/graceful-service.js";
import { ULIMIT_FLAGS, freePort, healthcheckRun, podman, podmanBuild, removeImages, removeStartedContainers, runContainer, waitForHttp } from "../support/podman.js";
import { ensureStandInImages } from "../support/standins.js";
import { tempDirs } from "../support/temp-dirs.js";
import { ARGUMENTS_BUILT, ARGUMENTS_REFUSED } from "./support/argument-cases.js";
import { skipContainers } from "../support/tools.js";

describe("lint findings, run in a container", { skip: skipContainers(), concurrency: 1 }, () => {
  const dirs = tempDirs();
  const images: string[] = [];
  before(() => ensureStandInImages());
  after(() => removeImages(...images));

  /** Builds the context `dir` under a tag of this test's own; a failed build is returned, not thrown. */
  async function build(name: string, dir: string): Promise<{ tag: string; code: number; output: string }> {
    const tag = `localhost/slimgo-test/lint-${name}:latest`;
    images.push(tag);
    const result = await podmanBuild({ context: dir, tag, noCache: true, allowFailure: true });
    return { tag, code: result.code, output: result.stdout + result.stderr };
  }

  /** Builds `dockerfile` (with `prepare` filling the context) and runs it once. */
  async function buildAndRun(name: string, dockerfile: string, prepare?: (dir: string) => void): Promise<{ code: number; output: string }> {
    const dir = await dirs.make("slimgo-lint-run-");
    await writeFile(join(dir, "Dockerfile"), dockerfile);
    prepare?.(dir);
    const built = await build(name, dir);
    assert.equal(built.code, 0, built.output);
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, built.tag], { allowFailure: true, timeoutMs: 60_000 });
    return { code: run.code, output: run.stdout + run.stderr };
  }

  /** A build context holding `files` (path → text). */
  async function contextWith(prefix: string, files: Record<string, string>): Promise<string> {
    const dir = await dirs.make(prefix);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, ".."), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  /** A build context for a Go module `modulePath` (go 1.19) with `files`, whose .dockerignore keeps .git and .env out. */
  function goModuleContext(prefix: string, modulePath: string, files: Record<string, string>): Promise<string> {
    return contextWith(prefix, { ".dockerignore": ".git\n.env\n", "go.mod": `module ${modulePath}\n\ngo 1.19\n`, ...files });
  }

  test("SG218: USER nonroot on alpine: the container fails to start; the fixed USER 65532:65532 runs", async () => {
    const bad = 'FROM alpine:3.20\nUSER nonroot\nCMD ["true"]\n';
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG218");
    assert.deepEqual(findings.map((f) => f.line), [2]);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, 'FROM alpine:3.20\nUSER 65532:65532\nCMD ["true"]\n');

    const before = await buildAndRun("sg218-bad", bad);
    assert.notEqual(before.code, 0, "the container must not start");
    assert.match(before.output, /unable to find user nonroot/);

    const afterFix = await buildAndRun("sg218-fixed", fixed);
    assert.equal(afterFix.code, 0, afterFix.output);
  });

  test("SG221: USER appuser after adduser -u \"${UID}\": the fix writes USER ${UID}, which runs as appuser's uid with a numeric User in the config, also with --build-arg UID=2000 (where USER 10001 would run as a uid that is not appuser's)", async () => {
    // The alpine stand-in's busybox has no adduser applet: this script stands in, writing the
    // passwd and group lines busybox adduser -D -H -u UID NAME writes.
    const adduser = '#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in -u) uid=$2; shift 2 ;; -*) shift ;; *) name=$1; shift ;; esac; done\necho "$name:x:$uid:$uid:Linux User,,,:/nonexistent:/sbin/nologin" >>/etc/passwd\necho "$name:x:$uid:" >>/etc/group\n';
    const bad = 'FROM alpine:3.20\nCOPY adduser /usr/sbin/adduser\nARG UID=10001\nRUN adduser -D -H -u "${UID}" appuser\nUSER appuser\nENTRYPOINT ["/bin/busybox", "id"]\n';
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG221");
    assert.deepEqual(findings.map((f) => f.line), [5]);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, bad.replace("USER appuser", "USER ${UID}"));

    const runAs = async (name: string, dockerfile: string, buildArgs?: Record<string, string>) => {
      const dir = await contextWith(`slimgo-${name}-`, { Dockerfile: dockerfile, adduser });
      await chmod(join(dir, "adduser"), 0o755);
      const tag = `localhost/slimgo-test/lint-${name}:latest`;
      images.push(tag);
      const built = await podmanBuild({ context: dir, tag, noCache: true, allowFailure: true, ...(buildArgs ? { buildArgs } : {}) });
      assert.equal(built.code, 0, built.stdout + built.stderr);
      const user = (await podman(["image", "inspect", "--format", "{{.Config.User}}", tag])).stdout.trim();
      const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag], { timeoutMs: 60_000 });
      return { user, id: run.stdout.trim().split(" ")[0] ?? "" };
    };
    assert.deepEqual(await runAs("sg221-bad", bad), { user: "appuser", id: "uid=10001(appuser)" });
    assert.deepEqual(await runAs("sg221-fixed", fixed), { user: "10001", id: "uid=10001(appuser)" });
    assert.deepEqual(await runAs("sg221-fixed-2000", fixed, { UID: "2000" }), { user: "2000", id: "uid=2000(appuser)" });
    // The number the fix once wrote: with the build argument, appuser is 2000, and the container runs as a uid that is not appuser's
    // (podman makes up a passwd entry named after the number).
    const literal = await runAs("sg221-literal-2000", bad.replace("USER appuser", "USER 10001"), { UID: "2000" });
    assert.equal(literal.user, "10001");
    assert.match(literal.id, /^uid=10001\b/);
    assert.doesNotMatch(literal.id, /appuser/);
  });

  test("SG001: each instruction whose arguments lint says builders refuse stops podman's build, and each look-alike lint passes builds", async () => {
    for (const [i, [body]] of ARGUMENTS_REFUSED.entries()) {
      const dockerfile = `FROM scratch\n${body}\n`;
      assert.deepEqual(lintDockerfile(dockerfile).findings.filter((f) => f.ruleId === "SG001").map((f) => f.line), [2], body);
      const built = await build(`sg001-refused-${i}`, await contextWith("slimgo-sg001-", { Dockerfile: dockerfile, app: "x\n" }));
      assert.notEqual(built.code, 0, `podman built ${JSON.stringify(body)}:\n${built.output}`);
    }
    for (const [i, body] of ARGUMENTS_BUILT.entries()) {
      const dockerfile = `FROM scratch\n${body}\n`;
      assert.deepEqual(lintDockerfile(dockerfile).findings.filter((f) => f.ruleId === "SG001"), [], body);
      const built = await build(`sg001-built-${i}`, await contextWith("slimgo-sg001-", { Dockerfile: dockerfile }));
      assert.equal(built.code, 0, `${body}:\n${built.output}`);
    }
  });

  test("SG222: relative RUN --mount targets (docker init's Go template) stop this podman's build; the absolute targets of the fix build and run", async () => {
    const bad =
      "FROM golang:1.19-alpine AS build\nWORKDIR /src\nRUN --mount=type=bind,source=go.mod,target=go.mod \\\n    go mod download\n" +
      "RUN --mount=type=bind,target=. \\\n    CGO_ENABLED=0 go build -o /bin/server .\n\nFROM alpine:3.20\nCOPY --from=build /bin/server /bin/\nUSER 65532:65532\nENTRYPOINT [\"/bin/server\"]\n";
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG222");
    assert.deepEqual(findings.map((f) => f.line), [3, 5]);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, bad.replace("target=go.mod", "target=/src/go.mod").replace("target=. ", "target=/src "));

    const files = { ".dockerignore": ".git\n.env\n", "go.mod": "module example.com/hello\n\ngo 1.19\n", "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from the mounted source") }\n' };
    // podman 4.4 and later resolve a relative target as BuildKit does: there the bad file builds too.
    const [major = 0, minor = 0] = ((await podman(["--version"])).stdout.match(/(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
    const before = await build("sg222-bad", await contextWith("slimgo-sg222-bad-", { ...files, Dockerfile: bad }));
    if (major < 4 || (major === 4 && minor < 4)) {
      assert.notEqual(before.code, 0, before.output);
      assert.match(before.output, /invalid container path "go\.mod", must be an absolute path/);
    } else {
      assert.equal(before.code, 0, before.output);
    }

    const afterFix = await build("sg222-fixed", await contextWith("slimgo-sg222-fixed-", { ...files, Dockerfile: fixed }));
    assert.equal(afterFix.code, 0, afterFix.output);
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, afterFix.tag], { timeoutMs: 60_000 });
    assert.equal(run.stdout.trim(), "hello from the mounted source");
  });

  test("SG223: COPY then RUN chmod and RUN chown store the program twice; after slimgo lint --fix (COPY --chmod, COPY --chown) the files have the same mode and owner and the image is smaller by the program's size", async () => {
    const bad =
      "FROM alpine:3.20\nCOPY bin/server /usr/local/bin/server\nRUN chmod 0755 /usr/local/bin/server\nCOPY config.yml /etc/app.yml\nRUN chown 65532:65532 /etc/app.yml\n" +
      'USER 65532:65532\nENTRYPOINT ["/bin/busybox", "stat", "-c", "%n %a %u:%g %s", "/usr/local/bin/server", "/etc/app.yml"]\n';
    const dir = await contextWith("slimgo-sg223-", { Dockerfile: bad, ".dockerignore": ".git\n.env\n", "config.yml": "port: 8080\n" });
    // Random bytes, so that no compression hides the second copy.
    await mkdir(join(dir, "bin"), { recursive: true });
    await writeFile(join(dir, "bin/server"), randomBytes(4_000_000));
    await chmod(join(dir, "bin/server"), 0o644);

    const lint = await runSlimgo(["lint", "--no-module"], { cwd: dir });
    assert.match(lint.stdout, /Dockerfile:3:1 info {4}SG223 chmod 0755 \/usr\/local\/bin\/server changes what the COPY at line 2 wrote \(\/usr\/local\/bin\/server\), .* so the image stores the 3\.81 MiB of bin\/server twice: set it on the COPY with --chmod=0755 and drop this RUN \(fixable\)/);
    assert.match(lint.stdout, /Dockerfile:5:1 info {4}SG223 chown 65532:65532 \/etc\/app\.yml .* --chown=65532:65532 and drop this RUN \(fixable\)/);
    // One layer per instruction, as docker build and podman build make by default (the helper's --layers=false squashes them into one).
    const layered = async (name: string) => {
      const tag = `localhost/slimgo-test/lint-${name}:latest`;
      images.push(tag);
      const result = await podmanBuild({ context: dir, tag, noCache: true, layers: true, allowFailure: true });
      return { tag, code: result.code, output: result.stdout + result.stderr };
    };
    const before = await layered("sg223-bad");
    assert.equal(before.code, 0, before.output);

    await runSlimgo(["lint", "--no-module", "--fix"], { cwd: dir });
    const fixed = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.equal(fixed, bad.replace("COPY bin/server", "COPY --chmod=0755 bin/server").replace("COPY config.yml", "COPY --chown=65532:65532 config.yml").replace(/RUN ch[^\n]*\n/g, ""));
    const after = await layered("sg223-fixed");
    assert.equal(after.code, 0, after.output);

    const stat = async (tag: string) => (await podman(["run", "--rm", ...ULIMIT_FLAGS, tag], { timeoutMs: 60_000 })).stdout.trim().split("\n");
    const expected = ["/usr/local/bin/server 755 0:0 4000000", "/etc/app.yml 644 65532:65532 11"];
    assert.deepEqual(await stat(before.tag), expected);
    assert.deepEqual(await stat(after.tag), expected);

    const inspect = async (tag: string) => {
      const [size = "", layers = ""] = (await podman(["image", "inspect", "--format", "{{.Size}} {{len .RootFS.Layers}}", tag])).stdout.trim().split(" ");
      return { size: Number(size), layers: Number(layers) };
    };
    const [sizeBefore, sizeAfter] = [await inspect(before.tag), await inspect(after.tag)];
    assert.equal(sizeBefore.layers - sizeAfter.layers, 2, "the two RUN layers are gone");
    assert.ok(sizeBefore.size - sizeAfter.size >= 4_000_000, `the program is stored once: ${sizeBefore.size} before, ${sizeAfter.size} after`);
  });

  test("SG224: ENV and LABEL in the legacy KEY value form give the image the same Env and Labels after slimgo lint --fix writes KEY=value (quotes, escapes, variables, runs of spaces and trailing spaces), and the lines it leaves alone still build", async () => {
    const legacy = [
      "FROM alpine:3.20",
      "ENV CGO_ENABLED 0",
      "ENV GOFLAGS -mod=vendor  -trimpath   ",
      "ENV PATH $PATH:/usr/local/go/bin",
      'ENV GREETING "hello   world"',
      "ENV PRICE 'costs $5'",
      "ENV DIR /srv/my\\ app",
      "ENV MSG $CGO_ENABLED means   static",
      'ENV MIXED "x  y"  z',
      "ENV JOINED one \\",
      "    two",
      "LABEL version 1.2.3",
      "LABEL description A small   API",
      "ENV EMPTY ''",
      'LABEL title "my   app"',
      "",
    ].join("\n");
    const dir = await contextWith("slimgo-sg224-", { Dockerfile: legacy, ".dockerignore": ".git\n.env\n" });
    const lint = await runSlimgo(["lint", "--no-module"], { cwd: dir });
    assert.match(lint.stdout, /Dockerfile:2:1 warning SG224 ENV CGO_ENABLED 0 uses the deprecated legacy "ENV key value" form, .*: write ENV CGO_ENABLED=0 \(fixable\)/);
    assert.match(lint.stdout, /Dockerfile:3:1 warning SG224 .*sets GOFLAGS alone to the whole rest of the line.*: write ENV GOFLAGS="-mod=vendor  -trimpath" \(fixable\)/);
    const inspect = async (tag: string): Promise<[string[], Record<string, string>]> => [
      JSON.parse((await podman(["image", "inspect", "--format", "{{json .Config.Env}}", tag])).stdout) as string[],
      JSON.parse((await podman(["image", "inspect", "--format", "{{json .Labels}}", tag])).stdout) as Record<string, string>,
    ];
    const before = await build("sg224-legacy", dir);
    assert.equal(before.code, 0, before.output);

    await runSlimgo(["lint", "--no-module", "--fix"], { cwd: dir });
    const fixed = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.equal(
      fixed,
      legacy
        .replace("ENV CGO_ENABLED 0", "ENV CGO_ENABLED=0")
        .replace("ENV GOFLAGS -mod=vendor  -trimpath", 'ENV GOFLAGS="-mod=vendor  -trimpath"')
        .replace("ENV PATH $PATH", "ENV PATH=$PATH")
        .replace('ENV GREETING "hello', 'ENV GREETING="hello')
        .replace("ENV PRICE '", "ENV PRICE='")
        .replace("ENV DIR /srv", "ENV DIR=/srv")
        .replace("ENV MSG $CGO_ENABLED means   static", 'ENV MSG="$CGO_ENABLED means   static"')
        .replace("LABEL version 1.2.3", "LABEL version=1.2.3")
        .replace("LABEL description A small   API", 'LABEL description="A small   API"')
        .replace("ENV EMPTY '", "ENV EMPTY='")
        .replace('LABEL title "', 'LABEL title="'),
    );
    const after = await build("sg224-fixed", dir);
    assert.equal(after.code, 0, after.output);
    const [envBefore, labelsBefore] = await inspect(before.tag);
    const [envAfter, labelsAfter] = await inspect(after.tag);
    assert.deepEqual(envAfter, envBefore);
    assert.deepEqual(labelsAfter, labelsBefore);
    // What the legacy lines set, as the builder read them: one variable each, spaces inside kept, trailing ones dropped.
    assert.ok(envBefore.includes("GOFLAGS=-mod=vendor  -trimpath"), envBefore.join("\n"));
    assert.ok(envBefore.includes("MSG=0 means   static"), envBefore.join("\n"));
    assert.ok(envBefore.includes("PRICE=costs $5"), envBefore.join("\n"));
    assert.ok(envBefore.includes("DIR=/srv/my app"), envBefore.join("\n"));
    assert.ok(envBefore.includes("EMPTY="), envBefore.join("\n"));
    assert.equal(labelsBefore["description"], "A small   API");
    assert.equal(labelsBefore["title"], "my   app");
  });

  test("SG112 on a Containerfile reads .containerignore, as podman build does: the .env it excludes is not in the image, and lint asks it only for .git (and docker build's .dockerignore for both)", async () => {
    const dir = await contextWith("slimgo-containerignore-", {
      Containerfile: 'FROM alpine:3.20\nCOPY . /ctx/\nUSER 65532:65532\nENTRYPOINT ["/bin/busybox", "ls", "-A", "/ctx"]\n',
      ".containerignore": ".env\n",
      ".dockerignore": "# podman reads .containerignore first\n",
      ".env": "TOKEN=secret\n",
      "keep.txt": "kept\n",
    });
    const lint = await runSlimgo(["lint", "--no-module"], { cwd: dir });
    assert.match(lint.stdout, /Containerfile:2:1 warning SG112 \.containerignore does not exclude \.git, so COPY/);
    assert.match(lint.stdout, /Containerfile:2:1 warning SG112 \.dockerignore does not exclude \.git or \.env, so COPY/);
    const built = await build("containerignore", dir);
    assert.equal(built.code, 0, built.output);
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, built.tag], { timeoutMs: 60_000 });
    assert.deepEqual(run.stdout.trim().split("\n").sort(), [".containerignore", ".dockerignore", "Containerfile", "keep.txt"]);
  });

  test("SG112 on a file named Dockerfile with both ignore files: podman build reads .containerignore, not .dockerignore, so the .env only .dockerignore excludes is in the image; lint reports .containerignore, and after --fix the .env stays out", async () => {
    const dir = await contextWith("slimgo-both-ignores-", {
      Dockerfile: 'FROM alpine:3.20\nCOPY . /ctx/\nUSER 65532:65532\nENTRYPOINT ["/bin/busybox", "ls", "-A", "/ctx"]\n',
      ".containerignore": "bin/\n",
      ".dockerignore": ".git\n.env\n",
      ".env": "TOKEN=secret\n",
      "keep.txt": "kept\n",
    });
    const lint = await runSlimgo(["lint", "--no-module"], { cwd: dir });
    assert.match(lint.stdout, /Dockerfile:2:1 warning SG112 \.containerignore does not exclude \.git or \.env, so COPY/);
    assert.doesNotMatch(lint.stdout, /SG112 \.dockerignore/);
    const before = await build("both-ignores", dir);
    assert.equal(before.code, 0, before.output);
    const listed = async (tag: string) => (await podman(["run", "--rm", ...ULIMIT_FLAGS, tag], { timeoutMs: 60_000 })).stdout.trim().split("\n").sort();
    assert.deepEqual(await listed(before.tag), [".containerignore", ".dockerignore", ".env", "Dockerfile", "keep.txt"]);

    await runSlimgo(["lint", "--no-module", "--fix"], { cwd: dir });
    assert.equal(await readFile(join(dir, ".containerignore"), "utf8"), "bin/\n.git\n.env\n");
    assert.equal(await readFile(join(dir, ".dockerignore"), "utf8"), ".git\n.env\n");
    const after = await build("both-ignores-fixed", dir);
    assert.equal(after.code, 0, after.output);
    assert.deepEqual(await listed(after.tag), [".containerignore", ".dockerignore", "Dockerfile", "keep.txt"]);
  });

  test("SG115: go get installs no tool since Go 1.18, so the step that runs it fails; slimgo lint --fix makes it go install, and the build runs it", async () => {
    const dir = await contextWith("slimgo-sg115-", {
      "Dockerfile": "FROM golang:1.19-alpine\nWORKDIR /src\nCOPY . .\nRUN go get example.com/tool/cmd/hello && hello\n",
      ".dockerignore": ".git\n.env\n",
      "go.mod": "module app\n\ngo 1.19\n\nrequire example.com/tool v0.0.0\n\nreplace example.com/tool => ./tool\n",
      "main.go": "package main\n\nfunc main() {}\n",
      "tool/go.mod": "module example.com/tool\n\ngo 1.19\n",
      "tool/cmd/hello/main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from the tool") }\n',
    });
    const before = await build("sg115-bad", dir);
    assert.notEqual(before.code, 0, before.output);
    assert.match(before.output, /hello: not found/);

    const lint = await runSlimgo(["lint", "--fix"], { cwd: dir });
    // SG105 adds its build flags to the go install the SG115 fix writes.
    assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /^RUN go install (-\S+ )*example\.com\/tool\/cmd\/hello && hello$/m, lint.stdout + lint.stderr);
    const afterFix = await build("sg115-fixed", dir);
    assert.equal(afterFix.code, 0, afterFix.output);
    assert.match(afterFix.output, /hello from the tool/);
  });

  test("SG116: a whitelist .dockerignore loses an imported package (the build fails) and an embedded file (the binary lacks it); slimgo lint --fix keeps both in", async () => {
    const files: Record<string, string> = {
      "Dockerfile": 'FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/api ./cmd/api\n\nFROM scratch\nCOPY --from=build /out/api /api\nUSER 65532:65532\nENTRYPOINT ["/api"]\n',
      ".dockerignore": ".git\n.env\n*\n!go.mod\n!*.go\n!cmd\n**/*.map\n",
      "go.mod": "module example.com/app\n\ngo 1.19\n",
      "internal/greet/greet.go": 'package greet\n\nfunc Hello() string { return "hello from internal/greet" }\n',
      "cmd/api/main.go": [
        "package main",
        "",
        "import (",
        '\t"embed"',
        '\t"fmt"',
        '\t"io/fs"',
        "",
        '\t"example.com/app/internal/greet"',
        ")",
        "",
        "//go:embed static",
        "var static embed.FS",
        "",
        "func main() {",
        "\tfmt.Println(greet.Hello())",
        '\t_ = fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {',
        "\t\tif err == nil && !d.IsDir() {",
        '\t\t\tfmt.Println("embedded", p)',
        "\t\t}",
        "\t\treturn err",
        "\t})",
        "}",
        "",
      ].join("\n"),
      "cmd/api/static/index.html": "<h1>notes</h1>\n",
      "cmd/api/static/app.js.map": "{}\n",
    };
    const dir = await contextWith("slimgo-sg116-", files);
    const run = async (name: string) => {
      const built = await build(name, dir);
      assert.equal(built.code, 0, built.output);
      const ran = await podman(["run", "--rm", ...ULIMIT_FLAGS, built.tag], { allowFailure: true, timeoutMs: 60_000 });
      assert.equal(ran.code, 0, ran.stdout + ran.stderr);
      return ran.stdout;
    };

    const failed = await build("sg116-bad", dir);
    assert.notEqual(failed.code, 0, "!*.go keeps only the root's Go files, so internal/greet is missing");
    assert.match(failed.output, /internal\/greet/);

    // With the package back (the first of the two re-includes --fix writes), the build works and the map is silently gone.
    await writeFile(join(dir, ".dockerignore"), files[".dockerignore"] + "!internal/greet/*.go\n");
    const partial = await run("sg116-partial");
    assert.match(partial, /hello from internal\/greet/);
    assert.match(partial, /embedded static\/index\.html/);
    assert.doesNotMatch(partial, /app\.js\.map/);
    const report = await runSlimgo(["lint", "--format", "json"], { cwd: dir });
    const sg116 = (JSON.parse(report.stdout) as { findings: { ruleId: string; message: string }[] }[]).flatMap((r) => r.findings).filter((f) => f.ruleId === "SG116");
    assert.deepEqual(sg116.map((f) => f.message.replace(/ that .*/, "")), [".dockerignore line 7 (**/*.map) excludes cmd/api/static/app.js.map"]);

    await writeFile(join(dir, ".dockerignore"), files[".dockerignore"]!);
    const fix = await runSlimgo(["lint", "--fix"], { cwd: dir });
    assert.match(await readFile(join(dir, ".dockerignore"), "utf8"), /^!internal\/greet\/\*\.go\n!cmd\/api\/static\n$/m, fix.stdout + fix.stderr);
    const fixed = await run("sg116-fixed");
    assert.match(fixed, /hello from internal\/greet/);
    assert.match(fixed, /embedded static\/app\.js\.map/);
  });

  test("SG117: -X main.Version for var version builds a binary that still says dev; slimgo lint --fix names the variable and the version is stamped", async () => {
    const dir = await goModuleContext("slimgo-sg117-", "example.com/stamped", {
      "Dockerfile": 'FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.Version=1.2.3" -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
      "main.go": 'package main\n\nimport "fmt"\n\nvar version = "dev"\n\nfunc main() { fmt.Println("version", version) }\n',
    });
    const run = async (name: string) => {
      const built = await build(name, dir);
      assert.equal(built.code, 0, built.output);
      return (await podman(["run", "--rm", ...ULIMIT_FLAGS, built.tag], { timeoutMs: 60_000 })).stdout.trim();
    };
    assert.equal(await run("sg117-bad"), "version dev", "the linker ignored -X main.Version without a word");

    const lint = await runSlimgo(["lint", "--fix"], { cwd: dir });
    assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /-X main\.version=1\.2\.3/, lint.stdout + lint.stderr);
    assert.equal(await run("sg117-fixed"), "version 1.2.3");
  });

  test("SG124: CMD [\"-port\", \"9090\"] for a program whose only flag is -addr: the container exits 2 with \"flag provided but not defined\", and lint said so; with -addr it serves", async () => {
    const dockerfile = (cmd: string) => `FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\nCMD ${cmd}\n`;
    const dir = await goModuleContext("slimgo-sg124-", "example.com/flags", {
      "Dockerfile": dockerfile('["-port", "9090"]'),
      "main.go": 'package main\n\nimport (\n\t"flag"\n\t"fmt"\n)\n\nfunc main() {\n\taddr := flag.String("addr", ":8080", "listen address")\n\tflag.Parse()\n\tfmt.Println("would listen on", *addr)\n}\n',
    });
    const lint = await runSlimgo(["lint", "--format", "json"], { cwd: dir });
    const findings = (JSON.parse(lint.stdout) as { findings: { ruleId: string; line: number }[] }[])[0]!.findings.filter((f) => f.ruleId === "SG124");
    assert.deepEqual(findings.map((f) => f.line), [10], lint.stdout);
    const bad = await build("sg124-bad", dir);
    assert.equal(bad.code, 0, bad.output);
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, bad.tag], { allowFailure: true, timeoutMs: 60_000 });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /flag provided but not defined: -port/);

    await writeFile(join(dir, "Dockerfile"), dockerfile('["-addr", ":9090"]'));
    assert.equal((await runSlimgo(["lint", "--format", "json"], { cwd: dir })).stdout.includes("SG124"), false);
    const good = await build("sg124-good", dir);
    assert.equal((await podman(["run", "--rm", ...ULIMIT_FLAGS, good.tag], { timeoutMs: 60_000 })).stdout.trim(), "would listen on :9090");
  });

  test("SG105: in a single-stage build that loads time zones, -trimpath makes time.LoadLocation fail (no GOROOT to find zoneinfo.zip); slimgo lint --fix leaves it out and the image still runs", async () => {
    const dockerfile = (flags: string) => `FROM golang:1.19-alpine\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build${flags} -o server .\nUSER 65532:65532\nENTRYPOINT ["/app/server"]\n`;
    const dir = await goModuleContext("slimgo-sg105-", "example.com/zones", {
      "Dockerfile": dockerfile(""),
      "main.go": 'package main\n\nimport (\n\t"fmt"\n\t"os"\n\t"time"\n)\n\nfunc main() {\n\tloc, err := time.LoadLocation("Europe/Paris")\n\tif err != nil {\n\t\tfmt.Println(err)\n\t\tos.Exit(1)\n\t}\n\tfmt.Println("loaded", loc)\n}\n',
    });
    const run = async (name: string) => {
      const built = await build(name, dir);
      assert.equal(built.code, 0, built.output);
      const r = await podman(["run", "--rm", ...ULIMIT_FLAGS, built.tag], { allowFailure: true, timeoutMs: 60_000 });
      return { code: r.code, output: (r.stdout + r.stderr).trim() };
    };
    assert.deepEqual(await run("sg105-plain"), { code: 0, output: "loaded Europe/Paris" }, "found through the GOROOT the binary recorded");
    await writeFile(join(dir, "Dockerfile"), dockerfile(' -trimpath -ldflags="-s -w"'));
    const trimmed = await run("sg105-trimpath");
    assert.equal(trimmed.code, 1, "what adding -trimpath would do");
    assert.match(trimmed.output, /unknown time zone Europe\/Paris/);

    await writeFile(join(dir, "Dockerfile"), dockerfile(""));
    const lint = await runSlimgo(["lint", "--fix"], { cwd: dir });
    assert.match(lint.stdout, /SG105 .*not fixed for you: the binary runs in this Go image and loads time zones \(main\.go:10\)/);
    assert.doesNotMatch(await readFile(join(dir, "Dockerfile"), "utf8"), /-trimpath/);
    assert.deepEqual(await run("sg105-fixed"), { code: 0, output: "loaded Europe/Paris" });
  });

  test("SG118: a HEALTHCHECK on a port the program does not listen on never passes; after slimgo lint --fix the container is healthy", async () => {
    const dir = await goModuleContext("slimgo-sg118-", "example.com/ported", {
      "Dockerfile": 'FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .\n\nFROM alpine:3.20\nCOPY --from=build /out/app /usr/local/bin/app\nUSER 65532:65532\nEXPOSE 8080\nHEALTHCHECK --interval=30s CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1\nENTRYPOINT ["app"]\n',
      "main.go": 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })\n\t_ = http.ListenAndServe(":3000", nil)\n}\n',
    });
    const healthy = async (name: string) => {
      const tag = `localhost/slimgo-test/lint-${name}:latest`;
      images.push(tag);
      await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
      const container = await runContainer({ image: tag, ports: { 3000: await freePort() } });
      try {
        // The program is up once it answers on its own port inside the container.
        for (let i = 0; i < 100 && (await container.exec(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3000/healthz"])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
        return await healthcheckRun(container.id);
      } finally {
        await container.remove();
      }
    };
    assert.equal((await healthy("sg118-bad")).healthy, false, "the probe asks port 8080, where nothing listens");

    const lint = await runSlimgo(["lint", "--fix"], { cwd: dir });
    const fixed = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.match(fixed, /^EXPOSE 3000$/m, lint.stdout + lint.stderr);
    assert.match(fixed, /http:\/\/127\.0\.0\.1:3000\/healthz/);
    const after = await healthy("sg118-fixed");
    assert.equal(after.healthy, true, after.output);
  });

  test("SG120: a server with its own -health flag and no HEALTHCHECK has no health podman can check; slimgo lint --fix adds one and the container becomes healthy", async () => {
    const dir = await copyModule("health-flag");
    dirs.track(dir);
    await writeFile(join(dir, ".dockerignore"), ".git\n.env\n");
    await writeFile(
      join(dir, "Dockerfile"),
      'FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/healthflag .\n\nFROM scratch\nCOPY --from=build /out/healthflag /usr/local/bin/healthflag\nUSER 65532:65532\nEXPOSE 8080\nENTRYPOINT ["/usr/local/bin/healthflag"]\n',
    );
    const health = async (name: string) => {
      const tag = `localhost/slimgo-test/lint-${name}:latest`;
      images.push(tag);
      await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
      const port = await freePort();
      const container = await runContainer({ image: tag, ports: { 8080: port } });
      try {
        assert.equal(await waitForHttp(`http://127.0.0.1:${port}/healthz`), 200, await container.logs());
        return await healthcheckRun(container.id);
      } finally {
        await container.remove();
      }
    };
    const before = await health("sg120-bad");
    assert.equal(before.healthy, false);
    assert.match(before.output, /no defined healthcheck|has no healthcheck/i, "podman has nothing to run");

    const lint = await runSlimgo(["lint", "--fix"], { cwd: dir });
    assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /^HEALTHCHECK .* CMD \["\/usr\/local\/bin\/healthflag", "-health"\]\nENTRYPOINT/m, lint.stdout + lint.stderr);
    const after = await health("sg120-fixed");
    assert.equal(after.healthy, true, after.output);
  });

  test("SG119: COPY cmd/ alone leaves out the imported package, and the build fails; slimgo lint --fix adds the COPY and it builds", async () => {
    const dockerfile = (copies: string) => `FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY go.mod ./\n${copies}\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/api ./cmd/api\n`;
    const dir = await goModuleContext("slimgo-sg119-", "example.com/piecemeal", {
      "Dockerfile": dockerfile("COPY cmd/ cmd/"),
      "cmd/api/main.go": 'package main\n\nimport "example.com/piecemeal/internal/greet"\n\nfunc main() { println(greet.Hello()) }\n',
      "internal/greet/greet.go": 'package greet\n\nfunc Hello() string { return "hello" }\n',
    });
    const failed = await build("sg119-bad", dir);
    assert.notEqual(failed.code, 0, "go build cannot find example.com/piecemeal/internal/greet");
    assert.match(failed.output, /internal\/greet/);

    const lint = await runSlimgo(["lint", "--fix"], { cwd: dir });
    assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /^COPY cmd\/ cmd\/\nCOPY internal\/greet\/ internal\/greet\/\nRUN /m, lint.stdout + lint.stderr);
    const fixed = await build("sg119-fixed", dir);
    assert.equal(fixed.code, 0, fixed.output);
  });

  test("SG123: with RUN mkdir -p /var/lib/app, also under a VOLUME, USER 65532 cannot write its state there; chowned to 65532 it can, and lint says so each time", async () => {
    const program =
      'package main\n\nimport (\n\t"flag"\n\t"fmt"\n\t"os"\n\t"path/filepath"\n)\n\nfunc main() {\n\tdir := flag.String("data", "/var/lib/app", "data directory")\n\tflag.Parse()\n' +
      '\tif err := os.MkdirAll(*dir, 0o755); err != nil {\n\t\tfmt.Println(err)\n\t\tos.Exit(1)\n\t}\n' +
      '\tif err := os.WriteFile(filepath.Join(*dir, "state"), []byte("x"), 0o600); err != nil {\n\t\tfmt.Println(err)\n\t\tos.Exit(1)\n\t}\n\tfmt.Println("wrote state")\n}\n';
    const dockerfile = (final: string) =>
      `FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM alpine:3.20\nCOPY --from=build /out/app /app\n${final}USER 65532\nENTRYPOINT ["/app"]\n`;
    const cases: { name: string; final: string; writable: boolean }[] = [
      { name: "mkdir", final: "RUN mkdir -p /var/lib/app\n", writable: false },
      // A new volume takes the owner of the image's directory. (Over a missing one podman gives it to the user, Docker to root: lint reports that too.)
      { name: "volume", final: "RUN mkdir -p /var/lib/app\nVOLUME /var/lib/app\n", writable: false },
      { name: "chown", final: "RUN mkdir -p /var/lib/app && chown 65532 /var/lib/app\n", writable: true },
    ];
    for (const c of cases) {
      const text = dockerfile(c.final);
      const dir = await goModuleContext(`slimgo-sg123-${c.name}-`, "example.com/state", { Dockerfile: text, "main.go": program });
      const module = await analyze(dir, { engine: "scanner" });
      const findings = lintDockerfile(text, { module, contextDir: dir }).findings.filter((f) => f.ruleId === "SG123");
      const built = await build(`sg123-${c.name}`, dir);
      assert.equal(built.code, 0, built.output);
      const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, built.tag], { allowFailure: true, timeoutMs: 60_000 });
      if (c.writable) {
        assert.equal(run.code, 0, `${c.name}: ${run.stdout}${run.stderr}`);
        assert.match(run.stdout, /wrote state/);
        assert.deepEqual(findings.map((f) => f.message), [], c.name);
      } else {
        assert.notEqual(run.code, 0, c.name);
        assert.match(run.stdout, /permission denied/, c.name);
        assert.deepEqual(findings.map((f) => f.line), [6], c.name);
        assert.match(findings[0]!.message, /owned by root: it cannot write there \(permission denied\)/, c.name);
      }
    }
  });

  test("SG119: COPY cmd . copies cmd's contents, so go build ./cmd/api finds no cmd/api and fails; slimgo lint says where it landed, and its fix (COPY cmd cmd/) builds", async () => {
    const dockerfile = (copy: string) => `FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY go.mod ./\n${copy}\nCOPY internal internal\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/api ./cmd/api\n`;
    const dir = await goModuleContext("slimgo-sg119-contents-", "example.com/contents", {
      "Dockerfile": dockerfile("COPY cmd ."),
      "cmd/api/main.go": 'package main\n\nimport "example.com/contents/internal/greet"\n\nfunc main() { println(greet.Hello()) }\n',
      "internal/greet/greet.go": 'package greet\n\nfunc Hello() string { return "hello" }\n',
    });
    const failed = await build("sg119-contents-bad", dir);
    assert.notEqual(failed.code, 0, "go build finds no /src/cmd/api");
    assert.match(failed.output, /stat \/src\/cmd\/api: directory not found/);

    const lint = await runSlimgo(["lint"], { cwd: dir });
    assert.match(lint.stdout, /SG119 go build compiles package example\.com\/contents\/cmd\/api for \.\/cmd\/api from \/src\/cmd\/api, but the COPY at line 4 puts cmd\/api\/main\.go at \/src\/api\/main\.go/, lint.stdout + lint.stderr);
    await runSlimgo(["lint", "--fix"], { cwd: dir });
    assert.equal(await readFile(join(dir, "Dockerfile"), "utf8"), dockerfile("COPY cmd cmd/"));
    const fixed = await build("sg119-contents-fixed", dir);
    assert.equal(fixed.code, 0, fixed.output);
  });

  test("SG220: go test piped into tee builds an image with a failing test; after the fix the build fails", async () => {
    const bad = "FROM golang:1.19-alpine\nWORKDIR /src\nCOPY . .\nRUN go test ./... 2>&1 | tee /tmp/test.log\n";
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG220");
    assert.deepEqual(findings.map((f) => f.line), [4]);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, "FROM golang:1.19-alpine\nWORKDIR /src\nCOPY . .\nRUN set -o pipefail && go test ./... 2>&1 | tee /tmp/test.log\n");

    const context = async (dockerfile: string) => {
      const dir = await dirs.make("slimgo-sg220-");
      await writeFile(join(dir, "Dockerfile"), dockerfile);
      await writeFile(join(dir, "go.mod"), "module failing\n\ngo 1.19\n");
      await writeFile(join(dir, "failing_test.go"), 'package failing\n\nimport "testing"\n\nfunc TestBroken(t *testing.T) { t.Fatal("this test fails") }\n');
      return dir;
    };
    const before = await build("sg220-bad", await context(bad));
    assert.match(before.output, /this test fails/);
    assert.equal(before.code, 0, `the pipeline hid the failing test, so the image built:\n${before.output}`);

    const afterFix = await build("sg220-fixed", await context(fixed));
    assert.match(afterFix.output, /this test fails/);
    assert.notEqual(afterFix.code, 0, "with pipefail the failing test fails the build");
  });

  test("SG102 on test/fixtures/local-replace: nothing to download, so no finding, and the file builds; the old fix's order fails without greeting/go.mod, and the fix for a module that also downloads copies it and builds", async () => {
    const dir = await copyModule("local-replace");
    dirs.track(dir);
    const dockerfile = 'FROM golang:1.19 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greeter .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/greeter /greeter\nENTRYPOINT ["/greeter"]\n';
    await writeFile(join(dir, ".dockerignore"), ".git\n.env\n");
    await writeFile(join(dir, "Dockerfile"), dockerfile);
    const lint = await runSlimgo(["lint", "--format", "json"], { cwd: dir });
    const ids = (JSON.parse(lint.stdout) as { findings: { ruleId: string }[] }[]).flatMap((r) => r.findings).map((f) => f.ruleId);
    assert.ok(!ids.includes("SG102") && !ids.includes("SG111"), lint.stdout);
    const asWritten = await build("sg102-as-written", dir);
    assert.equal(asWritten.code, 0, asWritten.output);

    // What the fix once wrote: go mod download reads greeting/go.mod, which is not there yet.
    await writeFile(join(dir, "Dockerfile"), dockerfile.replace("COPY . .\nRUN go mod download\n", "COPY go.mod ./\nRUN go mod download\nCOPY . .\n"));
    const oldFix = await build("sg102-old-fix", dir);
    assert.notEqual(oldFix.code, 0, oldFix.output);
    assert.match(oldFix.output, /reading greeting\/go\.mod: open \/src\/greeting\/go\.mod: no such file or directory/);

    // With a requirement that is downloaded (no network here to build that one), the fix copies greeting/go.mod too;
    // the same Dockerfile, built with the fixture's own go.mod, shows that order works.
    const downloading = await copyModule("local-replace");
    dirs.track(downloading);
    await writeFile(join(downloading, "go.mod"), (await readFile(join(dir, "go.mod"), "utf8")) + "\nrequire golang.org/x/text v0.14.0\n");
    const findings = lintDockerfile(dockerfile, { contextDir: downloading, module: await analyze(downloading, { engine: "scanner" }) }).findings.filter((f) => f.ruleId === "SG102");
    const fixed = applyFixes(dockerfile, findings).text;
    assert.equal(fixed, dockerfile.replace("COPY . .\nRUN go mod download\n", "COPY go.mod ./\nCOPY greeting/go.mod ./greeting/\nRUN go mod download\nCOPY . .\n"));
    await writeFile(join(dir, "Dockerfile"), fixed);
    const newFix = await build("sg102-new-fix", dir);
    assert.equal(newFix.code, 0, newFix.output);
  });

  test("SG203: CMD exec ... already hands PID 1 to the program, and exec form of it cannot start; a shell-form ENTRYPOINT ignores the CMD that exec form would pass: neither is rewritten", async () => {
    const withExec = "FROM alpine:3.20\nUSER 65532\nCMD exec echo hello from app\n";
    assert.deepEqual(lintDockerfile(withExec).findings.filter((f) => f.ruleId === "SG203"), []);
    assert.equal((await buildAndRun("sg203-exec", withExec)).output.trim(), "hello from app");
    // What the fix once wrote: there is no program called exec.
    const execArray = await buildAndRun("sg203-exec-array", withExec.replace("CMD exec echo hello from app", 'CMD ["exec", "echo", "hello", "from", "app"]'));
    assert.notEqual(execArray.code, 0, execArray.output);
    assert.match(execArray.output, /exec.*(not found|no such file)/i);

    const withCmd = 'FROM alpine:3.20\nUSER 65532\nENTRYPOINT echo serving\nCMD ["--help"]\n';
    const findings = lintDockerfile(withCmd).findings.filter((f) => f.ruleId === "SG203");
    assert.deepEqual(findings.map((f) => [f.line, f.fix]), [[3, undefined]]);
    assert.match(findings[0]!.message, /mind the CMD \(line 4\)/);
    assert.equal((await buildAndRun("sg203-entrypoint", withCmd)).output.trim(), "serving");
    // Exec form would make the CMD its arguments.
    const rewritten = await buildAndRun("sg203-entrypoint-exec", withCmd.replace("ENTRYPOINT echo serving", 'ENTRYPOINT ["echo", "serving"]'));
    assert.equal(rewritten.output.trim(), "serving --help");
  });

  /** Puts /app in the context: a static program that prints its arguments, built on the host. */
  function withProgram(dir: string): void {
    const src = join(dir, "src");
    execFileSync("mkdir", ["-p", src]);
    execFileSync("sh", ["-c", `printf '%s\\n' 'module app' 'go 1.19' > go.mod && printf '%s\\n' 'package main' 'import ("fmt"; "os")' 'func main() { fmt.Println("app started:", os.Args[1:]) }' > main.go`], { cwd: src });
    execFileSync("go", ["build", "-o", join(dir, "app"), "."], { cwd: src, env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod" } });
  }

  test('SG203: a shell-form CMD under ENTRYPOINT ["/app"] reaches the program as /bin/sh, -c and the string; the fix passes the words as its arguments', async () => {
    const bad = 'FROM alpine:3.20\nCOPY app /app\nUSER 65532\nENTRYPOINT ["/app"]\nCMD serve -port 8080\n';
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG203");
    assert.deepEqual(findings.map((f) => f.line), [5]);
    assert.match(findings[0]!.message, /the program is passed "\/bin\/sh", "-c" and "serve -port 8080"/);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, bad.replace("CMD serve -port 8080", 'CMD ["serve", "-port", "8080"]'));

    const before = await buildAndRun("sg203-arguments-bad", bad, withProgram);
    assert.match(before.output, /app started: \[\/bin\/sh -c serve -port 8080\]/);
    const afterFix = await buildAndRun("sg203-arguments-fixed", fixed, withProgram);
    assert.match(afterFix.output, /app started: \[serve -port 8080\]/);
  });

  test('SG002: podman drops the --port a shell-form CMD starts with (the program gets /bin/sh -c 8080) and stops at a misspelt COPY flag; the exec-form CMD of SG203\'s fix passes --port', async () => {
    const bad = 'FROM alpine:3.20\nCOPY app /app\nUSER 65532\nENTRYPOINT ["/app"]\nCMD --port 8080\n';
    const findings = lintDockerfile(bad).findings;
    assert.deepEqual(findings.filter((f) => f.ruleId === "SG002").map((f) => f.line), [5]);
    const before = await buildAndRun("sg002-cmd-flag", bad, withProgram);
    assert.match(before.output, /app started: \[\/bin\/sh -c 8080\]/);
    const fixed = applyFixes(bad, findings).text;
    assert.deepEqual(lintDockerfile(fixed).findings.filter((f) => f.ruleId === "SG002"), []);
    const afterFix = await buildAndRun("sg002-cmd-flag-fixed", fixed, withProgram);
    assert.match(afterFix.output, /app started: \[--port 8080\]/);

    const misspelt = await contextWith("slimgo-lint-sg002-", { Dockerfile: "FROM alpine:3.20\nCOPY --chwon=65532 app /app\n", app: "x" });
    assert.deepEqual(lintDockerfile("FROM alpine:3.20\nCOPY --chwon=65532 app /app\n").findings.filter((f) => f.ruleId === "SG002").map((f) => f.line), [2]);
    const built = await build("sg002-copy-flag", misspelt);
    assert.notEqual(built.code, 0);
    assert.match(built.output, /COPY only supports/);
  });

  test("SG108: an entrypoint script whose #!/bin/sh scratch lacks cannot start (exec ...: no such file or directory), and lint says so", async () => {
    const dockerfile = 'FROM scratch\nCOPY app /app\nCOPY docker-entrypoint.sh /\nUSER 65532:65532\nENTRYPOINT ["/docker-entrypoint.sh"]\n';
    const dir = await contextWith("slimgo-lint-sg108-script-", { ".dockerignore": ".git\n.env\nsrc\n", Dockerfile: dockerfile, "docker-entrypoint.sh": '#!/bin/sh\nexec /app "$@"\n' });
    await chmod(join(dir, "docker-entrypoint.sh"), 0o755);
    withProgram(dir);
    const lint = await runSlimgo(["lint", "--no-module"], { cwd: dir });
    assert.match(lint.stdout, /Dockerfile:5:1 error {3}SG108 ENTRYPOINT starts docker-entrypoint\.sh, whose #!\/bin\/sh needs sh, which scratch does not have/, lint.stdout);
    const built = await build("sg108-script", dir);
    assert.equal(built.code, 0, built.output);
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, built.tag], { allowFailure: true, timeoutMs: 60_000 });
    assert.notEqual(run.code, 0, "the container must not start");
    assert.match(run.stdout + run.stderr, /docker-entrypoint\.sh.*no such file or directory/);
  });

  test("SG108: ENTRYPOINT ['/app', 'serve'] in single quotes is shell form, which scratch cannot start; the double-quoted array of its fix runs the program with its argument", async () => {
    const bad = "FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ['/app', 'serve']\n";
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG108");
    assert.match(findings[0]?.message ?? "", /single quotes is not JSON/);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, bad.replace("['/app', 'serve']", '["/app", "serve"]'));
    const before = await buildAndRun("sg108-single-quotes-bad", bad, withProgram);
    assert.notEqual(before.code, 0, before.output);
    assert.match(before.output, /\/bin\/sh.*no such file or directory/);
    const after = await buildAndRun("sg108-single-quotes-fixed", fixed, withProgram);
    assert.equal(after.code, 0, after.output);
    assert.match(after.output, /app started: \[serve\]/);
  });

  test("SG125: ENTRYPOINT [\"/server\"] after COPY app /app in scratch fails with no such file or directory, and lint said so; with the path the COPY writes it runs", async () => {
    const bad = 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/server"]\n';
    assert.deepEqual(lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG125").map((f) => f.line), [4]);
    const before = await buildAndRun("sg125-missing", bad, withProgram);
    assert.notEqual(before.code, 0, before.output);
    assert.match(before.output, /\/server.*no such file or directory/);
    const good = bad.replace('["/server"]', '["/app"]');
    assert.deepEqual(lintDockerfile(good).findings.filter((f) => f.ruleId === "SG125"), []);
    const after = await buildAndRun("sg125-there", good, withProgram);
    assert.equal(after.code, 0, after.output);
  });

  test("SG102 on test/fixtures/vendored: go build reads vendor/ and downloads nothing, so no finding and the build works offline; the go mod download SG102 once asked for fetches the vendored module and fails", async () => {
    const dir = await copyModule("vendored");
    dirs.track(dir);
    const dockerfile = "FROM golang:1.19-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/app .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    await writeFile(join(dir, ".dockerignore"), ".git\n.env\n");
    await writeFile(join(dir, "Dockerfile"), dockerfile);
    const lint = await runSlimgo(["lint", "--format", "json"], { cwd: dir });
    const ids = (JSON.parse(lint.stdout) as { findings: { ruleId: string }[] }[]).flatMap((r) => r.findings).map((f) => f.ruleId);
    assert.ok(!ids.includes("SG102"), lint.stdout);
    const asWritten = await build("sg102-vendored", dir);
    assert.equal(asWritten.code, 0, asWritten.output);

    // The order SG102 asked for: go mod download ignores vendor/ (the stand-in's GOPROXY=off shows the fetch it tries).
    await writeFile(join(dir, "Dockerfile"), dockerfile.replace("COPY . .\n", "COPY go.mod ./\nRUN go mod download\nCOPY . .\n"));
    const downloading = await build("sg102-vendored-download", dir);
    assert.notEqual(downloading.code, 0, downloading.output);
    assert.match(downloading.output, /example\.com\/greet@v0\.1\.0: module lookup disabled by GOPROXY=off/);
  });

  test('SG108: ENTRYPOINT ["sh", "-c", ...] on distroless cannot start; the fixed ENTRYPOINT runs the program itself', async () => {
    const bad = 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT ["sh", "-c", "exec /app serve"]\n';
    const findings = lintDockerfile(bad).findings.filter((f) => f.ruleId === "SG108");
    assert.deepEqual(findings.map((f) => f.line), [3]);
    const fixed = applyFixes(bad, findings).text;
    assert.equal(fixed, 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT ["/app", "serve"]\n');

    const before = await buildAndRun("sg108-bad", bad, withProgram);
    assert.notEqual(before.code, 0, "the container must not start");
    assert.match(before.output, /sh.*(not found|no such file)/i);

    const afterFix = await buildAndRun("sg108-fixed", fixed, withProgram);
    assert.equal(afterFix.code, 0, afterFix.output);
    assert.match(afterFix.output, /app started: \[serve\]/);
  });
});

const ENTRYPOINT_DOCKERFILE = 'FROM alpine:3.20\nCOPY app /app\nCOPY docker-entrypoint.sh /\nUSER 65532:65532\nENTRYPOINT ["/docker-entrypoint.sh"]\n';
const ENTRYPOINT_SCRIPT = "#!/bin/sh\nset -e\necho starting\n/app\n";
/** The same behind catatonit (podman's own init, from the host), which passes SIGTERM to its child, the shell, alone. */
const CATATONIT_DOCKERFILE = 'FROM alpine:3.20\nCOPY app /app\nCOPY catatonit /catatonit\nCOPY docker-entrypoint.sh /\nUSER 65532:65532\nENTRYPOINT ["/catatonit", "--", "/docker-entrypoint.sh"]\n';

describe("SG219 entrypoint-script-without-exec, run in a container", { skip: skipContainers(), concurrency: 1 }, () => {
  const dirs = tempDirs();
  const images: string[] = [];
  let context = "";
  before(async () => {
    await ensureStandInImages();
    context = await dirs.make("slimgo-sg219-");
    await buildGracefulService(context);
    await copyFile("/usr/bin/catatonit", join(context, "catatonit"));
    await writeFile(join(context, ".dockerignore"), ".git\n.env\nmain.go\n");
  });

  /** The context with this Dockerfile and the entrypoint script as written, before any fix. */
  async function prepare(dockerfile: string): Promise<void> {
    await writeFile(join(context, "docker-entrypoint.sh"), ENTRYPOINT_SCRIPT);
    await chmod(join(context, "docker-entrypoint.sh"), 0o755);
    await writeFile(join(context, "Dockerfile"), dockerfile);
  }
  after(async () => {
    await removeStartedContainers();
    await removeImages(...images);
  });

  /** Builds the context as it is now, starts it, waits for the service, and stops it with a 3 s grace period. */
  async function stopAfterStart(name: string): Promise<{ ms: number; exitCode: number; logs: string }> {
    const tag = `localhost/slimgo-test/sg219-${name}:latest`;
    images.push(tag);
    await podmanBuild({ context, tag, noCache: true });
    const container = await runContainer({ image: tag });
    try {
      await waitForLog(container, "ready");
      const stop = await container.stop(3);
      return { ...stop, logs: await container.logs() };
    } finally {
      await container.remove();
    }
  }

  test("without exec the shell keeps SIGTERM from the Go program and podman stop kills it; after --fix it shuts down gracefully at once", async () => {
    await prepare(ENTRYPOINT_DOCKERFILE);
    const unfixed = await stopAfterStart("unfixed");
    assert.ok(unfixed.ms >= 3000, `podman stop took ${Math.round(unfixed.ms)} ms: the shell as PID 1 should have ignored SIGTERM until the kill`);
    assert.doesNotMatch(unfixed.logs, /graceful/);
    assert.equal(unfixed.exitCode, 137, "killed");

    const lint = await runSlimgo(["lint", "--fix"], { cwd: context });
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    assert.equal(await readFile(join(context, "docker-entrypoint.sh"), "utf8"), "#!/bin/sh\nset -e\necho starting\nexec /app\n");
    assert.equal(await readFile(join(context, "Dockerfile"), "utf8"), ENTRYPOINT_DOCKERFILE);

    const fixed = await stopAfterStart("fixed");
    assert.match(fixed.logs, /graceful/, `podman stop took ${Math.round(fixed.ms)} ms, and the program never saw SIGTERM`);
    assert.equal(fixed.exitCode, 0);
  });
  test("behind catatonit without -g the shell gets SIGTERM and exits, and the Go program is killed without it; after --fix it shuts down gracefully", async () => {
    await prepare(CATATONIT_DOCKERFILE);
    const unfixed = await stopAfterStart("catatonit-unfixed");
    assert.doesNotMatch(unfixed.logs, /graceful/, "the Go program never saw SIGTERM");

    const found = await runSlimgo(["lint"], { cwd: context });
    assert.equal(found.code, 1, found.stdout + found.stderr);
    assert.match(found.stdout, /SG219 docker-entrypoint\.sh:4 runs "\/app" as a child of the shell, catatonit passes SIGTERM only to the shell/);
    const lint = await runSlimgo(["lint", "--fix"], { cwd: context });
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    assert.equal(await readFile(join(context, "docker-entrypoint.sh"), "utf8"), "#!/bin/sh\nset -e\necho starting\nexec /app\n");

    const fixed = await stopAfterStart("catatonit-fixed");
    assert.match(fixed.logs, /graceful/, `podman stop took ${Math.round(fixed.ms)} ms, and the program never saw SIGTERM`);
    assert.equal(fixed.exitCode, 0);
  });
});
