/**
 * Backing services a program talks to (databases, caches, brokers), read from the packages it
 * imports and the go.mod lines that require them, and the environment variable that carries the
 * connection. `init --compose` turns each into a container the program waits on.
 */
import type { EnvVariable, Evidence, MainPackage, ModuleAnalysis } from "./types.js";

export type BackingServiceKind = "postgres" | "mysql" | "redis" | "nats" | "mongodb" | "kafka";

export interface BackingService {
  kind: BackingServiceKind;
  /** Client packages the program imports that show the service, e.g. "github.com/lib/pq". */
  clients: string[];
  /** The go.mod require lines of those clients (empty when only vendor/ or a workspace provides them). */
  evidence: Evidence[];
  /** The variable the code reads for the connection, when it reads one. */
  connectionVariable?: EnvVariable;
  /** Set when the code also reads `<connection variable>_FILE`: the connection can come from a secret file. */
  connectionFileVariable?: EnvVariable;
  /** The variable `init` wires: the one the code reads, else the conventional name. */
  variableName: string;
}

interface ServiceRule {
  kind: BackingServiceKind;
  /** Module path prefixes of client libraries. */
  clients: string[];
  /** Words in a variable name that tie it to this service; the first matching variable wins. */
  words: string[];
  /** Generic words (DATABASE, DB) shared with other databases: used only when no specific word matched. */
  genericWords: string[];
  defaultVariable: string;
}

const RULES: readonly ServiceRule[] = [
  { kind: "postgres", clients: ["github.com/jackc/pgx", "github.com/lib/pq"], words: ["POSTGRES", "POSTGRESQL", "PG"], genericWords: ["DATABASE", "DB"], defaultVariable: "DATABASE_URL" },
  { kind: "mysql", clients: ["github.com/go-sql-driver/mysql"], words: ["MYSQL", "MARIADB"], genericWords: ["DATABASE", "DB"], defaultVariable: "DATABASE_DSN" },
  { kind: "redis", clients: ["github.com/redis/go-redis", "github.com/go-redis/redis", "github.com/gomodule/redigo"], words: ["REDIS", "VALKEY"], genericWords: ["CACHE"], defaultVariable: "REDIS_URL" },
  { kind: "nats", clients: ["github.com/nats-io/nats.go"], words: ["NATS"], genericWords: [], defaultVariable: "NATS_URL" },
  { kind: "mongodb", clients: ["go.mongodb.org/mongo-driver"], words: ["MONGO", "MONGODB"], genericWords: ["DATABASE", "DB"], defaultVariable: "MONGODB_URI" },
  {
    kind: "kafka",
    clients: ["github.com/segmentio/kafka-go", "github.com/twmb/franz-go", "github.com/IBM/sarama", "github.com/Shopify/sarama", "github.com/confluentinc/confluent-kafka-go"],
    words: ["KAFKA"],
    genericWords: ["BROKER", "BROKERS", "BOOTSTRAP"],
    defaultVariable: "KAFKA_BROKERS",
  },
];

/** Last words of a variable that holds where a service is: a URL, DSN, address or host. */
const LOCATION_WORDS = new Set(["URL", "URI", "DSN", "ADDR", "ADDRESS", "HOST", "HOSTS", "BROKERS", "SERVERS", "SERVER", "CONN", "CONNECTION", "CONNSTR", "ENDPOINT"]);

/** Backing services `program` uses, in a stable order (the order of RULES). */
export function detectBackingServices(analysis: ModuleAnalysis, program: MainPackage): BackingService[] {
  const found: BackingService[] = [];
  const claimed = new Set<string>();
  const matches: { rule: ServiceRule; clients: string[] }[] = [];
  for (const rule of RULES) {
    const clients = clientModules(rule, program.facts.imports);
    if (clients.length > 0) matches.push({ rule, clients });
  }
  // Specific names (POSTGRES_URL) are claimed before generic ones (DATABASE_URL), so two databases
  // do not both take DATABASE_URL.
  const specific = new Map<ServiceRule, EnvVariable | undefined>();
  for (const { rule } of matches) {
    const v = pickVariable(program.facts.envVariables, rule.words, claimed);
    if (v) claimed.add(v.name);
    specific.set(rule, v);
  }
  for (const { rule, clients } of matches) {
    let variable = specific.get(rule);
    if (!variable) {
      variable = pickVariable(program.facts.envVariables, rule.genericWords, claimed);
      if (variable) claimed.add(variable.name);
    }
    const evidence = analysis.goMod.requires.filter((r) => clients.some((c) => c === r.path)).map((r) => r.evidence);
    const service: BackingService = { kind: rule.kind, clients, evidence, variableName: variable?.name ?? rule.defaultVariable };
    if (variable) {
      service.connectionVariable = variable;
      const file = program.facts.envVariables.find((e) => e.name === `${variable!.name}_FILE`);
      if (file) service.connectionFileVariable = file;
    }
    found.push(service);
  }
  return found;
}

/** The module paths (as required in go.mod) of the rule's clients that the program imports. */
function clientModules(rule: ServiceRule, imports: string[]): string[] {
  const out = new Set<string>();
  for (const imp of imports) {
    for (const prefix of rule.clients) {
      if (imp === prefix || imp.startsWith(`${prefix}/`)) out.add(moduleOf(imp, prefix));
    }
  }
  return [...out].sort();
}

/** github.com/jackc/pgx/v5/stdlib under prefix github.com/jackc/pgx -> github.com/jackc/pgx/v5. */
function moduleOf(importPath: string, prefix: string): string {
  const rest = importPath.slice(prefix.length).split("/").filter(Boolean);
  return rest[0] && /^v\d+$/.test(rest[0]) ? `${prefix}/${rest[0]}` : prefix;
}

function pickVariable(vars: EnvVariable[], words: string[], claimed: Set<string>): EnvVariable | undefined {
  if (words.length === 0) return undefined;
  return vars.find((v) => {
    if (claimed.has(v.name)) return false;
    const parts = v.name.toUpperCase().split("_").filter(Boolean);
    const last = parts[parts.length - 1];
    return parts.length >= 2 && last !== undefined && LOCATION_WORDS.has(last) && parts.slice(0, -1).some((p) => words.includes(p));
  });
}
