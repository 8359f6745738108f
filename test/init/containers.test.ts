/**
 * `slimgo init` output is proved by running it: for every fixture that builds here, the generated
 * Dockerfile is built with podman (stand-in base images tagged with the official names), the container
 * runs, and the recipe is checked from outside.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createSocket } from "node:dgram";
import { basename, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { copyModule, runSlimgo } from "../support/cli.js";
import { freePort, healthcheckRun, podman, podmanBuild, runContainer, runTool, ULIMIT_FLAGS, waitForHttp } from "../support/podman.js";
import { checkServerImage, processUid, SERVER_CASES, serverTestBed } from "../support/server-fixtures.js";
import { ensureStandInImages } from "../support/standins.js";
import { skipContainers } from "../support/tools.js";

describe("images built from `slimgo init` Dockerfiles", { skip: skipContainers(), concurrency: 1 }, () => {
  const bed = serverTestBed(ensureStandInImages);
  const dirs = bed.paths;
  const images = bed.images;

  for (const c of SERVER_CASES) {
    test(`${c.name}: builds, serves, runs as non-root, is healthy and stops on SIGTERM`, async () => {
      const dir = await copyModule(c.name, c.from);
      dirs.push(dir);
      const init = await runSlimgo(["init", ...(c.main ? ["--main", c.main] : []), dir]);
      assert.equal(init.code, 0, init.stderr);
      const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
      assert.match(dockerfile, c.healthcheck === "flag" ? /HEALTHCHECK .* CMD \["\/usr\/local\/bin\/[\w-]+", "-[\w-]+"\]/ : /HEALTHCHECK .* CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck"/);

      const tag = `localhost/slimgo-test/${c.name}:init`;
      images.push(tag);
      await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
      const verified = await runSlimgo(["verify", `podman:${tag}`]);
      assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
      await checkServerImage(c, tag, bed.upstream());
    });
  }

  test("grpc-health: the HEALTHCHECK probes the HTTP health port, not the gRPC-style listener found first", async () => {
    const dir = await copyModule("grpc-health");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^EXPOSE 50051 8081$/m, "the gRPC port, and the health server's beside it");
    assert.match(dockerfile, /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8081", "\/healthz"\]$/m);
    const tag = "localhost/slimgo-test/grpc-health:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const [healthPort, apiPort] = [await freePort(), await freePort()];
    const container = await runContainer({ image: tag, ports: { 8081: healthPort, 50051: apiPort } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${healthPort}/healthz`), 200);
      assert.equal(await processUid(container), 65532, "the process runs as the non-root uid");
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}`);
      const stop = await container.stop(10);
      assert.equal(stop.exitCode, 0, `SIGTERM reaches the process and it exits cleanly: ${await container.logs()}`);
    } finally {
      await container.remove();
    }
  });

  test("a program called healthcheck (cmd/healthcheck) keeps its binary apart from the health probe: the image serves and its HEALTHCHECK passes", async () => {
    const dir = await copyModule("root-main");
    dirs.push(dir);
    await mkdir(join(dir, "cmd/healthcheck"), { recursive: true });
    await rename(join(dir, "main.go"), join(dir, "cmd/healthcheck/main.go"));
    const init = await runSlimgo(["init", "--no-compose", dir]);
    assert.equal(init.code, 0, init.stderr);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    const probe = /^HEALTHCHECK .* CMD \["([^"]+)"/m.exec(dockerfile)?.[1];
    assert.match(dockerfile, /^ENTRYPOINT \["\/usr\/local\/bin\/healthcheck"\]$/m, "the program keeps its name");
    const tag = "localhost/slimgo-test/healthcheck-program:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const port = await freePort();
    const container = await runContainer({ image: tag, ports: { 8080: port } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/`), 200, await container.logs());
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}\n${await container.logs()}`);
    } finally {
      await container.remove();
    }
    assert.notEqual(probe, "/usr/local/bin/healthcheck", "the probe is not where the program is");
  });

  test("a health route on a mux mounted with http.StripPrefix: the HEALTHCHECK probes the path served (/api/healthz) and the container becomes healthy", async () => {
    const dir = await copyModule("cli-tool");
    dirs.push(dir);
    await writeFile(
      join(dir, "main.go"),
      'package main\n\nimport (\n\t"log"\n\t"net/http"\n)\n\nfunc main() {\n\tapi := http.NewServeMux()\n\tapi.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })\n\tmux := http.NewServeMux()\n\tmux.Handle("/api/", http.StripPrefix("/api", api))\n\tlog.Fatal(http.ListenAndServe(":8080", mux))\n}\n',
    );
    const init = await runSlimgo(["init", "--no-compose", dir]);
    assert.equal(init.code, 0, init.stderr);
    const tag = "localhost/slimgo-test/strip-prefix:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const port = await freePort();
    const container = await runContainer({ image: tag, ports: { 8080: port } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/api/healthz`), 204, await container.logs());
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}\n${await readFile(join(dir, "Dockerfile"), "utf8")}`);
    } finally {
      await container.remove();
    }
    assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8080", "\/api\/healthz"\]$/m);
  });

  test("dependency-needs: the image from init's Dockerfile has what the vendored dependency needs: it loads zones and trusts the system's roots", async () => {
    const dir = await copyModule("dependency-needs");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const tag = "localhost/slimgo-test/dependency-needs:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    for (const [zone, name] of [["Europe/Madrid", /CES?T \+0[12]00/], ["America/New_York", /E[SD]T -0[45]00/]] as const) {
      const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag, "-zone", zone], { allowFailure: true });
      assert.equal(run.code, 0, `the program runs in the image: ${run.stdout}${run.stderr}`);
      const printed = new RegExp(`^${zone} ${name.source}, (\\d+) trusted root certificates$`).exec(run.stdout.trim());
      assert.ok(printed, run.stdout);
      assert.ok(Number(printed[1]) > 100, `x509.SystemCertPool finds the CA bundle: ${run.stdout}`);
    }
  });

  test("a PORT with no default: init without --port says so; with --port the image sets ENV PORT, serves there and is healthy", async () => {
    const dir = await copyModule("cli-tool");
    dirs.push(dir);
    await writeFile(
      join(dir, "main.go"),
      'package main\n\nimport (\n\t"log"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tlog.Fatal("PORT must be set")\n\t}\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })\n\tlog.Fatal(http.ListenAndServe(":"+port, nil))\n}\n',
    );
    const explained = await runSlimgo(["init", "--dry-run", dir], { cwd: dir });
    assert.match(explained.stdout + explained.stderr, /port +none: the program reads its port from PORT, which has no default: pass --port N to EXPOSE N and set ENV PORT=N \(main\.go:10\)/);
    assert.equal((await runSlimgo(["init", "--port", "7070", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^ENV PORT=7070\nEXPOSE 7070$/m);
    assert.match(dockerfile, /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:7070", "\/healthz", "PORT"\]$/m, "the probe follows PORT when docker run -e moves it");
    assert.match(await readFile(join(dir, "compose.yaml"), "utf8"), /PORT: "7070"/);
    const tag = "localhost/slimgo-test/unset-port:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const port = await freePort();
    const container = await runContainer({ image: tag, ports: { 7070: port } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/healthz`), 204, await container.logs());
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}`);
    } finally {
      await container.remove();
    }
  });

  test("--port moves a program whose port has a default: PORT through ENV, an -addr flag through CMD; each serves there and is healthy", async () => {
    const fromEnv = await copyModule("root-main");
    const fromFlag = await copyModule("cli-tool");
    dirs.push(fromEnv, fromFlag);
    await writeFile(
      join(fromFlag, "main.go"),
      'package main\n\nimport (\n\t"flag"\n\t"log"\n\t"net/http"\n)\n\nfunc main() {\n\taddr := flag.String("addr", ":9000", "listen address")\n\tflag.Parse()\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })\n\tlog.Fatal(http.ListenAndServe(*addr, nil))\n}\n',
    );
    for (const [dir, name, expect] of [[fromEnv, "port-env", /^ENV PORT=7071\nEXPOSE 7071$/m], [fromFlag, "port-flag", /^CMD \["-addr=:7071"\]$/m]] as const) {
      assert.equal((await runSlimgo(["init", "--port", "7071", "--no-compose", dir])).code, 0);
      assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), expect);
      const tag = `localhost/slimgo-test/${name}:init`;
      images.push(tag);
      await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
      const port = await freePort();
      const container = await runContainer({ image: tag, ports: { 7071: port } });
      try {
        assert.ok([200, 204].includes(await waitForHttp(`http://127.0.0.1:${port}/healthz`)), await container.logs());
        const health = await healthcheckRun(container.id);
        assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}`);
      } finally {
        await container.remove();
      }
    }
  });

  test("a go.work in the module that uses a directory outside it: the image builds with GOWORK=off and runs", async () => {
    const dir = await copyModule("cli-tool");
    const shared = `${dir}-shared`;
    dirs.push(dir, shared);
    await mkdir(shared);
    await writeFile(join(shared, "go.mod"), "module example.com/shared\n\ngo 1.19\n");
    await writeFile(join(dir, "go.work"), `go 1.19\n\nuse (\n\t.\n\t../${basename(shared)}\n)\n`);
    const init = await runSlimgo(["init", "--no-compose", dir]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /workspace +GOWORK=off in the build stage: go\.work is in the build context and uses \.\.\/\S+, outside it/);
    assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /^ENV GOWORK=off$/m);
    const tag = "localhost/slimgo-test/go-work:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true });
    const run = await podman(["run", "--rm", "-i", "--ulimit", "nproc=1000:1000", "--ulimit", "nofile=1000:1000", tag, "-w"], { input: "one two three\n" });
    assert.equal(run.stdout.trim(), "3");
  });

  test("a go.work in the module that provides a required module (no replace in go.mod): the image builds in workspace mode, with no download step that would look the module up; an allow-list .dockerignore keeps go.work and ./lib in", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slimgo-workspace-"));
    dirs.push(dir);
    const files: Record<string, string> = {
      "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v0.0.0\n",
      "go.work": "go 1.19\n\nuse (\n\t.\n\t./lib\n)\n",
      "main.go": 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/lib"\n)\n\nfunc main() {\n\tfmt.Println(lib.Greeting())\n}\n',
      "lib/go.mod": "module example.com/lib\n\ngo 1.19\n",
      "lib/lib.go": 'package lib\n\n// Greeting is what the app prints.\nfunc Greeting() string { return "hello from the workspace" }\n',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, ".."), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const init = await runSlimgo(["init", "--no-compose", dir], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /^ {2}modules +downloaded by go build, no download step of their own: go\.work provides example\.com\/lib from \.\/lib, which go\.mod requires without a replace, and go mod download reads go\.mod alone, so it would look example\.com\/lib v0\.0\.0 up in the module proxy instead \(go\.work:5, go\.mod:5\)$/m);
    const tag = "localhost/slimgo-test/go-work-provides:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true });
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag]);
    assert.equal(run.stdout.trim(), "hello from the workspace");

    await writeFile(join(dir, ".dockerignore"), "*\n!*.go\n!go.mod\n!go.sum\n");
    const merged = await runSlimgo(["init", "--no-compose", "--force", dir], { cwd: dir });
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /^\s+context\s+\.dockerignore keeps lib in: go\.work uses it, though one of its patterns matches it \(go\.work:5\)$/m);
    await writeFile(join(dir, "Dockerfile.context"), "FROM docker.io/library/alpine:3.20\nCOPY . /ctx\nRUN find /ctx -type f | sort\n");
    const contextTag = "localhost/slimgo-test/go-work-provides-context:init";
    images.push(contextTag);
    const built = await podmanBuild({ context: dir, dockerfile: join(dir, "Dockerfile.context"), tag: contextTag, noCache: true });
    const seen = built.stdout.split("\n").filter((l) => l.startsWith("/ctx/"));
    for (const file of ["/ctx/go.work", "/ctx/lib/go.mod", "/ctx/lib/lib.go"]) assert.ok(seen.includes(file), `${file} is not in the context:\n${seen.join("\n")}`);
  });

  test("--all with two main packages whose binaries have one name (cmd/api, tools/api): each image runs its own program", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slimgo-same-binary-"));
    dirs.push(dir);
    await writeFile(join(dir, "go.mod"), "module example.com/samebinary\n\ngo 1.19\n");
    for (const parent of ["cmd", "tools"]) {
      await mkdir(join(dir, parent, "api"), { recursive: true });
      await writeFile(join(dir, parent, "api", "main.go"), `package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("${parent}/api")\n}\n`);
    }
    const init = await runSlimgo(["init", "--all", "--no-compose", dir]);
    assert.equal(init.code, 0, init.stderr);
    for (const [target, program] of [["api", "cmd/api"], ["api-2", "tools/api"]] as const) {
      const tag = `localhost/slimgo-test/same-binary-${target}:init`;
      images.push(tag);
      await podmanBuild({ context: dir, tag, target, noCache: true });
      const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, tag]);
      assert.equal(run.stdout.trim(), program, `the ${target} image runs ./${program}:\n${await readFile(join(dir, "Dockerfile"), "utf8")}`);
    }
  });

  test("a UDP listener (net.ListenPacket(\"udp\", \":1053\")) beside an HTTP health server: EXPOSE and compose publish it as UDP, and a datagram sent to the published port comes back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slimgo-udp-"));
    dirs.push(dir);
    await writeFile(join(dir, "go.mod"), "module example.com/udpecho\n\ngo 1.19\n");
    await writeFile(
      join(dir, "main.go"),
      'package main\n\nimport (\n\t"log"\n\t"net"\n\t"net/http"\n)\n\nfunc main() {\n\tconn, err := net.ListenPacket("udp", ":1053")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n\tgo func() {\n\t\tbuf := make([]byte, 512)\n\t\tfor {\n\t\t\tn, from, err := conn.ReadFrom(buf)\n\t\t\tif err != nil {\n\t\t\t\treturn\n\t\t\t}\n\t\t\t_, _ = conn.WriteTo(buf[:n], from)\n\t\t}\n\t}()\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })\n\tlog.Fatal(http.ListenAndServe(":8080", nil))\n}\n',
    );
    const init = await runSlimgo(["init", dir], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /^EXPOSE 1053\/udp 8080$/m);
    assert.deepEqual(parseYaml(await readFile(join(dir, "compose.yaml"), "utf8")).services.udpecho.ports, ["127.0.0.1:1053:1053/udp", "127.0.0.1:8080:8080"]);
    const tag = "localhost/slimgo-test/udp-echo:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    // -P publishes what the image EXPOSEs, with the protocol it names.
    const container = await runContainer({ image: tag, ports: { 8080: await freePort() }, flags: ["-P"] });
    try {
      const published = (await podman(["port", container.id, "1053/udp"], { allowFailure: true })).stdout.trim();
      const port = Number(/:(\d+)$/m.exec(published)?.[1]);
      assert.ok(port > 0, `1053/udp is published: ${published || "(nothing)"}`);
      assert.equal(await udpEcho(port, "ping"), "ping");
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}`);
    } finally {
      await container.remove();
    }
  });

  test("replace example.com/lib => ../lib: init warns, and after the go mod vendor it advises, init's Dockerfile builds and the image runs", async () => {
    const parent = await mkdtemp(join(tmpdir(), "slimgo-replace-outside-"));
    dirs.push(parent);
    const files: Record<string, string> = {
      "lib/go.mod": "module example.com/lib\n\ngo 1.19\n",
      "lib/lib.go": 'package lib\n\n// Greeting is what the app prints.\nfunc Greeting() string { return "hello from ../lib" }\n',
      "app/go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
      "app/main.go": 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/lib"\n)\n\nfunc main() {\n\tfmt.Println(lib.Greeting())\n}\n',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(parent, path, ".."), { recursive: true });
      await writeFile(join(parent, path), content);
    }
    const dir = join(parent, "app");
    const warned = await runSlimgo(["init", "--no-compose", dir], { cwd: dir });
    assert.match(warned.stderr, /^warning: go\.mod:7: replace example\.com\/lib => \.\.\/lib is outside the module directory, .*: run go mod vendor \(vendor\/ then holds it\) and init again/m);
    await runTool("go", ["mod", "vendor"], { cwd: dir, env: { GOFLAGS: "-mod=mod", GOPROXY: "off" } });
    const init = await runSlimgo(["init", "--no-compose", "--force", dir], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.equal(init.stderr, "", "no warning once vendor/ holds the module");
    const tag = "localhost/slimgo-test/replace-outside-vendored:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true });
    assert.equal((await podman(["run", "--rm", ...ULIMIT_FLAGS, tag])).stdout.trim(), "hello from ../lib");
  });

  test("cli-tool: a non-server CLI gets no EXPOSE or HEALTHCHECK and runs as non-root", async () => {
    const dir = await copyModule("cli-tool");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.doesNotMatch(dockerfile, /EXPOSE|HEALTHCHECK/);
    const tag = "localhost/slimgo-test/cli-tool:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const verified = await runSlimgo(["verify", `podman:${tag}`]);
    assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
    const run = await podman(["run", "--rm", "-i", "--ulimit", "nproc=1000:1000", "--ulimit", "nofile=1000:1000", tag, "-w"], { input: "one two three\n" });
    assert.equal(run.stdout.trim(), "3");
    const version = await podman(["run", "--rm", tag, "-version"]);
    assert.match(version.stdout, /\S/, "the entrypoint takes the program's own flags");
    const config = JSON.parse((await podman(["image", "inspect", tag])).stdout)[0].Config;
    assert.equal(config.User, "65532:65532");
  });

  test("cgo: builds on the glibc builder and runs dynamically linked on distroless/base as non-root", async () => {
    const dir = await copyModule("cgo");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^FROM golang:\$\{GO_VERSION\}-bookworm AS build$/m);
    assert.match(dockerfile, /^FROM gcr\.io\/distroless\/base-debian12:nonroot AS runtime$/m);
    const tag = "localhost/slimgo-test/cgo:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const verified = await runSlimgo(["verify", `podman:${tag}`]);
    assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
    const run = await podman(["run", "--rm", tag, "-a", "40", "-b", "2"]);
    assert.equal(run.stdout.trim(), "42", "the C code ran");
    const config = JSON.parse((await podman(["image", "inspect", tag])).stdout)[0].Config;
    assert.equal(config.User, "65532:65532");
  });

  test("cgo with go 1.12 in go.mod: the builder is golang:1.19-bookworm, the first Go with a bookworm image (and -trimpath), and the image builds and runs", async () => {
    const dir = await copyModule("cgo");
    dirs.push(dir);
    await writeFile(join(dir, "go.mod"), "module example.com/cgosum\n\ngo 1.12\n");
    const init = await runSlimgo(["init", dir]);
    assert.equal(init.code, 0, init.stderr);
    const tag = "localhost/slimgo-test/cgo-go112:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const run = await podman(["run", "--rm", tag, "-a", "40", "-b", "2"]);
    assert.equal(run.stdout.trim(), "42", "the C code ran");
    assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /^ARG GO_VERSION=1\.19$/m);
    assert.match(init.stdout, /Go version +1\.19: the go line says 1\.12, .*golang:<version>-bookworm, exists from Go 1\.19 on/);
  });

  test("cgo-optional: cgo only under //go:build cgo, with a !cgo fallback: builds with CGO_ENABLED=0 on the Alpine builder and runs static on scratch", async () => {
    const dir = await copyModule("cgo-optional");
    dirs.push(dir);
    const init = await runSlimgo(["init", dir], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    const tag = "localhost/slimgo-test/cgo-optional:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const run = await podman(["run", "--rm", "-i", "--ulimit", "nproc=1000:1000", "--ulimit", "nofile=1000:1000", tag], { input: "hello" });
    assert.equal(run.stdout.trim(), "062c0215 (Go)", "the pure-Go fallback was built");
    const verified = await runSlimgo(["verify", `podman:${tag}`]);
    assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^FROM --platform=\$BUILDPLATFORM golang:\$\{GO_VERSION\}-alpine AS build$/m);
    assert.match(dockerfile, /^ {4}CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH \\$/m);
    assert.match(dockerfile, /^FROM scratch AS runtime$/m);
    assert.match(init.stdout, /cgo +CGO_ENABLED=0: the files that import "C" are left out of a build without cgo.*\(adler_cgo\.go:18, adler_nocgo\.go:1\)/);
  });

  test("vendored: builds from vendor/ with no module download and no network", async () => {
    const dir = await copyModule("vendored");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
    assert.doesNotMatch(dockerfile, /go mod download/);
    assert.doesNotMatch(await readFile(join(dir, ".dockerignore"), "utf8"), /^vendor\/$/m);
    const tag = "localhost/slimgo-test/vendored:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const verified = await runSlimgo(["verify", `podman:${tag}`]);
    assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
    const run = await podman(["run", "--rm", tag, "-name", "gopher"]);
    assert.match(run.stdout, /gopher/);
  });

  test("vendored with a go.work in the module: go build -mod=vendor refuses workspace mode, so the image builds with GOWORK=off, and go list reads the module as the image builds it", async () => {
    const dir = await copyModule("vendored");
    dirs.push(dir);
    await writeFile(join(dir, "go.work"), "go 1.19\n\nuse .\n");
    const init = await runSlimgo(["init", dir], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.doesNotMatch(init.stderr, /go list failed/);
    assert.match(init.stdout, /^ {2}workspace +GOWORK=off in the build stage: go\.work is in the build context, and go build -mod=vendor refuses workspace mode: the image builds from go\.mod and vendor\/ \(go\.work:3\)$/m);
    const tag = "localhost/slimgo-test/vendored-go-work:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true });
    const run = await podman(["run", "--rm", tag, "-name", "gopher"]);
    assert.match(run.stdout, /gopher/);
  });

  // The generated Dockerfile bind-mounts the context, which buildah fills without reading
  // .dockerignore (BuildKit reads it), so a COPY shows what a builder takes from the context.
  test("embed: the .dockerignore init writes keeps the embedded dist/ in the context and build output, .env and .git out", async () => {
    const dir = await copyModule("embed");
    dirs.push(dir);
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    await mkdir(join(dir, "bin"), { recursive: true });
    await writeFile(join(dir, "bin", "embedded"), "an old local build\n");
    await writeFile(join(dir, ".env"), "TOKEN=local\n");
    await mkdir(join(dir, ".git"), { recursive: true });
    await writeFile(join(dir, "Dockerfile.context"), "FROM docker.io/library/alpine:3.20\nCOPY . /ctx\nRUN find /ctx -type f | sort\n");
    const tag = "localhost/slimgo-test/embed-context:init";
    images.push(tag);
    const built = await podmanBuild({ context: dir, dockerfile: join(dir, "Dockerfile.context"), tag, noCache: true });
    const seen = built.stdout.split("\n").filter((l) => l.startsWith("/ctx/"));
    assert.ok(seen.includes("/ctx/dist/index.html"), seen.join("\n"));
    assert.ok(seen.includes("/ctx/main.go"), seen.join("\n"));
    assert.deepEqual(seen.filter((l) => /^\/ctx\/(bin|\.env|\.git)\b/.test(l)), []);
  });

  test("embed of a front end's output that is not built yet when init runs: init says the build needs it, and once built the context keeps it", async () => {
    const dir = await copyModule("embed");
    dirs.push(dir);
    await rename(join(dir, "dist"), join(dir, "dist.built"));
    const init = await runSlimgo(["init", "--no-compose", dir], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, /^warning: main\.go:21: \/\/go:embed dist matches no files yet, and go build fails without them \("pattern dist: no matching files found"\): the Dockerfile does not make them; write them \(the front end's build\) before docker build$/m);
    await rename(join(dir, "dist.built"), join(dir, "dist"));
    await writeFile(join(dir, "Dockerfile.context"), "FROM docker.io/library/alpine:3.20\nCOPY . /ctx\nRUN find /ctx -type f | sort\n");
    const tag = "localhost/slimgo-test/embed-unbuilt-context:init";
    images.push(tag);
    const built = await podmanBuild({ context: dir, dockerfile: join(dir, "Dockerfile.context"), tag, noCache: true });
    const seen = built.stdout.split("\n").filter((l) => l.startsWith("/ctx/"));
    assert.ok(seen.includes("/ctx/dist/index.html"), `the .dockerignore drops what //go:embed dist needs:\n${await readFile(join(dir, ".dockerignore"), "utf8")}`);
  });

  test("config-flag: the files a flag's default and an environment variable's default name are in the image, so the program starts, serves them, exposes metrics beside it and is healthy", async () => {
    const dir = await copyModule("config-flag");
    dirs.push(dir);
    const init = await runSlimgo(["init", "--no-compose", dir], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /^\s+data\s+COPY config\/gateway\.json to \/app\/config\/gateway\.json: the program reads config\/gateway\.json from disk at run time.*\(main\.go:20\)$/m);
    const tag = "localhost/slimgo-test/config-flag:init";
    images.push(tag);
    await podmanBuild({ context: dir, tag, noCache: true, format: "docker" });
    const [port, metricsPort] = [await freePort(), await freePort()];
    const container = await runContainer({ image: tag, ports: { 8080: port, 9153: metricsPort } });
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) }).catch(async (e: Error) => assert.fail(`${e.message}: ${await container.logs()}`));
      assert.equal(await answer.text(), await readFile(join(dir, "config/gateway.json"), "utf8"));
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/routes`)).text(), await readFile(join(dir, "config/routes.txt"), "utf8"));
      assert.equal(await waitForHttp(`http://127.0.0.1:${metricsPort}/metrics`), 200, "the metrics port is exposed");
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}`);
    } finally {
      await container.remove();
    }
  });

  test("local-replace with the project's own allow-list .dockerignore (*, !*.go): init takes the replacement directory back in, so the context has greeting/go.mod and its source", async () => {
    const dir = await copyModule("local-replace");
    dirs.push(dir);
    await writeFile(join(dir, ".dockerignore"), "*\n!*.go\n!go.mod\n!go.sum\n");
    const init = await runSlimgo(["init", "--no-compose", dir], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /^\s+context\s+\.dockerignore keeps greeting in: go\.mod replaces example\.com\/greeting by it, though one of its patterns matches it \(go\.mod:7\)$/m);
    await writeFile(join(dir, "Dockerfile.context"), "FROM docker.io/library/alpine:3.20\nCOPY . /ctx\nRUN find /ctx -type f | sort\n");
    const tag = "localhost/slimgo-test/local-replace-allow-list:init";
    images.push(tag);
    const built = await podmanBuild({ context: dir, dockerfile: join(dir, "Dockerfile.context"), tag, noCache: true });
    const seen = built.stdout.split("\n").filter((l) => l.startsWith("/ctx/"));
    for (const file of ["/ctx/greeting/go.mod", "/ctx/greeting/greeting.go", "/ctx/main.go", "/ctx/go.mod"]) assert.ok(seen.includes(file), `${file} is not in the context:\n${seen.join("\n")}\n${await readFile(join(dir, ".dockerignore"), "utf8")}`);
  });

  test("embed with the project's own .containerignore: init adds to it what podman needs, since podman reads it instead of .dockerignore", async () => {
    const dir = await copyModule("embed");
    dirs.push(dir);
    await writeFile(join(dir, ".containerignore"), "dist/\n");
    assert.equal((await runSlimgo(["init", dir])).code, 0);
    await writeFile(join(dir, ".env"), "TOKEN=local\n");
    await mkdir(join(dir, ".git"), { recursive: true });
    await writeFile(join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
    await writeFile(join(dir, "Dockerfile.context"), "FROM docker.io/library/alpine:3.20\nCOPY . /ctx\nRUN find /ctx -type f | sort\n");
    const tag = "localhost/slimgo-test/embed-containerignore:init";
    images.push(tag);
    const built = await podmanBuild({ context: dir, dockerfile: join(dir, "Dockerfile.context"), tag, noCache: true });
    const seen = built.stdout.split("\n").filter((l) => l.startsWith("/ctx/"));
    assert.ok(seen.includes("/ctx/dist/index.html"), seen.join("\n"));
    assert.deepEqual(seen.filter((l) => /^\/ctx\/(\.env|\.git)\b/.test(l)), []);
  });

  test("a program named rootfs, which needs a /tmp: its binary and the tree of OS files are different paths in the build stage, and the image builds and runs, alone and with --all", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slimgo-rootfs-program-"));
    dirs.push(dir);
    await writeFile(join(dir, "go.mod"), "module example.com/rootfsprogram\n\ngo 1.19\n");
    for (const name of ["rootfs", "api"]) {
      await mkdir(join(dir, "cmd", name), { recursive: true });
      await writeFile(join(dir, "cmd", name, "main.go"), spoolingServer(name));
    }
    const builds = [
      { args: ["--main", "./cmd/rootfs"], tag: "localhost/slimgo-test/rootfs-program:init", target: undefined, name: "rootfs" },
      { args: ["--all", "--force"], tag: "localhost/slimgo-test/rootfs-program:all", target: "rootfs", name: "rootfs" },
      { args: ["--all", "--force"], tag: "localhost/slimgo-test/rootfs-program-api:all", target: "api", name: "api" },
    ];
    for (const image of builds) {
      const init = await runSlimgo(["init", "--no-compose", ...image.args, dir]);
      assert.equal(init.code, 0, init.stderr);
      images.push(image.tag);
      await podmanBuild({ context: dir, tag: image.tag, noCache: true, format: "docker", ...(image.target ? { target: image.target } : {}) });
      const port = await freePort();
      const container = await runContainer({ image: image.tag, env: { PORT: String(port) } });
      try {
        assert.equal(await waitForHttp(`http://127.0.0.1:${port}/healthz`), 200);
        const upload = await fetch(`http://127.0.0.1:${port}/upload`, { method: "POST", body: "twelve bytes" });
        assert.equal(await upload.text(), `${image.name} stored 12 bytes\n`, "the program runs and writes its temporary file in /tmp");
      } finally {
        await container.remove();
      }
    }
  });
});

/** Sends `text` to 127.0.0.1:`port` over UDP and resolves with the first answer (rejects after 5 s). */
function udpEcho(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    const done = (fn: () => void) => {
      clearInterval(resend);
      clearTimeout(timer);
      socket.close();
      fn();
    };
    // Resent until answered: the first datagram may arrive before the program reads.
    const send = () => socket.send(text, port, "127.0.0.1");
    const resend = setInterval(send, 250);
    const timer = setTimeout(() => done(() => reject(new Error(`no UDP answer from 127.0.0.1:${port}`))), 5_000);
    socket.on("message", (msg) => done(() => resolve(msg.toString("utf8"))));
    socket.on("error", (err) => done(() => reject(err)));
    send();
  });
}

/** An upload server named `name` that spools each upload to a temporary file: scratch images need a /tmp for it. */
function spoolingServer(name: string): string {
  return `// Command ${name} spools uploads to temporary files.
package main

import (
\t"fmt"
\t"io"
\t"net/http"
\t"os"
)

func main() {
\tport := os.Getenv("PORT")
\tif port == "" {
\t\tport = "8080"
\t}
\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
\thttp.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
\t\tf, err := os.CreateTemp("", "upload-*")
\t\tif err != nil {
\t\t\thttp.Error(w, err.Error(), http.StatusInternalServerError)
\t\t\treturn
\t\t}
\t\tdefer os.Remove(f.Name())
\t\tdefer f.Close()
\t\tn, _ := io.Copy(f, r.Body)
\t\tfmt.Fprintf(w, "${name} stored %d bytes\\n", n)
\t})
\tif err := http.ListenAndServe(":"+port, nil); err != nil {
\t\tfmt.Fprintln(os.Stderr, err)
\t\tos.Exit(1)
\t}
}
`;
}
