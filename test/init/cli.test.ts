import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { moduleCopies, runSlimgo } from "../support/cli.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const fixture = moduleCopies();

test("init writes Dockerfile and .dockerignore, prints each decision with its evidence", async () => {
  const dir = await fixture("zoneinfo");
  const r = await runSlimgo(["init", dir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /zoneinfo\s+Go's zoneinfo\.zip copied, ZONEINFO set: the program loads time zones \(main\.go:\d+\)/);
  assert.match(r.stdout, /^Wrote .*Dockerfile and .*\.dockerignore$/m);
  assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /^ENTRYPOINT \["\/usr\/local\/bin\/zoneinfo"\]$/m);
  assert.match(await readFile(join(dir, ".dockerignore"), "utf8"), /^\.env$/m);

  const again = await runSlimgo(["init", dir], { cwd: dir });
  assert.equal(again.code, 0, "re-running on unchanged files is not an error");
  assert.match(again.stdout, /^Unchanged: /m);
});

test("a vendored dependency's https calls and time.LoadLocation give the image CA certificates and zoneinfo, and init names the dependency's lines", async () => {
  const dir = await fixture("dependency-needs");
  const r = await runSlimgo(["init", "--engine", "scanner", dir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s+CA certificates\s+copied from the builder: the program makes outbound TLS calls \(vendor\/example\.com\/worldclock\/worldclock\.go:14, vendor\/example\.com\/worldclock\/worldclock\.go:31, /m);
  assert.match(r.stdout, /^\s+zoneinfo\s+Go's zoneinfo\.zip copied, ZONEINFO set: the program loads time zones \(vendor\/example\.com\/worldclock\/zones\/zones\.go:8\)$/m);
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  assert.match(dockerfile, /^COPY --from=build \/etc\/ssl\/certs\/ca-certificates\.crt \/etc\/ssl\/certs\/$/m);
  assert.match(dockerfile, /^ENV ZONEINFO=\/zoneinfo\.zip$/m);

  const json = await runSlimgo(["init", "--json", "--dry-run", dir], { cwd: dir });
  const decisions = (JSON.parse(json.stdout) as { decisions: { topic: string; evidence: { file: string; line: number; text?: string }[] }[] }).decisions;
  assert.deepEqual(decisions.find((d) => d.topic === "zoneinfo")?.evidence, [{ file: "vendor/example.com/worldclock/zones/zones.go", line: 8, text: "return time.LoadLocation(name)" }]);
});

test("a Cobra program's serve subcommand is the CMD, with its Use line in cmd/ as the evidence", async () => {
  const dir = await fixture("cobra-serve");
  const r = await runSlimgo(["init", dir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s+command\s+CMD \["serve"\]: the server runs under this subcommand; without it the program would print its usage and exit \(cmd\/serve\.go:9\)$/m);
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  assert.match(dockerfile, /^ENTRYPOINT \["\/usr\/local\/bin\/cobraserve"\]\nCMD \["serve"\]$/m);
});

test("init keeps a .dockerignore the project has: its lines first, then the secrets it let through and the embedded dist/ it dropped; a second init changes nothing", async () => {
  const dir = await fixture("embed");
  const own = ".git\ndist/\nnode_modules\n";
  await writeFile(join(dir, ".dockerignore"), own);
  const r = await runSlimgo(["init", dir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s+context\s+\.dockerignore kept, with \.env, \.env\.\*, \.netrc, \*\.pem, \*\.key, secrets\/ added: the existing file let them into the build context$/m);
  assert.match(r.stdout, /^\s+context\s+\.dockerignore keeps dist in: \/\/go:embed dist embeds it.*\(main\.go:21\)$/m);
  const merged = await readFile(join(dir, ".dockerignore"), "utf8");
  assert.ok(merged.startsWith(own), merged);
  assert.match(merged, /^\.env$/m);
  assert.match(merged, /^\.netrc$/m);
  assert.match(merged, /\n!dist\n$/);

  const again = await runSlimgo(["init", "--force", dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await readFile(join(dir, ".dockerignore"), "utf8"), merged);
  assert.doesNotMatch(again.stdout, /\.dockerignore kept/);
});

test("init adds the recipe's lines to a .containerignore the project has (podman reads it instead of .dockerignore), and a second init changes nothing", async () => {
  const dir = await fixture("embed");
  const own = "# podman\ndist/\n";
  await writeFile(join(dir, ".containerignore"), own);
  const r = await runSlimgo(["init", "--no-compose", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s+context\s+\.containerignore kept, with \.git, \.env, \.env\.\*, \.netrc, \*\.pem, \*\.key, secrets\/, !dist added: podman and buildah read it instead of \.dockerignore/m);
  assert.match(r.stdout, /^Wrote .*Dockerfile, .*\.dockerignore, .*\.containerignore$/m);
  const merged = await readFile(join(dir, ".containerignore"), "utf8");
  assert.ok(merged.startsWith(own), merged);
  assert.match(merged, /^\.env$/m);
  assert.match(merged, /\n!dist\n$/);
  assert.match(await readFile(join(dir, ".dockerignore"), "utf8"), /^!dist$/m, "the .dockerignore for docker builds is written too");

  const again = await runSlimgo(["init", "--no-compose", dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await readFile(join(dir, ".containerignore"), "utf8"), merged);
  assert.doesNotMatch(again.stdout, /\.containerignore kept/);
  assert.match(again.stdout, /^Unchanged: /m);
});

test("init refuses to overwrite a different Dockerfile, and writes nothing at all then", async () => {
  const dir = await fixture("root-main");
  await writeFile(join(dir, "Dockerfile"), "FROM golang\n");
  const r = await runSlimgo(["init", dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^slimgo: .*Dockerfile already exists: pass --force to overwrite, or --diff to compare\n$/);
  assert.equal(await readFile(join(dir, "Dockerfile"), "utf8"), "FROM golang\n");
  assert.ok(!(await readdir(dir)).includes(".dockerignore"), ".dockerignore must not be written alone");

  const diff = await runSlimgo(["init", "--diff", dir]);
  assert.equal(diff.code, 1, "--diff exits 1 when the files differ, as diff does");
  assert.match(diff.stdout, /^-FROM golang$/m);
  assert.match(diff.stdout, /^\+FROM scratch AS runtime$/m);

  const forced = await runSlimgo(["init", "--force", dir]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(await readFile(join(dir, "Dockerfile"), "utf8"), /^FROM scratch AS runtime$/m);
});

test("init --diff exits 1 while the files on disk differ from what init writes and 0 once they match, so CI can check they are current", async () => {
  const dir = await fixture("postgres-service");
  const missing = await runSlimgo(["init", "--diff", dir]);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stdout, /^\+\+\+ b\/Dockerfile$/m, "a file not there yet is a difference");
  const missingJson = await runSlimgo(["init", "--diff", "--json", dir]);
  assert.equal(missingJson.code, 1, missingJson.stderr);
  assert.ok((JSON.parse(missingJson.stdout) as { files: { changed: boolean }[] }).files.every((f) => f.changed));

  const written = await runSlimgo(["init", dir]);
  assert.equal(written.code, 0, written.stderr);
  const current = await runSlimgo(["init", "--diff", dir]);
  assert.equal(current.code, 0, current.stdout + current.stderr);
  assert.equal(current.stdout, "");
  assert.match(current.stderr, /already match/);
  const currentJson = await runSlimgo(["init", "--diff", "--json", dir]);
  assert.equal(currentJson.code, 0, currentJson.stderr);
  assert.ok((JSON.parse(currentJson.stdout) as { files: { changed: boolean }[] }).files.every((f) => !f.changed));

  await writeFile(join(dir, "Dockerfile"), (await readFile(join(dir, "Dockerfile"), "utf8")).replace("USER 65532:65532", "USER root"));
  const edited = await runSlimgo(["init", "--diff", dir]);
  assert.equal(edited.code, 1);
  assert.match(edited.stdout, /^-USER root$/m);
});

test("--ci on a project whose Dockerfile was edited writes the pipeline and keeps the Dockerfile, saying so; --force or a Dockerfile option replaces it", async () => {
  const dir = await fixture("root-main");
  assert.equal((await runSlimgo(["init", dir])).code, 0);
  const edited = `${await readFile(join(dir, "Dockerfile"), "utf8")}# our own change\n`;
  await writeFile(join(dir, "Dockerfile"), edited);

  const dry = await runSlimgo(["init", "--ci", "github", "--json", "--dry-run", dir]);
  const files = JSON.parse(dry.stdout).files as { name: string; kept?: boolean }[];
  assert.deepEqual(files.filter((f) => f.kept).map((f) => f.name), ["Dockerfile"]);

  const r = await runSlimgo(["init", "--ci", "github", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Kept \S*Dockerfile as it is: it differs from what init would write \(--diff shows how, --force replaces it\)$/m);
  assert.match(r.stdout, /^Wrote \S*\.github\/workflows\/image\.yml$/m);
  assert.equal(await readFile(join(dir, "Dockerfile"), "utf8"), edited);
  assert.match(await readFile(join(dir, ".github/workflows/image.yml"), "utf8"), /docker\/build-push-action/);

  const reshaped = await runSlimgo(["init", "--ci", "github", "--runtime", "distroless", dir]);
  assert.equal(reshaped.code, 2, "--runtime asks for a new Dockerfile");
  assert.match(reshaped.stderr, /Dockerfile already exists: pass --force to overwrite/);
  assert.equal(await readFile(join(dir, "Dockerfile"), "utf8"), edited);

  const forced = await runSlimgo(["init", "--ci", "github", "--force", dir]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.doesNotMatch(await readFile(join(dir, "Dockerfile"), "utf8"), /our own change/);
});

test("--dry-run and --stdout write nothing; --json is one parseable document", async () => {
  const dir = await fixture("tempfiles");
  const dry = await runSlimgo(["init", "--dry-run", dir]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /--- Dockerfile \(not written: --dry-run\)/);
  const stdout = await runSlimgo(["init", "--stdout", dir]);
  assert.match(stdout.stdout, /^# syntax=docker\/dockerfile:1\n/);
  assert.match(stdout.stdout, /^COPY --from=build \/rootfs\/ \/$/m);
  const json = await runSlimgo(["init", "--json", "--dry-run", dir]);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.written, false);
  assert.equal(doc.module, "example.com/tempfiles");
  const tmp = doc.decisions.find((d: { topic: string }) => d.topic === "/tmp");
  assert.ok(tmp.evidence.length > 0 && tmp.evidence[0].file === "main.go", JSON.stringify(tmp));
  assert.deepEqual((await readdir(dir)).filter((f) => /Dockerfile|dockerignore/.test(f)), []);
});

test("a malformed go.mod is a one-line error naming file and line, exit 2, nothing written", async () => {
  const dir = await fixture("malformed-gomod");
  const r = await runSlimgo(["init", dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^slimgo: .*go\.mod:\d+: .+\n$/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.deepEqual((await readdir(dir)).filter((f) => /Dockerfile|dockerignore/.test(f)), []);
});

test("a directory without go.mod, bad flags and an ambiguous main package are usage errors (exit 2)", async () => {
  const empty = await mkdtemp(join(tmpdir(), "slimgo-empty-"));
  dirs.push(empty);
  const none = await runSlimgo(["init", empty]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no go\.mod/);

  const badRuntime = await runSlimgo(["init", "--runtime", "ubuntu", empty]);
  assert.equal(badRuntime.code, 2);
  assert.match(badRuntime.stderr, /must be one of scratch, distroless, alpine, debian/);

  const unknown = await runSlimgo(["init", "--frobnicate"]);
  assert.equal(unknown.code, 2);

  const multi = await fixture("multi-cmd");
  const ambiguous = await runSlimgo(["init", multi]);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /pass --main \.\/cmd\/NAME/);
  const picked = await runSlimgo(["init", "--dry-run", "--main", "./cmd/worker", multi]);
  assert.equal(picked.code, 0, picked.stderr);
  assert.match(picked.stdout, /-o \/out\/worker \.\/cmd\/worker/);
});

test("a main in slimgo.yaml that is not a main package is named by the file, line and key, not as a --main that was never given", async () => {
  const dir = await fixture("multi-cmd");
  await writeFile(join(dir, "slimgo.yaml"), "# the service\nmain: ./internal/upstream\n");
  const r = await runSlimgo(["init", "--dry-run"], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^slimgo: slimgo\.yaml:2: main: \.\/internal\/upstream: not a main package of example\.com\/multi; choose one of \.\/cmd\/api, \.\/cmd\/worker$/m);
  const flag = await runSlimgo(["init", "--dry-run", "--main", "./internal/upstream"], { cwd: dir });
  assert.match(flag.stderr, /^slimgo: --main \.\/internal\/upstream: not a main package/m, "the flag, when it is the flag");
});

test("init settings from slimgo.yaml are named by its line and key in the decisions and errors, not as flags nobody gave", async () => {
  const dir = await fixture("root-main");
  await writeFile(join(dir, "slimgo.yaml"), "init:\n  port: 9090\n  runtime: distroless\n");
  const r = await runSlimgo(["init", "--dry-run"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^  runtime +gcr\.io\/distroless\/static-debian12:nonroot: slimgo\.yaml:3: init\.runtime: distroless$/m);
  assert.match(r.stdout, /^  port +EXPOSE 9090, ENV PORT=9090: slimgo\.yaml:2: init\.port; the program reads its port from PORT/m);
  const flags = await runSlimgo(["init", "--dry-run", "--port", "9091", "--runtime", "debian"], { cwd: dir });
  assert.match(flags.stdout, /^  runtime +debian:bookworm-slim: --runtime debian$/m);
  assert.match(flags.stdout, /^  port +EXPOSE 9091, ENV PORT=9091: --port; /m);

  const cgo = await fixture("cgo");
  await writeFile(join(cgo, "slimgo.yaml"), "init:\n  runtime: scratch\n");
  const refused = await runSlimgo(["init", "--dry-run"], { cwd: cgo });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /^slimgo: main\.go:\d+: cgosum needs cgo, which links glibc; slimgo\.yaml:2: init\.runtime: scratch cannot run it: use runtime: distroless or debian$/m);
});

test("without a Go toolchain the scanner gives the same Dockerfile and says so", async () => {
  const dir = await fixture("multi-cmd");
  const withGo = await runSlimgo(["init", "--stdout", "--main", "./cmd/api", dir]);
  const noGo = await runSlimgo(["init", "--main", "./cmd/api", "--dry-run", dir], { env: { PATH: "/nonexistent" } });
  assert.equal(noGo.code, 0, noGo.stderr);
  assert.match(noGo.stdout, /analysed with slimgo's Go scanner/);
  const scannerDockerfile = noGo.stdout.split("--- Dockerfile (not written: --dry-run)\n")[1]!.split("\n--- .dockerignore")[0]!;
  assert.equal(scannerDockerfile.trim(), withGo.stdout.trim());
});

test("slimgo --version prints the package's version; after build it is the image's version", async () => {
  const pkg = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
  for (const flag of ["--version", "-V"]) {
    const r = await runSlimgo([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  }
  const build = await runSlimgo(["build", "--help"]);
  assert.match(build.stdout, /--version <v>\s+version for -X main.version/);
});

test("--help teaches: examples and exit codes; colours never with NO_COLOR", async () => {
  const top = await runSlimgo(["--help"]);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /Exit codes: 0 success, 1 a finding or a failed check, 2 bad usage/);
  const init = await runSlimgo(["init", "--help"]);
  assert.match(init.stdout, /Examples:\n\s+slimgo init /);
  const dir = await fixture("root-main");
  const plain = await runSlimgo(["init", "--dry-run", dir], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
  assert.doesNotMatch(plain.stdout, /\u001b\[/, "NO_COLOR disables colour, FORCE_COLOR notwithstanding");
  const colored = await runSlimgo(["init", "--dry-run", dir], { env: { FORCE_COLOR: "1", NO_COLOR: "" } });
  assert.match(colored.stdout, /\u001b\[/, "an empty NO_COLOR is as if unset (no-color.org)");
});

test("a module requiring a private module: the settings become ARGs, the download mounts the netrc secret, compose passes it", async () => {
  const dir = await fixture("private-module");
  // GOENV=off: only these settings, not the ones of whoever runs the tests.
  const env = { GOENV: "off", GOPRIVATE: "example.test/private", GOPROXY: "https://ci-bot:tok3n@goproxy.acme.internal,direct" };
  const dry = await runSlimgo(["init", "--dry-run", "--compose", dir], { env, cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^\s+module fetch\s+ARG GOPRIVATE=example\.test\/private: example\.test\/private\/lib matches example\.test\/private \(the GOPRIVATE environment variable\).* \(go\.mod:5\)$/m);
  assert.match(dry.stdout, /^\s+module fetch\s+ARG GOPROXY=https:\/\/goproxy\.acme\.internal,direct: .*user:password in its URL was removed/m);
  assert.doesNotMatch(dry.stdout + dry.stderr, /tok3n/, "the token is never printed");

  const r = await runSlimgo(["init", "--compose", dir], { env, cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  assert.match(dockerfile, /^ARG GOPROXY=https:\/\/goproxy\.acme\.internal,direct\nARG GOPRIVATE=example\.test\/private$/m);
  assert.match(dockerfile, /^RUN --mount=type=cache,target=\/go\/pkg\/mod \\\n    --mount=type=secret,id=netrc,target=\/root\/\.netrc \\$/m);
  assert.match(dockerfile, /^RUN apk add --no-cache git$/m, "GOPRIVATE modules are cloned, not proxied");
  assert.doesNotMatch(dockerfile, /tok3n|ci-bot/);
  const compose = parseYaml(await readFile(join(dir, "compose.yaml"), "utf8"));
  assert.deepEqual(compose.services.privateapp.build.secrets, ["netrc"]);
  assert.deepEqual(compose.secrets, { netrc: { file: "~/.netrc" } });
  assert.match(await readFile(join(dir, ".dockerignore"), "utf8"), /^\.netrc$/m);
});

test("settings that name none of the module's requirements change nothing", async () => {
  const dir = await fixture("private-module");
  const r = await runSlimgo(["init", "--compose", dir], { env: { GOENV: "off", GOPRIVATE: "github.com/acme/*" } });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /module fetch/);
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  assert.match(dockerfile, /go mod download/);
  assert.doesNotMatch(dockerfile, /ARG GO(PROXY|PRIVATE)|type=secret|netrc/);
  assert.doesNotMatch(await readFile(join(dir, "compose.yaml"), "utf8"), /secrets|netrc/);
});

test("files the program reads at run time are copied into its WORKDIR, build output it reads is taken back into the context, a secret is left out with a warning", async () => {
  const dir = await mkdtemp(join(tmpdir(), "slimgo-init-data-"));
  dirs.push(dir);
  const files: Record<string, string> = {
    "go.mod": "module example.com/site\n\ngo 1.19\n",
    "main.go": [
      "package main",
      "",
      'import (\n\t"html/template"\n\t"net/http"\n\t"os"\n)',
      "",
      "func main() {",
      '\tcfg, _ := os.ReadFile("config.json")',
      '\t_, _ = os.ReadFile(".env")',
      '\ttpl := template.Must(template.ParseGlob("templates/*.html"))',
      '\thttp.Handle("/", http.FileServer(http.Dir("dist")))',
      "\t_, _ = cfg, tpl",
      '\t_ = http.ListenAndServe(":8080", nil)',
      "}",
      "",
    ].join("\n"),
    "config.json": "{}\n",
    ".env": "TOKEN=local\n",
    "templates/index.html": "<p>hi</p>\n",
    "dist/app.js": "console.log(1)\n",
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const r = await runSlimgo(["init", dir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  const runtime = dockerfile.slice(dockerfile.indexOf("FROM scratch"));
  assert.match(runtime, /^WORKDIR \/app\nCOPY config\.json \.\/config\.json\nCOPY templates\/ \.\/templates\/\nCOPY dist\/ \.\/dist\/$/m);
  assert.doesNotMatch(runtime, /^COPY \.env/m);
  assert.match(runtime, /^# \.env is read at run time, not embedded, and not copied: it looks like it holds a secret/m);
  assert.match(r.stderr, /main\.go:11: site reads \.env from disk at run time, not embedded, and the image does not have it: it looks like it holds a secret, which never goes into an image: mount it at run time/);
  assert.match(r.stdout, /^\s+data\s+COPY templates\/ to \/app\/templates: the program reads templates\/\*\.html from disk at run time.*\(main\.go:12\)$/m);
  const ignore = (await readFile(join(dir, ".dockerignore"), "utf8")).split("\n");
  assert.ok(ignore.includes("dist/") && ignore.at(ignore.indexOf("!dist")) === "!dist" && ignore.indexOf("!dist") > ignore.indexOf("dist/"), ignore.join("\n"));
  assert.ok(ignore.includes(".env"), "the secret stays out of the context");
  assert.match(r.stdout, /^\s+context\s+\.dockerignore keeps dist in: the image has it: the program reads dist at run time.*\(main\.go:13\)$/m);

  const lint = await runSlimgo(["lint", join(dir, "Dockerfile")]);
  assert.deepEqual(
    lint.stdout.split("\n").filter((l) => /\b(error|warning)\b/.test(l) && !/\d+ problems?/.test(l)).map((l) => l.replace(/^.*(SG\d+).*reads (\S+) .*$/, "$1 $2")),
    ["SG122 .env"],
    `lint agrees: only the secret is missing from the image\n${lint.stdout}`,
  );
});

test("a metrics server beside the service: both ports are exposed and published, and the probe goes to the one that serves the health route, also when --healthcheck names it; a path without / is refused", async () => {
  const dir = await mkdtemp(join(tmpdir(), "slimgo-metrics-"));
  dirs.push(dir);
  await writeFile(join(dir, "go.mod"), "module example.com/mx\n\ngo 1.19\n");
  await writeFile(
    join(dir, "main.go"),
    'package main\n\nimport (\n\t"log"\n\t"net/http"\n)\n\nfunc main() {\n\tmetrics := http.NewServeMux()\n\tmetrics.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {})\n\tgo func() { log.Fatal(http.ListenAndServe(":9090", metrics)) }()\n\tgo func() { log.Fatal(http.ListenAndServe("localhost:6060", nil)) }()\n\n\tapp := http.NewServeMux()\n\tapp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})\n\tlog.Fatal(http.ListenAndServe(":8080", app))\n}\n',
  );
  const r = await runSlimgo(["init", dir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s+port\s+EXPOSE 8080 too: the program listens there as well \(main\.go:16\)$/m);
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  assert.match(dockerfile, /^EXPOSE 9090 8080$/m, "not the pprof port on loopback");
  assert.match(dockerfile, /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8080", "\/healthz"\]$/m);
  const compose = parseYaml(await readFile(join(dir, "compose.yaml"), "utf8")) as { services: Record<string, { ports?: string[] }> };
  assert.deepEqual(compose.services.mx?.ports, ["127.0.0.1:9090:9090", "127.0.0.1:8080:8080"]);
  const lint = await runSlimgo(["lint", join(dir, "Dockerfile")]);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);

  const named = await runSlimgo(["init", "--healthcheck", "/healthz", "--stdout", dir], { cwd: dir });
  assert.match(named.stdout, /CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8080", "\/healthz"\]$/m, "a path the user names is probed where its route is served");
  const bare = await runSlimgo(["init", "--healthcheck", "healthz", "--force", dir], { cwd: dir });
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /--healthcheck healthz: expected a path starting with "\/" and without spaces \(e\.g\. \/healthz\)$/m);
});

test("files the builders read instead: Dockerfile.dockerignore gets the recipe's lines, a Containerfile is warned about, and a docker-compose.yml is not hidden by a new compose.yaml", async () => {
  const dir = await fixture("root-main");
  await writeFile(join(dir, "Dockerfile.dockerignore"), "*.md\n");
  await writeFile(join(dir, "Containerfile"), "FROM scratch\n");
  await writeFile(join(dir, "docker-compose.yml"), "services: {}\n");
  const r = await runSlimgo(["init", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s+context\s+Dockerfile\.dockerignore kept, with \.git, .*added: BuildKit reads it instead of \.dockerignore/m);
  assert.match(await readFile(join(dir, "Dockerfile.dockerignore"), "utf8"), /^\*\.md\n\n# Added by slimgo init.*\n\.git\n/);
  assert.match(r.stderr, /Containerfile: podman and buildah build the Containerfile, not the Dockerfile slimgo writes beside it/);
  assert.match(r.stdout, /^\s+compose\s+compose\.yaml not written: the project has docker-compose\.yml/m);
  assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith("compose")), []);
  const lint = await runSlimgo(["lint", join(dir, "Dockerfile")]);
  assert.doesNotMatch(lint.stdout, /SG112/, "lint reads Dockerfile.dockerignore too, and finds it complete");

  assert.equal((await runSlimgo(["init", "--compose", "--force", dir])).code, 0);
  assert.ok((await readdir(dir)).includes("compose.yaml"), "--compose writes it anyway");
});

test("run inside a main package's directory, init plans that program; --main is read from the module root, then from the current directory, or as an import path", async () => {
  const dir = await fixture("multi-cmd");
  const first = (r: { stdout: string }) => r.stdout.split("\n")[0] ?? "";
  const inside = await runSlimgo(["init", "--dry-run"], { cwd: join(dir, "cmd", "worker") });
  assert.match(first(inside), /\(\.\/cmd\/worker → worker\)/, inside.stderr);
  const dot = await runSlimgo(["init", "--dry-run", "--main", "."], { cwd: join(dir, "cmd", "api") });
  assert.match(first(dot), /\(\.\/cmd\/api → api\)/, dot.stderr);
  const sibling = await runSlimgo(["init", "--dry-run", "--main", "../worker"], { cwd: join(dir, "cmd", "api") });
  assert.match(first(sibling), /\(\.\/cmd\/worker → worker\)/, sibling.stderr);
  const byImport = await runSlimgo(["init", "--dry-run", "--main", "example.com/multi/cmd/worker", dir]);
  assert.match(first(byImport), /\(\.\/cmd\/worker → worker\)/, byImport.stderr);
  const fromRoot = await runSlimgo(["init", "--dry-run", "--main", "./cmd/api", join(dir, "cmd", "worker")]);
  assert.match(first(fromRoot), /\(\.\/cmd\/api → api\)/, "--main names the program, whichever directory init was given");
});

test("a root main beside cmd/api and cmd/worker: init builds the root and says which others there are and how to build them", async () => {
  const dir = await fixture("multi-cmd");
  await writeFile(join(dir, "main.go"), 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("multi")\n}\n');
  const r = await runSlimgo(["init", "--dry-run", dir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.split("\n")[0] ?? "", /\(\. → multi\)/);
  assert.match(r.stdout, /^ {2}program +\.: the module root is a main package; \.\/cmd\/api and \.\/cmd\/worker are main packages too: --main \.\/cmd\/api builds one of them instead, --all one target each \(main\.go:5\)$/m);
});

test("a go.mod newer than the go here (toolchain line, go 1.22.0): the warning says the local go is too old to read it, and the image's builder still follows go.mod", async () => {
  const dir = await fixture("toolchain-line");
  const r = await runSlimgo(["init", "--dry-run", dir], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^warning: go list failed \(.*unknown directive: toolchain\): used slimgo's scanner of Go source instead; the go command here is older than Go 1\.21, the first to read toolchain lines and go lines like 1\.22\.0: the Dockerfile's Go version comes from go\.mod all the same$/m);
  assert.match(r.stdout, /^ {2}Go version +1\.21\.5: the toolchain line names the exact Go release \(go\.mod:6\)$/m);
});
