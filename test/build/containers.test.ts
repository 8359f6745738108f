/**
 * `slimgo build` output is proved by running it, as `slimgo init`'s is (test/init/containers.test.ts),
 * with the same fixture servers: each image is loaded into podman from the tarball, passes
 * `slimgo verify`, serves, runs as non-root, becomes healthy and stops on SIGTERM.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { copyModule, runSlimgo } from "../support/cli.js";
import { freePort, healthcheckRun, podman, runContainer, waitForHttp } from "../support/podman.js";
import { checkServerImage, SERVER_CASES, serverTestBed } from "../support/server-fixtures.js";
import { skipContainers } from "../support/tools.js";

describe("images built by `slimgo build`", { skip: skipContainers(), concurrency: 1 }, () => {
  const bed = serverTestBed();

  for (const c of SERVER_CASES) {
    test(`${c.name}: loads, serves, runs as non-root, is healthy and stops on SIGTERM`, async () => {
      const dir = await copyModule(c.name, c.from);
      bed.paths.push(dir);
      const tarball = join(dir, "..", `${dir.split("/").pop()}.tar`);
      bed.paths.push(tarball);
      // An image of its own (the label makes its ID differ): images.test.ts builds the same fixtures,
      // reproducibly, beside this file, and `podman rmi -f` of one image ID would remove the other's.
      const r = await runSlimgo(["build", c.main ? join(dir, c.main) : dir, "--tarball", tarball, "-t", "containers-test", "--label", "slimgo.test=containers", "--json", ...(c.buildArgs ?? [])], {
        env: { SOURCE_DATE_EPOCH: "1700000000" },
      });
      assert.equal(r.code, 0, r.stderr);
      const built = (JSON.parse(r.stdout) as { programs: { binary: string; healthcheck: string[] | null }[] }).programs[0]!;
      const probe = built.healthcheck?.[0] === "/usr/local/libexec/slimgo/healthcheck";
      assert.equal(probe ? "probe" : built.healthcheck ? "flag" : "none", c.healthcheck, `health check ${JSON.stringify(built.healthcheck)}`);

      const tag = `localhost/${built.binary}:containers-test`;
      bed.images.push(tag);
      await podman(["load", "-i", tarball]);
      const verified = await runSlimgo(["verify", `podman:${tag}`]);
      assert.equal(verified.code, 0, `the image fails slimgo verify:\n${verified.stdout}${verified.stderr}`);
      await checkServerImage(c, tag, bed.upstream());
    });
  }

  test("a server on localhost only: the warning is right, the published port answers nothing while the health check passes; on :PORT both work", async () => {
    const dir = await copyModule("cli-tool");
    bed.paths.push(dir);
    const program = (address: string) =>
      `package main\n\nimport (\n\t"log"\n\t"net/http"\n)\n\nfunc main() {\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })\n\tlog.Fatal(http.ListenAndServe("${address}", nil))\n}\n`;
    const tarball = `${dir}.tar`;
    bed.paths.push(tarball);
    const served = async (address: string, tag: string) => {
      await writeFile(join(dir, "main.go"), program(address));
      const r = await runSlimgo(["build", dir, "--tarball", tarball, "-t", tag], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const image = `localhost/wordcount:${tag}`;
      bed.images.push(image);
      await podman(["load", "-i", tarball]);
      const port = await freePort();
      const container = await runContainer({ image, ports: { 7171: port } });
      try {
        let health = await healthcheckRun(container.id);
        for (let i = 0; i < 50 && !health.healthy; i++) {
          await new Promise((r) => setTimeout(r, 200));
          health = await healthcheckRun(container.id);
        }
        const outside = await waitForHttp(`http://127.0.0.1:${port}/healthz`, 3_000).then((status) => String(status), (e: Error) => e.message);
        return { warning: r.stderr, healthy: health.healthy, outside };
      } finally {
        await container.remove();
      }
    };
    const local = await served("localhost:7171", "loopback");
    assert.match(local.warning, /warning: wordcount: main\.go:10: wordcount listens on localhost:7171, the container's own loopback/);
    assert.equal(local.healthy, true, "the probe runs inside, where localhost answers");
    assert.match(local.outside, /did not answer/, "the published port reaches nothing");
    const everywhere = await served(":7171", "every-interface");
    assert.doesNotMatch(everywhere.warning, /loopback/);
    assert.deepEqual([everywhere.healthy, everywhere.outside], [true, "204"]);
  });

  test("a server that reads a config file, templates and static files from disk: with --assets for each the image serves them and is healthy", async () => {
    const dir = await copyModule("cli-tool");
    bed.paths.push(dir);
    await writeFile(
      join(dir, "main.go"),
      `package main

import (
	"encoding/json"
	"html/template"
	"log"
	"net/http"
	"os"
)

func main() {
	raw, err := os.ReadFile("config.json")
	if err != nil {
		log.Fatal(err)
	}
	var cfg struct{ Title string }
	if err := json.Unmarshal(raw, &cfg); err != nil {
		log.Fatal(err)
	}
	tmpl := template.Must(template.ParseGlob("templates/*.html"))
	http.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("public"))))
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { tmpl.ExecuteTemplate(w, "index.html", cfg) })
	log.Fatal(http.ListenAndServe(":7272", nil))
}
`,
    );
    await writeFile(join(dir, "config.json"), '{"Title":"Shop from config"}\n');
    await mkdir(join(dir, "templates"));
    await writeFile(join(dir, "templates", "index.html"), "<h1>{{.Title}}</h1>\n");
    await mkdir(join(dir, "public"));
    await writeFile(join(dir, "public", "site.css"), "body { color: teal }\n");
    const tarball = `${dir}.tar`;
    bed.paths.push(tarball);

    const without = await runSlimgo(["build", dir, "--tarball", tarball, "-t", "no-assets"], { cwd: dir });
    assert.equal(without.code, 0, without.stderr);
    for (const path of ["config.json", "templates/\\*.html", "public"]) assert.match(without.stderr, new RegExp(`warning: wordcount: main\\.go:\\d+: ${path} is read at run time but is not in the image`));

    const r = await runSlimgo(["build", dir, "--tarball", tarball, "-t", "assets", "--assets", "config.json", "--assets", "templates", "--assets", "./public/"]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /is not in the image/);
    const image = "localhost/wordcount:assets";
    bed.images.push(image);
    await podman(["load", "-i", tarball]);
    const port = await freePort();
    const container = await runContainer({ image, ports: { 7272: port } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/healthz`), 200);
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "<h1>Shop from config</h1>\n");
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/static/site.css`)).text(), "body { color: teal }\n");
      // The server answers already: the check must pass at its first run.
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `HEALTHCHECK passes in the image: ${health.output}`);
    } finally {
      await container.remove();
    }
  });

  test("a server that reads PORT with no default: a warning without --env PORT, and with it the port is exposed, served and health-checked", async () => {
    const dir = await copyModule("cli-tool");
    bed.paths.push(dir);
    await writeFile(
      join(dir, "main.go"),
      'package main\n\nimport (\n\t"log"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tlog.Fatal("PORT must be set")\n\t}\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })\n\tlog.Fatal(http.ListenAndServe(":"+port, nil))\n}\n',
    );
    const tarball = `${dir}.tar`;
    bed.paths.push(tarball);
    const unset = await runSlimgo(["build", dir, "--tarball", tarball, "--json"], { cwd: dir });
    assert.equal(unset.code, 0, unset.stderr);
    assert.match(unset.stderr, /warning: wordcount: reads its port from PORT \(main\.go:10\), which has no default .*set it with --env PORT=8080/);
    assert.equal(JSON.parse(unset.stdout).programs[0].healthcheck, null);

    const r = await runSlimgo(["build", dir, "--env", "PORT=7070", "--tarball", tarball, "-t", "port-env", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /reads its port/);
    assert.deepEqual(JSON.parse(r.stdout).programs[0].healthcheck, ["/usr/local/libexec/slimgo/healthcheck", "127.0.0.1:7070", "/healthz", "PORT"]);
    const tag = "localhost/wordcount:port-env";
    bed.images.push(tag);
    await podman(["load", "-i", tarball]);
    const config = JSON.parse((await podman(["image", "inspect", tag])).stdout)[0].Config;
    assert.deepEqual(Object.keys(config.ExposedPorts ?? {}), ["7070/tcp"]);
    const port = await freePort();
    const container = await runContainer({ image: tag, ports: { 7070: port } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/healthz`), 204, await container.logs());
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `the health check passes: ${health.output}`);
    } finally {
      await container.remove();
    }
  });

  test("a program called healthcheck: its binary and the health probe are two files, the image serves and its health check passes", async () => {
    const dir = await copyModule("root-main");
    bed.paths.push(dir);
    await mkdir(join(dir, "cmd/healthcheck"), { recursive: true });
    await rename(join(dir, "main.go"), join(dir, "cmd/healthcheck/main.go"));
    const tarball = `${dir}.tar`;
    bed.paths.push(tarball);
    const r = await runSlimgo(["build", join(dir, "cmd/healthcheck"), "--tarball", tarball, "-t", "probe-name", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const probe = JSON.parse(r.stdout).programs[0].healthcheck[0];
    const tag = "localhost/healthcheck:probe-name";
    bed.images.push(tag);
    await podman(["load", "-i", tarball]);
    const port = await freePort();
    const container = await runContainer({ image: tag, ports: { 8080: port } });
    try {
      assert.equal(await waitForHttp(`http://127.0.0.1:${port}/`), 200, await container.logs());
      const health = await healthcheckRun(container.id);
      assert.ok(health.healthy, `the health check passes: ${health.output}\n${await container.logs()}`);
    } finally {
      await container.remove();
    }
    assert.notEqual(probe, "/usr/local/bin/healthcheck", "the probe is not where the program is");
  });
});
