import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { makeContext } from "./support/context.js";
import { SLIMGO_BIN, runSlimgo } from "../support/cli.js";

// Runs `slimgo lint ...` through the real bin script, exit codes and all.
function slimgoLint(args: string[], cwd: string, input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SLIMGO_BIN, "lint", ...args], { cwd, encoding: "utf8", input: input ?? "", env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const module = { "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n", "go.sum": "", "main.go": "package main\n\nfunc main() {}\n" };
const good = 'FROM golang:1.19-alpine AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n';
const bad = "FROM golang:1.19 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT /app\n";

describe("slimgo lint (CLI)", () => {
  test("exit 0 for a clean Dockerfile, 1 with findings, 2 for an unreadable file", () => {
    const dir = makeContext({ ...module, ".dockerignore": ".git\n.env\n", Dockerfile: good, "bad.Dockerfile": bad });
    const ok = slimgoLint([], dir);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /no problems/);
    const fail = slimgoLint(["bad.Dockerfile"], dir);
    assert.equal(fail.status, 1);
    assert.match(fail.stdout, /bad\.Dockerfile:6:1 error +SG104/);
    const missing = slimgoLint(["nope/Dockerfile"], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\/Dockerfile: cannot read Dockerfile/);
  });

  test("an empty or comment-only Dockerfile has nothing to build: SG001 says so and the exit code is 1, not \"no problems\"", async () => {
    const dir = makeContext({ "empty.Dockerfile": "", "comments.Dockerfile": "# syntax=docker/dockerfile:1\n# TODO: write the build\n\n", "blank.Dockerfile": "\n  \n" });
    for (const file of ["empty.Dockerfile", "comments.Dockerfile", "blank.Dockerfile"]) {
      const r = await runSlimgo(["lint", file], { cwd: dir });
      assert.equal(r.code, 1, `${file}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^  ${file.replace(".", "\\.")}:1:1 error +SG001 the Dockerfile has no instructions \\(it is empty, or holds only comments\\), so there is nothing to build: start a build stage with FROM$`, "m"));
      assert.doesNotMatch(r.stdout, /no problems/);
    }
  });

  test("podman's names: with no Dockerfile, ./Containerfile is linted, against its .containerignore, and --fix adds to that file", () => {
    const dir = makeContext({ ...module, ".containerignore": "bin/\n", ".dockerignore": ".git\n.env\n", Containerfile: good });
    const r = slimgoLint([], dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^  Containerfile:5:1 warning SG112 \.containerignore does not exclude \.git or \.env/m);
    const fixed = slimgoLint(["--fix"], dir);
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    assert.equal(readFileSync(join(dir, ".containerignore"), "utf8"), "bin/\n.git\n.env\n");
    assert.equal(readFileSync(join(dir, ".dockerignore"), "utf8"), ".git\n.env\n");
    // BuildKit's Dockerfile-specific ignore file comes before the context's.
    const own = makeContext({ ...module, ".dockerignore": ".git\n.env\n", "api.Dockerfile": good, "api.Dockerfile.dockerignore": ".git\n" });
    assert.match(slimgoLint(["api.Dockerfile"], own).stdout, /SG112 api\.Dockerfile\.dockerignore does not exclude \.env/);
    const none = slimgoLint([], makeContext({ ...module, ".dockerignore": ".git\n.env\n" }));
    assert.equal(none.status, 2);
    assert.match(none.stderr, /Dockerfile: cannot read Dockerfile \(no such file\)/);
  });

  test("with both .dockerignore (docker build's) and .containerignore (podman build's), lint checks both: each finding names its file, --fix adds to each, and stderr says which builder reads which", () => {
    const imports = {
      "go.mod": "module example.com/app\n\ngo 1.19\n",
      "main.go": 'package main\n\nimport "example.com/app/internal/store"\n\nfunc main() { store.Open() }\n',
      "internal/store/store.go": "package store\n\nfunc Open() {}\n",
    };
    const dockerfile = good.replace("COPY go.mod go.sum ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\n", "");
    const dir = makeContext({ ...imports, Dockerfile: dockerfile, ".dockerignore": ".git\n", ".containerignore": ".git\n.env\ninternal/\n" });
    const r = slimgoLint([], dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^Dockerfile: docker build reads \.dockerignore, podman build reads \.containerignore: both checked$/m);
    const findings = r.stdout.split("\n").filter((l) => /SG11[26]/.test(l)).map((l) => l.trim());
    assert.deepEqual(findings, [
      "Dockerfile:3:1 warning SG112 .dockerignore does not exclude .env, so COPY of the whole context copies it into the build: add .env to .dockerignore (fixable)",
      "Dockerfile:4:1 error   SG116 .containerignore line 3 (internal/) excludes internal/store/store.go of package example.com/app/internal/store, which go build compiles for .: the build in the image fails, or compiles a different program than this checkout (fixable)",
    ]);
    const fixed = slimgoLint(["--fix"], dir);
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    assert.equal(readFileSync(join(dir, ".dockerignore"), "utf8"), ".git\n.env\n");
    assert.equal(readFileSync(join(dir, ".containerignore"), "utf8"), ".git\n.env\ninternal/\n!internal/store/*.go\n");
  });

  test("a Dockerfile in a directory of its own that copies go.mod is linted against the module root above it", () => {
    const dir = makeContext({
      ...module,
      "cmd/server/main.go": "package main\n\nfunc main() {}\n",
      ".dockerignore": ".git\n.env\n",
      "deploy/Dockerfile": good.replace("-o /out/app .", "-o /out/app ./cmd/server"),
      "deploy/runtime.Dockerfile": 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
    });
    const r = slimgoLint(["deploy/Dockerfile"], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /deploy\/Dockerfile: linted with the build context \., as it copies go\.mod and go\.sum, which are in the module root above it; --context chooses another/);
    const own = slimgoLint(["deploy/Dockerfile", "--context", "deploy"], dir);
    assert.equal(own.status, 1);
    assert.match(own.stdout, /SG111 go\.mod is copied but the build context has none, so the build fails here/);
    assert.match(own.stdout, /SG111 go build \.\/cmd\/server: no such directory in the build context/);
    // One that takes nothing of the module from its context keeps its own directory.
    const runtime = slimgoLint(["deploy/runtime.Dockerfile"], dir);
    assert.doesNotMatch(runtime.stderr, /linted with the build context/);
  });

  test("a Dockerfile in a workspace module that copies go.work is linted against the workspace root above it", () => {
    const dir = makeContext({
      "go.work": "go 1.19\n\nuse (\n\t./svc\n\t./lib\n)\n",
      "svc/go.mod": "module example.com/svc\n\ngo 1.19\n\nrequire example.com/lib v0.0.0\n",
      "svc/main.go": 'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.X()) }\n',
      "lib/go.mod": "module example.com/lib\n\ngo 1.19\n",
      "lib/lib.go": 'package lib\n\nfunc X() string { return "x" }\n',
      ".dockerignore": ".git\n.env\n",
      "svc/Dockerfile": good.replace("COPY go.mod go.sum ./", "COPY go.work ./\nCOPY svc/go.mod svc/\nCOPY lib/go.mod lib/").replace("-o /out/app .", "-o /out/app ./svc"),
    });
    const r = slimgoLint(["svc/Dockerfile"], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /svc\/Dockerfile: linted with the build context \., as it copies go\.work, which is in the workspace root above it; --context chooses another/);
  });

  test("the reason a Dockerfile is linted against the module root names only the files the root has", () => {
    const dir = makeContext({
      "go.mod": "module example.com/app\n\ngo 1.19\n",
      "main.go": "package main\n\nfunc main() {}\n",
      "deploy/Dockerfile": good,
      "deploy/mod-only.Dockerfile": good.replace("COPY go.mod go.sum ./", "COPY go.mod ./"),
    });
    const both = slimgoLint(["deploy/Dockerfile"], dir);
    assert.match(both.stderr, /deploy\/Dockerfile: linted with the build context \., as it copies go\.mod and go\.sum, and the module root above it has go\.mod; --context chooses another/);
    assert.match(both.stdout, /SG111 go\.sum is copied but the build context has none/);
    const one = slimgoLint(["deploy/mod-only.Dockerfile"], dir);
    assert.match(one.stderr, /deploy\/mod-only\.Dockerfile: linted with the build context \., as it copies go\.mod, which is in the module root above it; --context chooses another/);
  });

  test("the Go evidence in a finding is named from where lint runs, so it opens from there: svc/main.go:5 from the parent, main.go:5 inside", () => {
    const server = 'package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":3000", nil) }\n';
    const exposes = good.replace("USER 65532:65532", "EXPOSE 8080\nUSER 65532:65532");
    const parent = makeContext({ "svc/go.mod": module["go.mod"], "svc/go.sum": "", "svc/main.go": server, "svc/.dockerignore": ".git\n.env\n", "svc/Dockerfile": exposes });
    const fromParent = slimgoLint(["svc/Dockerfile"], parent);
    assert.equal(fromParent.status, 1, fromParent.stdout + fromParent.stderr);
    assert.match(fromParent.stdout, /SG118 EXPOSE 8080, but app listens on 3000 \(svc\/main\.go:5\)/);
    const inside = slimgoLint([], join(parent, "svc"));
    assert.match(inside.stdout, /SG118 EXPOSE 8080, but app listens on 3000 \(main\.go:5\)/);
  });

  test("Dockerfiles of one module share its analysis: a go.mod that cannot be read is warned about once", () => {
    const dir = makeContext({ "go.mod": "module\n", "main.go": "package main\n\nfunc main() {}\n", ".dockerignore": ".git\n.env\n", Dockerfile: good, "dev.Dockerfile": good, "deploy/Dockerfile": good });
    const r = slimgoLint(["Dockerfile", "dev.Dockerfile", "deploy/Dockerfile"], dir);
    const warnings = r.stderr.split("\n").filter((l) => l.includes("Go-aware rules that need the module are skipped"));
    assert.equal(warnings.length, 1, r.stderr);
    assert.match(warnings[0]!, /go\.mod/);
  });

  test("--target judges the stage docker build --target builds as the image, not a dev stage after it; a stage it does not have is a usage error naming those it has", () => {
    const withDev = good.replace("FROM scratch", "FROM scratch AS prod") + 'FROM build AS dev\nCMD ["go", "run", "."]\n';
    const dir = makeContext({ ...module, ".dockerignore": ".git\n.env\n", Dockerfile: withDev });
    const last = slimgoLint([], dir);
    assert.equal(last.status, 1, last.stdout + last.stderr);
    assert.match(last.stdout, /Dockerfile:11:1 error +SG101 /);
    assert.match(last.stderr, /Dockerfile: judged the last stage, dev, as the image; stage prod \(line 7\) looks like the one you ship: --target prod lints that one/);
    for (const target of ["prod", "PROD", "1"]) {
      const prod = slimgoLint(["--target", target], dir);
      assert.equal(prod.status, 0, `--target ${target}: ${prod.stdout}${prod.stderr}`);
      assert.match(prod.stdout, /no problems/);
      assert.doesNotMatch(prod.stderr, /judged the last stage/);
    }
    const unknown = slimgoLint(["--target", "release"], dir);
    assert.equal(unknown.status, 2, unknown.stdout + unknown.stderr);
    assert.match(unknown.stderr, /^slimgo: Dockerfile: no build stage named "release" to judge as the image; its stages are build, prod, dev: pass one of them \(or its index\) to --target$/m);
    assert.equal(unknown.stdout, "");
  });

  test("--failure-threshold and config from slimgo.yaml", () => {
    const dir = makeContext({ ...module, ".dockerignore": ".git\n.env\n", Dockerfile: good.replace("USER 65532:65532\n", ""), "slimgo.yaml": "lint:\n  severity:\n    SG202: info\n" });
    assert.equal(slimgoLint([], dir).status, 0);
    assert.equal(slimgoLint(["--failure-threshold", "info"], dir).status, 1);
  });

  test("--ignore takes one comma-separated list per use and leaves the Dockerfile paths alone; a slimgo id that names no rule is an error, another name a warning", () => {
    const plain = "FROM alpine:latest\nRUN apk add curl\nUSER 65532\n";
    const dir = makeContext({ Dockerfile: "FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT /app\n", "prod.Dockerfile": plain });
    const one = slimgoLint(["--ignore", "SG201,apk-no-cache", "prod.Dockerfile"], dir);
    assert.equal(one.status, 0, one.stdout + one.stderr);
    assert.match(one.stdout, /^1 Dockerfile linted: no problems/m);
    assert.doesNotMatch(one.stdout, /SG108/, "./Dockerfile is not linted: prod.Dockerfile is the file named");
    const repeated = slimgoLint(["--ignore", "SG201", "--ignore", "DL3019", "prod.Dockerfile"], dir);
    assert.equal(repeated.status, 0, repeated.stdout + repeated.stderr);
    const typo = slimgoLint(["--ignore", "SG2O1", "prod.Dockerfile"], dir);
    assert.equal(typo.status, 1, "SG201 is still reported");
    assert.match(typo.stderr, /--ignore: SG2O1 names no slimgo rule/);
    const unknown = slimgoLint(["--ignore", "SG201,SG999", "prod.Dockerfile"], dir);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--ignore: SG999 is not a rule of slimgo lint/);
    assert.equal(unknown.stdout, "", "nothing is linted");
    const peer = slimgoLint(["--ignore", "SG201,DL9999", "prod.Dockerfile"], dir);
    assert.match(peer.stdout, /info +SG211/, "SG211 is still reported");
    assert.match(peer.stderr, /--ignore: DL9999 names no slimgo rule/);
    const config = makeContext({ Dockerfile: plain, "go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": "package main\n\nfunc main() {}\n", "slimgo.yaml": "lint:\n  ignore: [SG201, SG0211]\n" });
    const fromConfig = slimgoLint([], config);
    assert.equal(fromConfig.status, 2);
    assert.match(fromConfig.stderr, /slimgo\.yaml: lint\.ignore: SG0211 is not a rule/);
  });

  test("stdin with --format json and sarif", () => {
    const dir = makeContext({ ...module, ".dockerignore": ".git\n.env\n" });
    const json = slimgoLint(["-", "--format", "json"], dir, bad);
    assert.equal(json.status, 1);
    const parsed = JSON.parse(json.stdout) as { findings: { ruleId: string }[] }[];
    assert.ok(parsed[0]?.findings.some((f) => f.ruleId === "SG104"));
    const sarif = JSON.parse(slimgoLint(["-", "--format", "sarif"], dir, bad).stdout) as { version: string };
    assert.equal(sarif.version, "2.1.0");
  });

  test("--fix --dry-run prints the diff and changes nothing; --fix writes, and a second --fix changes nothing", () => {
    // A builder on $BUILDPLATFORM: SG104 and SG106 both put variables before go, so one pass cannot take both.
    const dir = makeContext({ ...module, Dockerfile: bad.replace("COPY go.mod go.sum ./\nRUN go mod download\n", "").replace("FROM golang:1.19 AS build", "FROM --platform=$BUILDPLATFORM golang:1.19 AS build") });
    const before = readFileSync(join(dir, "Dockerfile"), "utf8");
    const dry = slimgoLint(["--fix", "--dry-run"], dir);
    assert.match(dry.stdout, /^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n/m);
    assert.match(dry.stdout, /^\+RUN GOOS=\$TARGETOS GOARCH=\$TARGETARCH CGO_ENABLED=0 go build -trimpath/m);
    assert.match(dry.stdout, /^\+\+\+ b\/\.dockerignore\n/m);
    assert.equal(readFileSync(join(dir, "Dockerfile"), "utf8"), before);
    slimgoLint(["--fix"], dir);
    const after = readFileSync(join(dir, "Dockerfile"), "utf8");
    assert.notEqual(after, before);
    assert.match(after, /ENTRYPOINT \["\/app"\]/);
    assert.match(after, /GOOS=\$TARGETOS GOARCH=\$TARGETARCH/);
    assert.match(after, /CGO_ENABLED=0/);
    assert.equal(readFileSync(join(dir, ".dockerignore"), "utf8"), ".git\n.env\n");
    const second = slimgoLint(["--fix", "--dry-run"], dir);
    assert.doesNotMatch(second.stdout, /^---/m);
    assert.equal(readFileSync(join(dir, "Dockerfile"), "utf8"), after);
  });

  test("--fix keeps a CRLF Dockerfile CRLF: the lines fixes add (SHELL, ARG, HEALTHCHECK) end in CRLF, and so do the .dockerignore lines", () => {
    const healthFlag = 'package main\n\nimport (\n\t"flag"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\thealth := flag.Bool("health", false, "probe")\n\tflag.Parse()\n\tif *health {\n\t\tr, err := http.Get("http://127.0.0.1:8080/healthz")\n\t\tif err != nil || r.StatusCode != 200 {\n\t\t\tos.Exit(1)\n\t\t}\n\t\tos.Exit(0)\n\t}\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})\n\t_ = http.ListenAndServe(":8080", nil)\n}\n';
    const dockerfile = 'FROM --platform=$BUILDPLATFORM golang:1.19 AS build\nWORKDIR /src\nCOPY . .\nRUN curl -s https://example.com/x.tgz | tar xz\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n';
    const crlf = (s: string) => s.replaceAll("\n", "\r\n");
    const dir = makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": healthFlag, Dockerfile: crlf(dockerfile), ".dockerignore": crlf(".git\n") });
    slimgoLint(["--fix"], dir);
    const after = readFileSync(join(dir, "Dockerfile"), "utf8");
    for (const added of [/^SHELL \["\/bin\/bash", "-o", "pipefail", "-c"\]/m, /^ARG TARGETOS TARGETARCH/m, /^HEALTHCHECK .*"-health"\]/m]) assert.match(after, added);
    assert.deepEqual(after.split("\r\n").filter((line) => line.includes("\n")), [], "every line ends in CRLF");
    assert.equal(readFileSync(join(dir, ".dockerignore"), "utf8"), crlf(".git\n.env\n"));
  });
  test("--fix --dry-run and --fix from standard input write no Dockerfile: they exit with the status of the input as it is and list its findings; --fix that writes exits with the fixed file's", () => {
    const fixable = "FROM alpine:3.20\nUSER 65532\nCMD /app serve\n";
    const dir = makeContext({ ...module, ".dockerignore": ".git\n.env\n", Dockerfile: fixable });
    assert.equal(slimgoLint([], dir).status, 1);
    const dry = slimgoLint(["--fix", "--dry-run"], dir);
    assert.equal(dry.status, 1, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /^\+CMD \["\/app", "serve"\]$/m);
    assert.match(dry.stdout, /Dockerfile:3:1 warning SG203 .* \(fixable\)$/m);
    assert.match(dry.stderr, /Dockerfile: 1 fix\(es\) shown, not applied \(--dry-run writes nothing\); the findings listed are those of the file as it is, and set the exit status; those marked \(fixable\) are fixed by the diff, which would leave 0 finding\(s\)/);
    assert.equal(readFileSync(join(dir, "Dockerfile"), "utf8"), fixable);

    const stdin = slimgoLint(["--fix", "-"], dir, fixable);
    assert.equal(stdin.status, 1, stdin.stdout + stdin.stderr);
    assert.match(stdin.stdout, /^\+CMD \["\/app", "serve"\]$/m);
    assert.match(stdin.stdout, /Dockerfile:3:1 warning SG203 /);
    assert.match(stdin.stderr, /not applied \(standard input is not written back\); the findings listed are those of the input as it is/);

    const unfixable = fixable.replace("CMD /app serve", "CMD /app serve --port $PORT");
    writeFileSync(join(dir, "Dockerfile"), unfixable);
    const nothing = slimgoLint(["--fix", "--dry-run"], dir);
    assert.equal(nothing.status, 1);
    assert.match(nothing.stderr, /Nothing to fix\./);
    assert.match(nothing.stdout, /Dockerfile:3:1 warning SG203 CMD in shell form/, "the finding that fails the run is shown");

    writeFileSync(join(dir, "Dockerfile"), fixable);
    const written = slimgoLint(["--fix"], dir);
    assert.equal(written.status, 0, written.stdout + written.stderr);
    assert.match(written.stderr, /Dockerfile: 1 fix\(es\) applied, 0 finding\(s\) left/);
  });

  test("--fix --dry-run counts the findings the fixes leave as --fix does, with the .dockerignore and entrypoint script it would write read as written", () => {
    const script = "#!/bin/sh\nset -e\n/app migrate\n/app serve\n";
    const dockerfile = "FROM alpine:3.20\nCOPY . /src\nCOPY app /app\nCOPY docker-entrypoint.sh /\nUSER 65532\nENTRYPOINT [\"/docker-entrypoint.sh\"]\n";
    const dir = makeContext({ ...module, Dockerfile: dockerfile, "docker-entrypoint.sh": script, app: "" });
    const dry = slimgoLint(["--fix", "--dry-run"], dir);
    assert.match(dry.stdout, /^\+\.env$/m, "the diff adds to .dockerignore");
    assert.match(dry.stdout, /^\+exec \/app serve$/m, "the diff puts exec in the script");
    const promised = /which would leave (\d+) finding\(s\)/.exec(dry.stderr);
    assert.ok(promised, dry.stderr);
    assert.equal(readFileSync(join(dir, "docker-entrypoint.sh"), "utf8"), script, "--dry-run writes nothing");

    const fixed = slimgoLint(["--fix"], dir);
    const left = /(\d+) finding\(s\) left/.exec(fixed.stderr);
    assert.ok(left, fixed.stderr);
    assert.equal(promised[1], left[1], `--dry-run said ${promised[1]}, --fix left ${left[1]}:\n${fixed.stdout}`);
    assert.doesNotMatch(fixed.stdout, /SG112|SG219/);
  });

  test("--fix refuses a Dockerfile that is not UTF-8 (it would replace the bytes) and writes nothing; lint alone still lints it", () => {
    const latin1 = Buffer.from(bad.replace("WORKDIR /src\n", "WORKDIR /src\n# Caf\u00e9 du coin\n"), "latin1");
    const dir = makeContext({ ...module, ".dockerignore": ".git\n.env\n" });
    writeFileSync(join(dir, "Dockerfile"), latin1);
    const r = slimgoLint(["--fix"], dir);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /Dockerfile:3: not UTF-8 text: --fix would replace those bytes, so nothing was written/);
    assert.ok(readFileSync(join(dir, "Dockerfile")).equals(latin1), "the file is untouched");
    assert.equal(slimgoLint([], dir).status, 1, "findings as usual without --fix");
  });

  test("--fix inside sh -c '...': the fixed Dockerfile lints clean for SG104 and SG105", () => {
    const nested = bad.replace("RUN go build -o /out/app .", "RUN sh -c 'go build -o /out/app .'");
    const dir = makeContext({ ...module, ".dockerignore": ".git\n.env\n", Dockerfile: nested });
    slimgoLint(["--fix"], dir);
    assert.match(readFileSync(join(dir, "Dockerfile"), "utf8"), /^RUN sh -c 'CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o \/out\/app \.'$/m);
    const after = JSON.parse(slimgoLint(["--format", "json"], dir).stdout) as { findings: { ruleId: string }[] }[];
    assert.deepEqual(after[0]?.findings.map((f) => f.ruleId).filter((id) => id === "SG104" || id === "SG105"), []);
  });

  test('exec-form ["/bin/sh", "-c", "..."]: a finding inside the JSON string is printed at its line and column, and --fix edits inside it', () => {
    const dockerfile = 'FROM golang:1.22\nRUN ["/bin/sh", "-c", "apt-get update && apt-get install git"]\nRUN ["/bin/sh", "-c", \\\n    "go install golang.org/x/tools/cmd/goimports@latest"]\n';
    const dir = makeContext({ ...module, ".dockerignore": ".git\n.env\n", Dockerfile: dockerfile });
    const r = slimgoLint([], dir);
    // The package word starts line 4 after `    "go install `: column 17.
    assert.match(r.stdout, /Dockerfile:4:17 warning SG114 go install golang\.org\/x\/tools\/cmd\/goimports@latest follows a moving version/);
    assert.match(r.stdout, /Dockerfile:2:1 warning SG212 apt-get install without -y and --no-install-recommends/);
    slimgoLint(["--fix"], dir);
    assert.equal(readFileSync(join(dir, "Dockerfile"), "utf8").split("\n")[1], 'RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y --no-install-recommends ca-certificates git"]');
  });

  test("--fix puts exec in front of the entrypoint script's last command: the script changes (mode kept), the Dockerfile does not, and a second lint is clean", () => {
    const dockerfile = 'FROM alpine:3.20\nCOPY app /app\nCOPY docker-entrypoint.sh /\nUSER 65532:65532\nENTRYPOINT ["/docker-entrypoint.sh"]\n';
    const script = "#!/bin/sh\nset -e\necho starting\n/app serve\n";
    const dir = makeContext({ Dockerfile: dockerfile, "docker-entrypoint.sh": script, app: "" }, { "docker-entrypoint.sh": 0o755 });
    const first = slimgoLint([], dir);
    assert.equal(first.status, 1);
    assert.match(first.stdout, /Dockerfile:5:1 warning SG219 docker-entrypoint\.sh:4 runs "\/app serve" as a child of the shell, which stays PID 1 and does not pass SIGTERM on: docker stop waits 10 s and then kills it; start it with exec: "exec \/app serve" \(fixable\)/);
    const sarif = slimgoLint(["--fix", "--dry-run", "--format", "sarif"], dir);
    assert.doesNotThrow(() => JSON.parse(sarif.stdout), sarif.stdout.slice(0, 200));
    assert.match(sarif.stderr, /^\+\+\+ b\/docker-entrypoint\.sh\n[\s\S]*^-\/app serve\n\+exec \/app serve$/m);
    const json = JSON.parse(slimgoLint(["--format", "json"], dir).stdout) as { findings: { ruleId: string; fix?: { fileEdits?: { path: string }[] } }[] }[];
    assert.deepEqual(json[0]?.findings.map((f) => [f.ruleId, f.fix?.fileEdits?.map((e) => e.path)]), [["SG219", ["docker-entrypoint.sh"]]]);
    assert.equal(readFileSync(join(dir, "docker-entrypoint.sh"), "utf8"), script, "--dry-run changes nothing");
    const fixed = slimgoLint(["--fix"], dir);
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /^-\/app serve\n\+exec \/app serve$/m);
    assert.equal(readFileSync(join(dir, "docker-entrypoint.sh"), "utf8"), "#!/bin/sh\nset -e\necho starting\nexec /app serve\n");
    assert.equal(statSync(join(dir, "docker-entrypoint.sh")).mode & 0o777, 0o755, "the script stays executable");
    assert.equal(readFileSync(join(dir, "Dockerfile"), "utf8"), dockerfile);
    const second = slimgoLint([], dir);
    assert.equal(second.status, 0, second.stdout);
    assert.match(second.stdout, /no problems/);
  });

  test("--fix with --format json or sarif keeps stdout one document (the diff goes to stderr) and writes both files", () => {
    for (const format of ["json", "sarif"]) {
      // A builder on $BUILDPLATFORM: SG104 and SG106 both put variables before go, so one pass cannot take both.
    const dir = makeContext({ ...module, Dockerfile: bad.replace("COPY go.mod go.sum ./\nRUN go mod download\n", "").replace("FROM golang:1.19 AS build", "FROM --platform=$BUILDPLATFORM golang:1.19 AS build") });
      const dry = slimgoLint(["--fix", "--dry-run", "--format", format], dir);
      assert.doesNotThrow(() => JSON.parse(dry.stdout), `--dry-run --format ${format}: ${dry.stdout.slice(0, 200)}`);
      assert.match(dry.stderr, /^\+\+\+ b\/Dockerfile$/m);
      const fixed = slimgoLint(["--fix", "--format", format], dir);
      assert.doesNotThrow(() => JSON.parse(fixed.stdout), `--format ${format}: ${fixed.stdout.slice(0, 200)}`);
      assert.match(readFileSync(join(dir, "Dockerfile"), "utf8"), /ENTRYPOINT \["\/app"\]/);
      assert.equal(readFileSync(join(dir, ".dockerignore"), "utf8"), ".git\n.env\n");
    }
  });
});
