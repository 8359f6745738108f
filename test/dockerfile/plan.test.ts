import { test } from "node:test";
import assert from "node:assert/strict";
import { planDockerfile } from "../../src/dockerfile/plan.js";
import { generateDockerfile } from "../../src/dockerfile/generate.js";
import { generateDockerignore } from "../../src/dockerfile/dockerignore.js";
import { mainPackage, moduleAnalysis } from "../support/analysis.js";

const ev = (file: string, line: number) => ({ file, line });

test("a static server with no needs gets scratch, a non-root user and nothing else", () => {
  const main = mainPackage(".", "app", { isServer: true, ports: [{ port: 8080, source: "literal", evidence: ev("main.go", 9) }] });
  const plan = planDockerfile(moduleAnalysis([main]), { hasGoSum: false });
  const text = generateDockerfile(plan);
  assert.equal(plan.programs[0]!.runtimeImage, "scratch");
  assert.match(text, /^FROM scratch AS runtime$/m);
  assert.match(text, /^USER 65532:65532$/m);
  assert.match(text, /^EXPOSE 8080$/m);
  assert.doesNotMatch(text, /ca-certificates|zoneinfo|\/tmp|passwd/);
  assert.doesNotMatch(text, /go mod download/, "no requires: no download step");
  const health = plan.programs[0]!.decisions.find((d) => d.topic === "health check");
  assert.match(health?.reason ?? "", /no health endpoint/);
});

