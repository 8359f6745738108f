import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { runSlimgo } from "../support/cli.js";
import { composeSchemaErrors } from "./schema.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const GO_MOD = `module example.com/everything

go 1.19

require (
	github.com/go-sql-driver/mysql v1.8.1
	github.com/jackc/pgx/v5 v5.7.1
	github.com/nats-io/nats.go v1.37.0
	github.com/redis/go-redis/v9 v9.7.0
	github.com/segmentio/kafka-go v0.4.47
	go.mongodb.org/mongo-driver v1.17.1
)
`;

const MAIN_GO = `package main

import (
	"net/http"
	"os"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/nats-io/nats.go"
	_ "github.com/redis/go-redis/v9"
	_ "github.com/segmentio/kafka-go"
	_ "go.mongodb.org/mongo-driver/mongo"
)

func main() {
	_ = os.Getenv("DATABASE_URL")
	_ = os.Getenv("DATABASE_URL_FILE")
	_ = os.Getenv("MYSQL_DSN")
	_ = os.Getenv("REDIS_ADDR")
	_ = os.Getenv("NATS_URL")
	_ = os.Getenv("MONGODB_URI")
	_ = os.Getenv("KAFKA_BROKERS")
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	_ = http.ListenAndServe(":8080", nil)
}
`;

test("every backing service kind: pinned image, exec-form health check, volume; the compose file is schema-valid", async () => {
  const dir = await mkdtemp(join(tmpdir(), "slimgo-everything-"));
  dirs.push(dir);
  await writeFile(join(dir, "go.mod"), GO_MOD);
  await writeFile(join(dir, "main.go"), MAIN_GO);
  const r = await runSlimgo(["init", "--engine", "scanner", dir]);
  assert.equal(r.code, 0, r.stderr);
  const compose = parse(await readFile(join(dir, "compose.yaml"), "utf8"));
  assert.deepEqual(composeSchemaErrors(compose), []);

  const backing = ["postgres", "mysql", "redis", "nats", "mongodb", "kafka"];
  assert.deepEqual(Object.keys(compose.services), ["everything", ...backing]);
  for (const name of backing) {
    const s = compose.services[name];
    assert.match(s.image, /^[a-z/]+:\d+(\.\d+)*(-alpine)?$/, `${name}: ${s.image} is a pinned version`);
    assert.equal(s.healthcheck.test[0], "CMD", `${name}: exec form`);
    assert.equal(s.volumes.length, 1);
    assert.ok(s.volumes[0].split(":")[0] in compose.volumes);
  }
  const app = compose.services.everything;
  assert.deepEqual(Object.keys(app.depends_on), backing);
  assert.ok(Object.values(app.depends_on).every((d: any) => d.condition === "service_healthy"));
  assert.equal(app.environment.REDIS_ADDR, "redis:6379", "an *_ADDR variable gets host:port");
  assert.equal(app.environment.NATS_URL, "nats://nats:4222");
  assert.equal(app.environment.KAFKA_BROKERS, "kafka:9092");
  assert.equal(app.environment.MYSQL_DSN, "app:${MYSQL_PASSWORD:?set MYSQL_PASSWORD in .env}@tcp(mysql:3306)/app?parseTime=true");
  assert.equal(app.environment.MONGODB_URI, "mongodb://app:${MONGODB_PASSWORD:?set MONGODB_PASSWORD in .env}@mongodb:27017/?authSource=admin");

  // The code reads DATABASE_URL_FILE: the whole URL, password included, is a secret file, not an env value.
  assert.equal(app.environment.DATABASE_URL, undefined);
  assert.equal(app.environment.DATABASE_URL_FILE, "/run/secrets/postgres_url");
  assert.deepEqual(app.secrets, ["postgres_url"]);
  const pgPassword = (await readFile(join(dir, "secrets/postgres_password.txt"), "utf8")).trim();
  assert.equal((await readFile(join(dir, "secrets/postgres_url.txt"), "utf8")).trim(), `postgres://app:${pgPassword}@postgres:5432/app?sslmode=disable`);
  assert.deepEqual((await readdir(join(dir, "secrets"))).sort(), ["mongodb_password.txt", "mysql_password.txt", "postgres_password.txt", "postgres_url.txt"]);
  const dotEnv = await readFile(join(dir, ".env"), "utf8");
  assert.match(dotEnv, /^MYSQL_PASSWORD=\S+$/m);
  assert.doesNotMatch(dotEnv, /POSTGRES_PASSWORD/, "postgres needs no .env entry when the URL is a secret file");
});
