import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { skipContainers } from "../support/tools.js";
import {
  ULIMIT_FLAGS,
  freePort,
  healthcheckRun,
  inspectImage,
  podman,
  podmanBuild,
  removeImages,
  removeStartedContainers,
  runContainer,
  waitForHttp,
} from "../support/podman.js";
import { STAND_IN_LABEL, STAND_IN_NAMES, ensureStandInImages } from "../support/standins.js";

// A service that reports its uid, answers its own HEALTHCHECK, shuts down cleanly on SIGTERM,
// and with `tz` loads a zone through ZONEINFO.
const MAIN_GO = `package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := "127.0.0.1:" + os.Getenv("PORT")
	if len(os.Args) > 1 && os.Args[1] == "tz" {
		loc, err := time.LoadLocation("Europe/Madrid")
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(loc, time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC).In(loc).Format("-0700"))
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "health" {
		res, err := http.Get("http://" + addr + "/")
		if err != nil || res.StatusCode != http.StatusOK {
			os.Exit(1)
		}
		return
	}
	srv := &http.Server{Addr: addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "uid=%d", os.Getuid())
	})}
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM)
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		fmt.Println(err)
		os.Exit(1)
	}
}
`;

// Multi-stage, the shape slimgo generates: official builder name, cache mounts, scratch runtime.
const DOCKERFILE = `FROM golang:1.19-alpine AS build
WORKDIR /src
COPY go.mod ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .

FROM scratch
COPY --from=build /usr/local/go/lib/time/zoneinfo.zip /zoneinfo.zip
COPY --from=build /out/app /app
ENV ZONEINFO=/zoneinfo.zip
USER 65532:65532
HEALTHCHECK --interval=30s CMD ["/app", "health"]
ENTRYPOINT ["/app"]
`;