test("each run-time need adds exactly its file, with the evidence in the decision", () => {
  const needs = {
    tlsRoots: { needed: true, evidence: [ev("client.go", 12)] },
    zoneinfo: { needed: true, evidence: [ev("tz.go", 4)], embeddedTzdata: false },
    tmp: { needed: true, evidence: [ev("upload.go", 20)] },
    user: { needed: true, evidence: [ev("main.go", 7)] },
  };
  const plan = planDockerfile(moduleAnalysis([mainPackage(".", "app", { needs })]), { hasGoSum: false });
  const text = generateDockerfile(plan);
  assert.match(text, /COPY --from=build \/etc\/ssl\/certs\/ca-certificates\.crt \/etc\/ssl\/certs\//);
  assert.match(text, /ENV ZONEINFO=\/zoneinfo\.zip/);
  assert.match(text, /chmod 1777 \/rootfs\/tmp/);
  assert.match(text, /> \/rootfs\/etc\/passwd/);
  assert.match(text, /^COPY --from=build \/rootfs\/ \/$/m);
  const topics = Object.fromEntries(plan.programs[0]!.decisions.map((d) => [d.topic, d]));
  assert.deepEqual(topics["CA certificates"]?.evidence, [ev("client.go", 12)]);
  assert.deepEqual(topics["zoneinfo"]?.evidence, [ev("tz.go", 4)]);
});

test("embedded tzdata needs no zoneinfo; distroless provides certificates itself", () => {
  const needs = {
    tlsRoots: { needed: true, evidence: [ev("c.go", 1)] },
    zoneinfo: { needed: true, evidence: [ev("t.go", 2)], embeddedTzdata: true },
    tmp: { needed: false, evidence: [] },
    user: { needed: false, evidence: [] },
  };
  const text = generateDockerfile(planDockerfile(moduleAnalysis([mainPackage(".", "app", { needs })]), { hasGoSum: false, runtime: "distroless" }));
  assert.match(text, /^FROM gcr\.io\/distroless\/static-debian12:nonroot AS runtime$/m);
  assert.doesNotMatch(text, /zoneinfo|ca-certificates/);
});

test("cgo picks a glibc builder and runtime, and refuses scratch with the pure-Go way out", () => {
  const cgo = { required: true, evidence: [], dependencies: [{ module: "github.com/mattn/go-sqlite3", alternative: "modernc.org/sqlite", evidence: ev("go.mod", 5) }] };
  const analysis = moduleAnalysis([mainPackage(".", "app", { cgo })]);
  const text = generateDockerfile(planDockerfile(analysis, { hasGoSum: true }));
  assert.match(text, /^FROM golang:\$\{GO_VERSION\}-bookworm AS build$/m);
  assert.match(text, /CGO_ENABLED=1/);
  assert.match(text, /^FROM gcr\.io\/distroless\/base-debian12:nonroot AS runtime$/m);
  assert.throws(() => planDockerfile(analysis, { hasGoSum: true, runtime: "scratch" }), /needs cgo.*modernc\.org\/sqlite/);
});

test("several main packages: --main picks one, an unknown one lists the choices, --all makes a target each", () => {
  const analysis = moduleAnalysis([mainPackage("cmd/api", "api"), mainPackage("cmd/worker", "worker")]);
  assert.throws(() => planDockerfile(analysis, { hasGoSum: false }), /pass --main \.\/cmd\/NAME/);
  assert.throws(() => planDockerfile(analysis, { hasGoSum: false, main: "./cmd/nope" }), /choose one of \.\/cmd\/api, \.\/cmd\/worker/);
  assert.equal(planDockerfile(analysis, { hasGoSum: false, main: "./cmd/worker/" }).programs[0]!.main.binary, "worker");
  const all = generateDockerfile(planDockerfile(analysis, { hasGoSum: false, all: true }));
  assert.match(all, /^FROM scratch AS api$/m);
  assert.match(all, /^FROM scratch AS worker$/m);
  assert.match(all, /-o \/out\/api \.\/cmd\/api/);
});

test("the toolchain line wins over the go line for the builder version", () => {
  const analysis = moduleAnalysis([mainPackage(".", "app")]);
  analysis.goMod.toolchain = "1.22.5";
  analysis.goMod.toolchainEvidence = ev("go.mod", 4);
  const plan = planDockerfile(analysis, { hasGoSum: false });
  assert.match(generateDockerfile(plan), /^ARG GO_VERSION=1\.22\.5$/m);
  assert.deepEqual(plan.decisions.find((d) => d.topic === "Go version")?.evidence, [ev("go.mod", 4)]);
});

test(".dockerignore keeps vendor/ only for vendored modules, and always keeps secrets out", () => {
  const plain = generateDockerignore({ vendored: false }).text.split("\n");
  const vendored = generateDockerignore({ vendored: true }).text.split("\n");
  for (const lines of [plain, vendored]) for (const p of [".git", ".env", ".env.*"]) assert.ok(lines.includes(p), p);
  assert.ok(plain.includes("vendor/"));
  assert.ok(!vendored.includes("vendor/"));
});

test(".dockerignore takes back in, at the end, what the build reads and a pattern drops; nothing else", () => {
  const evidence = ev("main.go", 9);
  const inputs = [
    { kind: "module-file" as const, files: ["go.mod"], pattern: "go.mod" },
    { kind: "package" as const, importPath: "example.com/app/internal/out", files: ["internal/out/out.go"], pattern: "internal/out/*.go" },
    { kind: "embed" as const, embed: "dist", evidence, files: ["dist/index.html", "dist/app.js"], pattern: "dist" },
  ];
  const { text, kept } = generateDockerignore({ vendored: false, inputs });
  assert.deepEqual(kept.map((k) => k.pattern), ["dist"]);
  assert.match(text, /\ndist\/\n[\s\S]*\n# The build reads these, though a pattern above matches them\.\n!dist\n$/);
  assert.doesNotMatch(generateDockerignore({ vendored: false, inputs: inputs.slice(0, 2) }).text, /^!/m);
});

test("a module replaced by a directory: inside the module its go.mod is mounted for the download; outside it, a warning says the build cannot see it", () => {
  const main = mainPackage(".", "app", {});
  const goMod = (replaces: { oldPath: string; newPath: string; evidence: { file: string; line: number } }[]) => ({
    path: "example.com/app",
    pathEvidence: ev("go.mod", 1),
    go: "1.19",
    goEvidence: ev("go.mod", 3),
    requires: [{ path: "example.com/lib", version: "v0.0.0", indirect: false, evidence: ev("go.mod", 5) }],
    replaces,
  });
  const inside = planDockerfile(moduleAnalysis([main], { goMod: goMod([{ oldPath: "example.com/lib", newPath: "./libs/lib", evidence: ev("go.mod", 7) }]) }), { hasGoSum: true });
  assert.deepEqual(inside.warnings, []);
  assert.match(generateDockerfile(inside), /--mount=type=bind,source=libs\/lib\/go\.mod,target=\/src\/libs\/lib\/go\.mod \\\n\s+go mod download/);
  assert.deepEqual(inside.decisions.find((d) => /libs\/lib mounted/.test(d.choice))?.evidence, [ev("go.mod", 7)]);

  const outside = planDockerfile(moduleAnalysis([main], { goMod: goMod([{ oldPath: "example.com/lib", newPath: "../lib", evidence: ev("go.mod", 7) }]) }), { hasGoSum: true });
  assert.equal(outside.warnings.length, 1);
  assert.match(outside.warnings[0]!, /^\/src\/app\/go\.mod:7: replace example\.com\/lib => \.\.\/lib is outside the module directory, the build context of this Dockerfile, so docker build cannot see it: run go mod vendor/);
  // The Dockerfile's paths are the module's: building it with a parent directory as the context builds something else.
  assert.doesNotMatch(outside.warnings[0]!, /build from a directory that holds both/);
  assert.match(outside.warnings[0]!, /: run go mod vendor \(vendor\/ then holds it\) and init again, or publish example\.com\/lib and drop the replace; this Dockerfile's paths are the module's, so a parent directory as the build context does not help$/);
  assert.doesNotMatch(generateDockerfile(outside), /source=\.\.\//, "nothing outside the context is mounted");

  const vendored = planDockerfile(moduleAnalysis([main], { vendored: true, goMod: goMod([{ oldPath: "example.com/lib", newPath: "../lib", evidence: ev("go.mod", 7) }]) }), { hasGoSum: true });
  assert.deepEqual(vendored.warnings, [], "vendor/ holds the replaced module");
});

test("the health probe dials the port of the HTTP server its route is on, not the first listener (gRPC beside HTTP)", () => {
  const main = mainPackage("cmd/grpclike", "grpclike", {
    isServer: true,
    ports: [{ port: 50051, source: "env", envVar: "GRPC_ADDR", evidence: { file: "cmd/grpclike/main.go", line: 15 } }],
    healthEndpoints: [{ path: "/healthz", port: 8081, evidence: { file: "cmd/grpclike/main.go", line: 23 } }],
  });
  const text = generateDockerfile(planDockerfile(moduleAnalysis([main]), { hasGoSum: false }));
  assert.match(text, /^EXPOSE 50051$/m);
  assert.match(text, /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8081", "\/healthz"\]$/m);
});

test("the probe follows a listen variable the program reads with no default (LISTEN_ADDR over a -listen flag), not a port it connects to", () => {
  const main = mainPackage(".", "app", {
    isServer: true,
    ports: [{ port: 9000, source: "flag", flag: "listen", evidence: ev("main.go", 11) }],
    envVariables: [
      { name: "DB_ADDR", evidence: ev("main.go", 12) },
      { name: "LISTEN_ADDR", evidence: ev("main.go", 13) },
    ],
    healthEndpoints: [{ path: "/healthz", evidence: ev("main.go", 16) }],
  });
  const plan = planDockerfile(moduleAnalysis([main]), { hasGoSum: false });
  assert.match(generateDockerfile(plan), /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:9000", "\/healthz", "LISTEN_ADDR"\]$/m);
  assert.match(plan.programs[0]!.decisions.find((d) => d.topic === "health check")!.choice, /on port 9000, or on the port LISTEN_ADDR sets$/);
});

test("a service port on loopback only is a warning naming the line; a port on every interface is not, and --port for another port warns that the written port does not move", () => {
  const main = mainPackage(".", "app", { isServer: true, ports: [{ port: 8080, source: "literal", loopback: "localhost:8080", evidence: ev("main.go", 10) }] });
  assert.deepEqual(planDockerfile(moduleAnalysis([main]), { hasGoSum: false }).warnings, [
    "/src/app/main.go:10: app listens on localhost:8080, the container's own loopback: docker run -p, compose ports and other containers reach nothing there, while a health check run inside still passes; listen on :8080 (every interface)",
  ]);
  const moved = planDockerfile(moduleAnalysis([main]), { hasGoSum: false, port: 9000 }).warnings;
  assert.equal(moved.length, 1, "not the loopback warning: the one that says a literal port does not move");
  assert.match(moved[0]!, /^\/src\/app\/main\.go:10: --port 9000: app listens on 8080, written in the source/);
  const everywhere = mainPackage(".", "app", { isServer: true, ports: [{ port: 8080, source: "literal", evidence: ev("main.go", 10) }] });
  assert.deepEqual(planDockerfile(moduleAnalysis([everywhere]), { hasGoSum: false }).warnings, []);
});

test("a TLS server gets no plain-HTTP probe, and the decision says why; a health route on a plain port of its own beside it does", () => {
  const tls = { file: "main.go", line: 10 };
  const main = mainPackage(".", "app", { isServer: true, ports: [{ port: 8443, source: "literal", evidence: tls }], tlsServer: tls, healthEndpoints: [{ path: "/healthz", evidence: ev("main.go", 9) }] });
  const plan = planDockerfile(moduleAnalysis([main]), { hasGoSum: false });
  assert.doesNotMatch(generateDockerfile(plan), /HEALTHCHECK/);
  assert.match(plan.programs[0]!.decisions.find((d) => d.topic === "health check")!.reason, /^the server speaks TLS, and the static probe only plain HTTP/);
  const beside = mainPackage(".", "app", { ...main.facts, healthEndpoints: [{ path: "/healthz", port: 8081, evidence: ev("main.go", 9) }] });
  assert.match(generateDockerfile(planDockerfile(moduleAnalysis([beside]), { hasGoSum: false })), /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8081", "\/healthz"\]$/m);
});

test("a program whose cgo files have a pure-Go fallback builds with CGO_ENABLED=0 on scratch, and the decision names the import \"C\" left out and the fallback", () => {
  const optional = [ev("add_cgo.go", 7), ev("add_nocgo.go", 1)];
  const main = mainPackage(".", "app", { cgo: { required: false, evidence: [], dependencies: [], optional } });
  const plan = planDockerfile(moduleAnalysis([main]), { hasGoSum: false });
  const text = generateDockerfile(plan);
  assert.match(text, /^FROM --platform=\$BUILDPLATFORM golang:\$\{GO_VERSION\}-alpine AS build$/m);
  assert.match(text, /CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH/);
  assert.match(text, /^FROM scratch AS runtime$/m);
  const cgo = plan.programs[0]!.decisions.find((d) => d.topic === "cgo")!;
  assert.equal(cgo.choice, "CGO_ENABLED=0");
  assert.deepEqual(cgo.evidence, optional);
});

test("a health route whose served path is unknown (a StripPrefix with a variable prefix) gets no probe, a warning and a reason naming both lines; --healthcheck probes the path given", () => {
  const main = mainPackage(".", "app", {
    isServer: true,
    ports: [{ port: 8080, source: "literal", evidence: ev("main.go", 8) }],
    unresolvedHealthRoutes: [{ path: "/healthz", evidence: ev("main.go", 5), mount: ev("main.go", 7), why: "the prefix http.StripPrefix removes is not a string literal" }],
  });
  const plan = planDockerfile(moduleAnalysis([main]), { hasGoSum: false });
  assert.doesNotMatch(generateDockerfile(plan), /HEALTHCHECK/);
  const reason = "/healthz is registered on a handler mounted at /src/app/main.go:7, and the prefix http.StripPrefix removes is not a string literal: the path it is served at is unknown, so none is probed; pass --healthcheck with the full path";
  assert.deepEqual(plan.warnings, [`/src/app/main.go:5: app: ${reason}`]);
  const health = plan.programs[0]!.decisions.find((d) => d.topic === "health check")!;
  assert.equal(health.reason, reason);
  assert.deepEqual(health.evidence, [ev("main.go", 5), ev("main.go", 7)]);
  const chosen = planDockerfile(moduleAnalysis([main]), { hasGoSum: false, healthPath: "/api/healthz" });
  assert.match(generateDockerfile(chosen), /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8080", "\/api\/healthz"\]$/m);
  assert.deepEqual(chosen.warnings, []);
});

test("a health path the user gives is probed even when the binary has a health flag; without one the flag is used", () => {
  const main = mainPackage(".", "app", {
    isServer: true,
    ports: [{ port: 8080, source: "env", envVar: "PORT", evidence: ev("main.go", 9) }],
    healthFlag: { name: "health", evidence: ev("main.go", 12) },
    healthEndpoints: [{ path: "/healthz", evidence: ev("main.go", 20) }],
  });
  assert.match(generateDockerfile(planDockerfile(moduleAnalysis([main]), { hasGoSum: false })), /CMD \["\/usr\/local\/bin\/app", "-health"\]$/m);
  const chosen = generateDockerfile(planDockerfile(moduleAnalysis([main]), { hasGoSum: false, healthPath: "/ready" }));
  assert.match(chosen, /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8080", "\/ready", "PORT"\]$/m);
});

test("a module in a go.work whose other modules are outside the module directory: a warning says the image builds from go.mod alone", () => {
  const main = mainPackage(".", "api", {});
  const base = moduleAnalysis([main]);
  const goMod = { ...base.goMod, requires: [{ path: "example.com/lib", version: "v0.0.0", indirect: false, evidence: ev("go.mod", 5) }] };
  const goWork = (uses: string[]) => ({ file: "../go.work", uses: uses.map((dir, i) => ({ dir, evidence: { file: "../go.work", line: 4 + i, text: dir } })) });
  const plan = planDockerfile(moduleAnalysis([main], { root: "/src/work/api", goMod, goWork: goWork(["./api", "./lib"]) }), { hasGoSum: false });
  assert.deepEqual(plan.warnings.length, 1);
  assert.match(plan.warnings[0]!, /^\/src\/work\/go\.work:5: use \.\/lib: go build here resolves modules through \.\.\/go\.work, but the workspace and \.\.\/lib are outside the module directory.*builds from go\.mod alone/);
  const alone = planDockerfile(moduleAnalysis([main], { root: "/src/work/api", goMod, goWork: goWork(["./api"]) }), { hasGoSum: false });
  assert.deepEqual(alone.warnings, []);
});

test("version variables the Makefile sets with -X in another package are wired to build args too; main's own are not repeated, make variables are skipped, stale ones left out", () => {
  const versionPackage = "example.com/billing/internal/version";
  const declared = (symbol: string, line: number) => ({ symbol, settable: true, kind: "var" as const, evidence: ev("internal/version/version.go", line) });
  const main = mainPackage("cmd/server", "server", {
    versionVariables: [{ symbol: "main.version", role: "version", evidence: ev("cmd/server/main.go", 9) }],
    imports: [versionPackage],
    packageLevelNames: [{ ...declared("main.version", 9), evidence: ev("cmd/server/main.go", 9) }, declared(`${versionPackage}.Version`, 3), declared(`${versionPackage}.Commit`, 4)],
  });
  const mk = (symbol: string, role: "version" | "commit" | "date", line: number) => ({ symbol, role, evidence: { file: "Makefile", line, text: `-X ${symbol}=$(V)` } });
  const analysis = moduleAnalysis([main], {
    goMod: { ...moduleAnalysis([]).goMod, path: "example.com/billing" },
    buildConfigVersionVariables: [
      mk(`${versionPackage}.Version`, "version", 3),
      mk(`${versionPackage}.Commit`, "commit", 3),
      mk(`${versionPackage}.BuildDate`, "date", 3),
      mk("main.version", "version", 4),
      mk("$(PKG)/version.Version", "version", 5),
    ],
  });
  const plan = planDockerfile(analysis, { hasGoSum: false });
  const text = generateDockerfile(plan);
  assert.match(text, /-ldflags="-s -w -X main\.version=\$\{VERSION\} -X example\.com\/billing\/internal\/version\.Version=\$\{VERSION\} -X example\.com\/billing\/internal\/version\.Commit=\$\{COMMIT\}"/);
  assert.match(text, /^ARG COMMIT=unknown$/m);
  assert.doesNotMatch(text, /BuildDate/);
  const leftOut = plan.programs[0]!.decisions.find((d) => d.choice.includes("BuildDate"));
  assert.equal(leftOut?.choice, `-X ${versionPackage}.BuildDate left out`);
  assert.match(leftOut?.reason ?? "", /package example\.com\/billing\/internal\/version has no string variable BuildDate/);
  assert.deepEqual(leftOut?.evidence.map((e) => `${e.file}:${e.line}`), ["Makefile:3"]);
});

test("a server under a subcommand gets CMD with that subcommand after the ENTRYPOINT", () => {
  const main = mainPackage(".", "app", { isServer: true, serveSubcommand: { name: "serve", evidence: { file: "main.go", line: 23, text: 'case "serve":' } } });
  const plan = planDockerfile(moduleAnalysis([main]), { hasGoSum: false });
  assert.deepEqual(plan.programs[0]!.decisions.find((d) => d.topic === "command")?.evidence, [{ file: "main.go", line: 23, text: 'case "serve":' }]);
  assert.match(generateDockerfile(plan), /^ENTRYPOINT \["\/usr\/local\/bin\/app"\]\nCMD \["serve"\]$/m);
  assert.doesNotMatch(generateDockerfile(planDockerfile(moduleAnalysis([mainPackage(".", "app", { isServer: true })]), { hasGoSum: false })), /^CMD/m);
});

test("a directory the program writes its state to is created owned by the non-root user, on scratch and on distroless", () => {
  const stateDirectories = [{ path: "/var/lib/app", source: "flag" as const, name: "data", evidence: ev("main.go", 9) }];
  for (const runtime of ["scratch", "distroless"] as const) {
    const plan = planDockerfile(moduleAnalysis([mainPackage(".", "app", { stateDirectories })]), { hasGoSum: false, runtime });
    const text = generateDockerfile(plan);
    assert.match(text, /^RUN mkdir -p \/rootfs\/var\/lib\/app && chown 65532:65532 \/rootfs\/var\/lib\/app$/m, runtime);
    assert.match(text, /^COPY --from=build \/rootfs\/ \/$/m, runtime);
    const state = plan.programs[0]!.decisions.find((d) => d.topic === "state");
    assert.match(state?.choice ?? "", /^\/var\/lib\/app created, owned by 65532:65532$/);
    assert.match(state?.reason ?? "", /default of the -data flag/);
    assert.deepEqual(state?.evidence, [ev("main.go", 9)]);
  }
});

test("--port moves the program through what gave its port: ENV for a variable (in the form of its default), a flag in CMD; a port written in the source gets a warning", () => {
  const withPort = (port: Parameters<typeof mainPackage>[2] extends infer F ? F : never) => planDockerfile(moduleAnalysis([mainPackage(".", "app", { isServer: true, ...port })]), { hasGoSum: false, port: 9000 });
  const env = withPort({ ports: [{ port: 8080, source: "env", envVar: "PORT", written: "8080", evidence: ev("main.go", 25) }] });
  assert.match(generateDockerfile(env), /^ENV PORT=9000\nEXPOSE 9000$/m);
  const address = withPort({ ports: [{ port: 8080, source: "env", envVar: "LISTEN_ADDR", written: "0.0.0.0:8080", evidence: ev("main.go", 25) }] });
  assert.match(generateDockerfile(address), /^ENV LISTEN_ADDR=0\.0\.0\.0:9000$/m);
  const flag = withPort({ ports: [{ port: 8080, source: "flag", flag: "addr", written: ":8080", evidence: ev("main.go", 9) }] });
  assert.match(generateDockerfile(flag), /^CMD \["-addr=:9000"\]$/m);
  assert.deepEqual(flag.warnings, []);
  const literal = withPort({ ports: [{ port: 8080, source: "literal", evidence: ev("main.go", 9) }] });
  assert.doesNotMatch(generateDockerfile(literal), /^(ENV|CMD) /m);
  assert.match(literal.warnings.join("\n"), /^\/src\/app\/main\.go:9: --port 9000: app listens on 8080, written in the source: .*the program does not move/m);
  const same = withPort({ ports: [{ port: 9000, source: "env", envVar: "PORT", written: "9000", evidence: ev("main.go", 25) }] });
  assert.doesNotMatch(generateDockerfile(same), /^ENV PORT/m, "the default already is the port asked for");
});
