import { test } from "node:test";
import assert from "node:assert/strict";
import { detectBackingServices } from "../../src/analysis/services.js";
import type { EnvVariable, MainPackage, ModuleAnalysis } from "../../src/analysis/types.js";

/** A module whose one program imports `imports` and reads `env`, with `requires` in go.mod. */
function program(imports: string[], env: string[] = [], requires: string[] = []): { analysis: ModuleAnalysis; main: MainPackage } {
  const ev = (line: number) => ({ file: "main.go", line });
  const envVariables: EnvVariable[] = env.map((name, i) => ({ name, evidence: ev(10 + i) }));
  const main = { dir: ".", importPath: "example.com/x", binary: "x", evidence: ev(1), facts: { imports, envVariables } } as unknown as MainPackage;
  const analysis = {
    goMod: { path: "example.com/x", requires: requires.map((path, i) => ({ path, version: "v1.0.0", indirect: false, evidence: { file: "go.mod", line: 5 + i } })), replaces: [] },
    mainPackages: [main],
  } as unknown as ModuleAnalysis;
  return { analysis, main };
}

const cases: { name: string; imports: string[]; env?: string[]; expect: [string, string][] }[] = [
  { name: "pgx stdlib with DATABASE_URL", imports: ["github.com/jackc/pgx/v5/stdlib"], env: ["PORT", "DATABASE_URL"], expect: [["postgres", "DATABASE_URL"]] },
  { name: "lib/pq reading PG_DSN", imports: ["github.com/lib/pq"], env: ["PG_DSN"], expect: [["postgres", "PG_DSN"]] },
  { name: "mysql without a variable gets the usual name", imports: ["github.com/go-sql-driver/mysql"], expect: [["mysql", "DATABASE_DSN"]] },
  { name: "go-redis v9 reading REDIS_ADDR", imports: ["github.com/redis/go-redis/v9"], env: ["REDIS_ADDR"], expect: [["redis", "REDIS_ADDR"]] },
  { name: "redigo with CACHE_URL", imports: ["github.com/gomodule/redigo/redis"], env: ["CACHE_URL"], expect: [["redis", "CACHE_URL"]] },
  { name: "nats", imports: ["github.com/nats-io/nats.go"], env: ["NATS_URL"], expect: [["nats", "NATS_URL"]] },
  { name: "mongo driver", imports: ["go.mongodb.org/mongo-driver/mongo"], env: ["MONGO_URI"], expect: [["mongodb", "MONGO_URI"]] },
  { name: "franz-go with KAFKA_BROKERS", imports: ["github.com/twmb/franz-go/pkg/kgo"], env: ["KAFKA_BROKERS"], expect: [["kafka", "KAFKA_BROKERS"]] },
  { name: "sarama", imports: ["github.com/IBM/sarama"], expect: [["kafka", "KAFKA_BROKERS"]] },
  {
    name: "two databases: the specific name wins, the generic one goes to the other",
    imports: ["github.com/go-sql-driver/mysql", "github.com/lib/pq"],
    env: ["DATABASE_URL", "MYSQL_DSN"],
    expect: [["postgres", "DATABASE_URL"], ["mysql", "MYSQL_DSN"]],
  },
  { name: "a variable that is not a location is not the connection", imports: ["github.com/lib/pq"], env: ["DB_POOL_SIZE"], expect: [["postgres", "DATABASE_URL"]] },
  { name: "no client imported, nothing detected", imports: ["net/http", "github.com/lib/pqx"], env: ["DATABASE_URL"], expect: [] },
];

for (const c of cases) {
  test(`backing services: ${c.name}`, () => {
    const { analysis, main } = program(c.imports, c.env);
    const found = detectBackingServices(analysis, main).map((s) => [s.kind, s.variableName]);
    assert.deepEqual(found, c.expect);
  });
}

test("backing services: evidence is the go.mod require line; a _FILE variable is noticed", () => {
  const { analysis, main } = program(["github.com/jackc/pgx/v5/pgxpool"], ["DATABASE_URL", "DATABASE_URL_FILE"], ["github.com/jackc/pgx/v5"]);
  const [pg] = detectBackingServices(analysis, main);
  assert.deepEqual(pg?.clients, ["github.com/jackc/pgx/v5"]);
  assert.deepEqual(pg?.evidence, [{ file: "go.mod", line: 5 }]);
  assert.equal(pg?.connectionVariable?.evidence.line, 10);
  assert.equal(pg?.connectionFileVariable?.name, "DATABASE_URL_FILE");
});