describe("stand-in base images", { skip: skipContainers() }, () => {
  const tag = `localhost/slimgo-testbed-goapp:${process.pid}`;
  let context = "";

  before(async () => {
    await ensureStandInImages();
    context = mkdtempSync(join(tmpdir(), "slimgo-testbed-goapp-"));
    writeFileSync(join(context, "go.mod"), "module example.com/testbedapp\n\ngo 1.19\n");
    writeFileSync(join(context, "main.go"), MAIN_GO);
    writeFileSync(join(context, "Dockerfile"), DOCKERFILE);
  });

  after(async () => {
    await removeStartedContainers();
    await removeImages(tag);
    if (context) rmSync(context, { recursive: true, force: true });
  });

  test("every official name is a local image labelled as a stand-in", async () => {
    for (const name of Object.values(STAND_IN_NAMES).flat()) {
      const image = await inspectImage(name);
      assert.equal(image.Labels?.[STAND_IN_LABEL], "true", name);
    }
  });

  test("distroless stand-ins: /home/nonroot belongs to 65532 and is reachable, /tmp is 1777, no shell", async () => {
    const image = "gcr.io/distroless/static-debian12:nonroot";
    const config = await inspectImage(image);
    assert.equal(config.Config?.User, "65532");
    const mountpoint = (await podman(["image", "mount", image])).stdout.trim();
    try {
      const mode = (p: string) => (statSync(join(mountpoint, p)).mode & 0o7777).toString(8);
      assert.equal(mode("home"), "755");
      assert.equal(mode("home/nonroot"), "700");
      assert.equal(statSync(join(mountpoint, "home/nonroot")).uid, 65532);
      assert.equal(mode("tmp"), "1777");
      assert.equal(existsSync(join(mountpoint, "bin/sh")), false);
      assert.match(readFileSync(join(mountpoint, "etc/passwd"), "utf8"), /^nonroot:x:65532:65532:/m);
    } finally {
      await podman(["image", "unmount", image], { allowFailure: true });
    }
  });

  test("a second process finds every stand-in current without rebuilding", async () => {
    const module = fileURLToPath(new URL("../support/standins.js", import.meta.url));
    const script = `const { ensureStandInImages } = await import(${JSON.stringify(module)}); console.log(JSON.stringify(await ensureStandInImages()));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    const report = JSON.parse(out) as { built: unknown[]; seconds: number };
    assert.deepEqual(report.built, []);
    assert.ok(report.seconds < 10, `warm ensure took ${report.seconds} s`);
  });

  test("the Go builder stand-in builds a multi-stage Dockerfile; the binary serves from scratch as 65532", async () => {
    await podmanBuild({ context, tag, noCache: true, format: "docker" });
    const port = await freePort();
    const app = await runContainer({ image: tag, env: { PORT: String(port) } });
    await waitForHttp(`http://127.0.0.1:${port}/`, 15_000);
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    assert.equal(body, "uid=65532");

    const health = await healthcheckRun(app.id);
    assert.ok(health.healthy, `healthcheck failed: ${health.output}`);

    const stopped = await app.stop(10);
    assert.equal(stopped.exitCode, 0, await app.logs());
    assert.ok(stopped.ms < 5_000, `stop took ${stopped.ms} ms`);
    await app.remove();
  });

  test("Go's zoneinfo.zip copied from the builder lets a scratch binary load Europe/Madrid", async () => {
    const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, "--network", "host", tag, "tz"]);
    assert.equal(run.stdout.trim(), "Europe/Madrid +0200");
  });

  test("the alpine stand-in 'installs' preinstalled packages and refuses others", async () => {
    const ok = await podman([
      "run", "--rm", ...ULIMIT_FLAGS, "docker.io/library/alpine:3.20", "sh", "-c",
      "apk add --no-cache ca-certificates tzdata && TZ=Europe/Madrid date -d @0 +%z && test -s /etc/ssl/certs/ca-certificates.crt",
    ]);
    assert.equal(ok.stdout.trim(), "+0100");
    const refused = await podman(
      ["run", "--rm", ...ULIMIT_FLAGS, "docker.io/library/alpine:3.20", "apk", "add", "--no-cache", "git"],
      { allowFailure: true },
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /cannot install git/);
  });

  test("the bookworm builder builds cgo (dynamic and static); distroless base runs it, static does not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slimgo-testbed-cgo-"));
    const onBase = `localhost/slimgo-testbed-cgo-base:${process.pid}`;
    const onStatic = `localhost/slimgo-testbed-cgo-static:${process.pid}`;
    try {
      writeFileSync(join(dir, "go.mod"), "module example.com/cgoapp\n\ngo 1.19\n");
      writeFileSync(
        join(dir, "main.go"),
        `package main\n\n// #include <stdlib.h>\nimport "C"\nimport "fmt"\n\nfunc main() { fmt.Println("abs", C.abs(-7)) }\n`,
      );
      writeFileSync(
        join(dir, "Dockerfile"),
        `ARG BASE
FROM golang:1.19-bookworm AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=1 go build -o /out/dynamic . && \\
    CGO_ENABLED=1 go build -ldflags "-linkmode external -extldflags -static" -o /out/static .
FROM \${BASE}
COPY --from=build /out/ /
ENTRYPOINT ["/dynamic"]
`,
      );
      await podmanBuild({ context: dir, tag: onBase, buildArgs: { BASE: "gcr.io/distroless/base-debian12:nonroot" } });
      const dynamic = await podman(["run", "--rm", ...ULIMIT_FLAGS, onBase]);
      assert.equal(dynamic.stdout.trim(), "abs 7");

      await podmanBuild({ context: dir, tag: onStatic, buildArgs: { BASE: "gcr.io/distroless/static-debian12:nonroot" } });
      const noLoader = await podman(["run", "--rm", ...ULIMIT_FLAGS, onStatic], { allowFailure: true });
      assert.notEqual(noLoader.code, 0);
      const linkedStatically = await podman(["run", "--rm", ...ULIMIT_FLAGS, "--entrypoint", "/static", onStatic]);
      assert.equal(linkedStatically.stdout.trim(), "abs 7");
    } finally {
      await removeImages(onBase, onStatic);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("like the real golang:alpine, the alpine builder has no gcc and a default net/http build does not run in scratch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slimgo-testbed-nocgo-"));
    const image = `localhost/slimgo-testbed-nocgo:${process.pid}`;
    try {
      writeFileSync(join(dir, "go.mod"), "module example.com/nocgo\n\ngo 1.19\n");
      writeFileSync(
        join(dir, "main.go"),
        `package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc main() { fmt.Println(http.StatusOK) }\n`,
      );
      writeFileSync(
        join(dir, "Dockerfile"),
        `FROM golang:1.19-alpine AS build
WORKDIR /src
COPY . .
RUN ! command -v gcc && go build -o /out/app .
FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
`,
      );
      await podmanBuild({ context: dir, tag: image });
      const run = await podman(["run", "--rm", ...ULIMIT_FLAGS, image], { allowFailure: true });
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /no such file or directory/);
    } finally {
      await removeImages(image);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
