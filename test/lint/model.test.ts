import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildModel, envDeclarations, lookupAt } from "../../src/lint/model/build.js";
import { goInvocations } from "../../src/lint/model/queries.js";
import { unwrapCommand } from "../../src/lint/model/command-wrappers.js";
import { isIgnored } from "../../src/dockerfile/dockerignore-patterns.js";

/** A fixed multi-stage Dockerfile in init's shape (with -X version flags): the offsets below are into this text. */
const sample = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.19

FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-alpine AS build
WORKDIR /src
# Module download gets its own layer, so source edits don't refetch dependencies.
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=go.mod,target=/src/go.mod \\
    --mount=type=bind,source=go.sum,target=/src/go.sum \\
    go mod download
ARG TARGETOS TARGETARCH
ARG VERSION=dev
ARG COMMIT=unknown
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    --mount=type=bind,target=/src \\
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\
    go build -trimpath -ldflags="-s -w -X main.version=\${VERSION} -X main.commit=\${COMMIT}" -o /out/app .
RUN mkdir -p /out/rootfs/tmp && chmod 1777 /out/rootfs/tmp

FROM scratch AS runtime
ARG VERSION=dev
ARG COMMIT=unknown
LABEL org.opencontainers.image.source="https://example.com/app" \\
      org.opencontainers.image.version="\${VERSION}" \\
      org.opencontainers.image.revision="\${COMMIT}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip
ENV ZONEINFO=/zoneinfo.zip
COPY --from=build /out/rootfs/ /
COPY --from=build /out/app /app
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["/app", "-health"]
`;

describe("Dockerfile model", () => {
  test("stages: base image resolved from ARG, name, platform, final stage, COPY --from edges", () => {
    const m = buildModel(sample);
    assert.equal(m.stages.length, 2);
    const [build, runtime] = m.stages;
    assert.equal(build?.resolvedImage, "golang:1.19-alpine");
    assert.deepEqual(build?.imageRef, { repository: "golang", tag: "1.19-alpine" });
    assert.equal(build?.name, "build");
    assert.equal(build?.platform, "$BUILDPLATFORM");
    assert.equal(runtime?.isFinal, true);
    assert.equal(m.finalStage, runtime);
    assert.deepEqual(runtime?.copyFrom.map((e) => [e.instruction.range.line, e.stage?.name]), [[27, "build"], [28, "build"], [30, "build"], [31, "build"]]);
  });

  test("RUN split into commands and words across continuations, quotes kept together, offsets point into the text", () => {
    const m = buildModel(sample);
    const run = m.instructions.find((i) => i.keyword === "RUN" && i.commands.some((c) => c.name === "go" && c.words[1]?.value === "build"))!;
    const cmd = run.commands[0]!;
    assert.deepEqual(cmd.assignments.map((a) => `${a.name}=${a.value}`), ["CGO_ENABLED=0", "GOOS=$TARGETOS", "GOARCH=$TARGETARCH"]);
    assert.deepEqual(cmd.words.map((w) => w.value), ["go", "build", "-trimpath", "-ldflags=-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}", "-o", "/out/app", "."]);
    const ldflags = cmd.words[3]!;
    assert.equal(m.text.slice(ldflags.start, ldflags.end), '-ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}"');
    assert.deepEqual(run.mounts.map((x) => x.type), ["cache", "cache", "bind"]);
    const mk = m.instructions.find((i) => i.keyword === "RUN" && i.commands[0]?.name === "mkdir")!;
    assert.deepEqual(mk.commands.map((c) => [c.name, c.next]), [["mkdir", "&&"], ["chmod", ""]]);
  });

  test("heredoc bodies become commands; exec form is parsed as JSON", () => {
    const m = buildModel('FROM alpine:3.20\nRUN <<EOF\napk add git\ncd /src\nEOF\nCMD ["/app", "-x"]\nENTRYPOINT /app -y\n');
    assert.deepEqual(m.instructions[1]?.commands.map((c) => c.name), ["apk", "cd"]);
    assert.equal(m.instructions[1]?.heredocs[0]?.name, "EOF");
    assert.deepEqual(m.instructions[2]?.json, ["/app", "-x"]);
    assert.equal(m.instructions[3]?.json, null);
    assert.deepEqual(m.instructions[3]?.commands[0]?.words.map((w) => w.value), ["/app", "-y"]);
    const wrapped = buildModel("FROM golang:1.22\nRUN time /bin/bash <<EOF\ngo build -o /app .\nEOF\n");
    assert.deepEqual(wrapped.instructions[1]?.commands.map((c) => c.name), ["time", "go"], "a shell behind a wrapper still reads the heredoc");
  });

  test("a heredoc given to a shell named after its marker (<<EOT bash, <<EOT sh -e, <<-EOT /bin/bash) is that shell's script", () => {
    for (const head of ["<<EOT bash", "<<EOT sh -e", "<<-EOT /bin/bash"]) {
      const m = buildModel(`FROM golang:1.19-bookworm\nRUN ${head}\ngo build -o /out/notes .\nEOT\n`);
      assert.deepEqual(m.instructions[1]?.commands.map((c) => c.name), [head.split(" ")[0], "go"], head);
    }
    const python = buildModel("FROM golang:1.19-bookworm\nRUN <<EOT python3\nprint('hi')\nEOT\n");
    assert.deepEqual(python.instructions[1]?.commands.map((c) => c.name), ["<<EOT"], "python's script is not read as shell");
  });

  test("FROM resolves through global ARG defaults, and ${X:-y} for an ARG declared without one", () => {
    const image = (text: string) => buildModel(text).stages.at(-1)?.resolvedImage;
    assert.equal(image("ARG BASE=scratch\nFROM ${BASE}\n"), "scratch");
    assert.equal(image("ARG BASE=scratch\nFROM $BASE\n"), "scratch");
    assert.equal(image("ARG BASE\nFROM ${BASE:-scratch}\n"), "scratch");
    assert.equal(image("ARG BASE\nFROM ${BASE-scratch}\n"), "scratch");
    assert.equal(image("ARG BASE=alpine:3.20\nFROM ${BASE:-scratch}\n"), "alpine:3.20");
    assert.equal(image("FROM ${BASE:-scratch}\n"), "scratch");
  });

  test("variables: global ARG needs redeclaring, ENV inherits into child stages, defaults apply", () => {
    const m = buildModel("ARG V=1\nFROM alpine:3.20 AS a\nENV E=from-a\nARG V\nARG W=${V}-w\nRUN true\nFROM a\nRUN true\n");
    const inA = lookupAt(m, m.instructions[5]!);
    assert.equal(inA("V"), "1");
    assert.equal(inA("W"), "1-w");
    assert.equal(inA("E"), "from-a");
    const inChild = lookupAt(m, m.instructions[7]!);
    assert.equal(inChild("E"), "from-a");
    assert.equal(inChild("W"), undefined, "ARG does not cross stages");
  });

  test("variables: an ENV overrides an ARG of the same name, declared before or after it, here or in a parent stage", () => {
    const m = buildModel("FROM alpine:3.20 AS a\nENV V=env\nARG V=arg\nARG W=arg\nRUN true\nFROM a\nARG V=child-arg\nRUN true\n");
    assert.equal(lookupAt(m, m.instructions[4]!)("V"), "env");
    assert.equal(lookupAt(m, m.instructions[4]!)("W"), "arg");
    assert.equal(lookupAt(m, m.instructions[7]!)("V"), "env");
  });

  test("ENV and ARG values: quoted spaces stay in one value, single quotes and escapes keep $ literal", () => {
    const m = buildModel(
      'ARG G="a b"\nFROM alpine\nARG G\nENV A="x y" B=2 C=\'p $G\'\nENV D "e f"\nENV E=a\\ b F="$G!" H=\\$G\nENV LEGACY one two\nARG T1 \\\n  T2="t w o"\nRUN true\n',
    );
    const at = lookupAt(m, m.instructions.at(-1)!);
    const values = Object.fromEntries(["G", "A", "B", "C", "D", "E", "F", "H", "LEGACY", "T1", "T2"].map((n) => [n, at(n)]));
    assert.deepEqual(values, { G: "a b", A: "x y", B: "2", C: "p $G", D: "e f", E: "a b", F: "a b!", H: "$G", LEGACY: "one two", T1: null, T2: "t w o" });
    assert.deepEqual(envDeclarations(m.instructions[3]!, m).map((d) => [d.name, d.value]), [["A", "x y"], ["B", "2"], ["C", "p $G"]], "three declarations, not five words");
  });

  test("go under sudo: assignments after sudo's options reach go, those before it only with -E/--preserve-env", () => {
    const at = (run: string): { env: string[]; insertAfter: string | undefined } => {
      const m = buildModel(`FROM golang:1.22\nRUN ${run}\n`);
      const g = goInvocations(m)[0]!;
      return { env: g.assignments.map((a) => `${a.name}=${a.value}`), insertAfter: g.envInsert === undefined ? undefined : m.text.slice(m.instructions[1]!.argsStart, g.envInsert.at) };
    };
    assert.deepEqual(at("A=1 go build ."), { env: ["A=1"], insertAfter: "" });
    assert.deepEqual(at("A=1 sudo go build ."), { env: [], insertAfter: "A=1 sudo " });
    assert.deepEqual(at("A=1 B=2 sudo -Eu builder --chdir /src C=3 go build ."), { env: ["A=1", "B=2", "C=3"], insertAfter: "A=1 B=2 sudo -Eu builder --chdir /src " });
    assert.deepEqual(at("A=1 B=2 sudo --preserve-env=B -ubuilder -- go build ."), { env: ["B=2"], insertAfter: "A=1 B=2 sudo --preserve-env=B -ubuilder -- " });
    assert.deepEqual(at("sudo -s go build ."), { env: [], insertAfter: undefined });
  });

  test("wrappers: sudo, env, nice, nohup, time, doas and exec are taken off, in any mix, with what reaches the command", () => {
    const unwrap = (run: string): { command: string[]; env: string[]; wrappers: string[]; keepsENV: boolean; insert: string | undefined } => {
      const m = buildModel(`FROM golang:1.22\nRUN ${run}\n`);
      const u = unwrapCommand(m.instructions[1]!.commands[0]!);
      const insert = u.envInsert && `${m.text.slice(m.instructions[1]!.argsStart, u.envInsert.at)}${u.envInsert.throughEnv ? "env " : ""}`;
      return { command: u.words.map((w) => w.value), env: u.assignments.map((a) => `${a.name}=${a.value}`), wrappers: u.wrappers, keepsENV: u.inherits("X"), insert };
    };
    assert.deepEqual(unwrap("A=1 sudo -E env -u A B=2 nice -n 5 go build"), { command: ["go", "build"], env: ["B=2"], wrappers: ["sudo", "env", "nice"], keepsENV: true, insert: "A=1 sudo -E env -u A B=2 nice -n 5 env " });
    assert.deepEqual(unwrap("sudo --preserve-env=X env -i Y=1 go build"), { command: ["go", "build"], env: ["Y=1"], wrappers: ["sudo", "env"], keepsENV: false, insert: "sudo --preserve-env=X env -i " });
    assert.deepEqual(unwrap("sudo --preserve-env=X /usr/bin/time -p go build"), { command: ["go", "build"], env: [], wrappers: ["sudo", "time"], keepsENV: true, insert: "sudo --preserve-env=X /usr/bin/time -p env " });
    assert.deepEqual(unwrap("A=1 exec nohup nice -10 go build"), { command: ["go", "build"], env: ["A=1"], wrappers: ["exec", "nohup", "nice"], keepsENV: true, insert: "A=1 exec nohup nice -10 env " });
    assert.deepEqual(unwrap("A=1 doas -u builder go build"), { command: ["go", "build"], env: [], wrappers: ["doas"], keepsENV: false, insert: undefined });
    assert.deepEqual(unwrap("doas env A=1 go build"), { command: ["go", "build"], env: ["A=1"], wrappers: ["doas", "env"], keepsENV: false, insert: "doas env " });
    assert.deepEqual(unwrap("env - PATH=/bin go build"), { command: ["go", "build"], env: ["PATH=/bin"], wrappers: ["env"], keepsENV: false, insert: "env - " });
    assert.deepEqual(unwrap("env -S 'go build'"), { command: ["go build"], env: [], wrappers: ["env"], keepsENV: true, insert: undefined }, "env -S is not read: no place to insert");
    assert.deepEqual(unwrap('su builder -c "go build"'), { command: ["su", "builder", "-c", "go build"], env: [], wrappers: [], keepsENV: true, insert: "" });
  });

  test("parse problems are collected, never thrown", () => {
    assert.deepEqual(buildModel("FROM a\nRUN #<<EOF\\\n\\#COPY \n").problems.map((p) => p.line), [2]);
    assert.doesNotThrow(() => buildModel("\u0000\uFFFF[[[\\\n"));
  });
});

describe(".dockerignore matching", () => {
  test("Docker's rules: anchored patterns, ** and ! exceptions, directories cover their contents", () => {
    assert.equal(isIgnored([".git"], ".git"), true);
    assert.equal(isIgnored([".git/"], ".git/config"), true);
    assert.equal(isIgnored(["**/.env"], ".env"), true);
    assert.equal(isIgnored(["*", "!*.go"], "main.go"), false);
    assert.equal(isIgnored(["*", "!*.go"], ".env"), true);
    assert.equal(isIgnored(["bin"], "cmd/bin"), false);
    assert.equal(isIgnored(["# comment", "", "/vendor"], "vendor/modules.txt"), true);
  });
});
