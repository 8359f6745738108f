/**
 * How each backing service runs next to the program in compose: a pinned image, where its data
 * lives, a health check in exec form (no shell needed), and how a client reaches it. Passwords
 * never appear here: they come from secret files (the server) and `.env` (the client's URL).
 */
import type { BackingServiceKind } from "../analysis/services.js";

export interface BackingRecipe {
  kind: BackingServiceKind;
  /** Compose service name, also the host name clients use. */
  service: string;
  image: string;
  port: number;
  /** Path of the data directory inside the container (a named volume is mounted there). */
  dataPath: string;
  healthcheck: string[];
  /** Extra start-up time before failed checks count (slow starters such as Kafka). */
  startPeriod: string;
  environment: Record<string, string>;
  command?: string[];
  /** The password is a compose secret; the server reads it from this variable's file. */
  password?: { secret: string; fileVariable: string; envName: string };
}

/** The database user and database name the generated services use. */
export const APP_USER = "app";

export const BACKING_RECIPES: Record<BackingServiceKind, BackingRecipe> = {
  postgres: {
    kind: "postgres",
    service: "postgres",
    image: "postgres:16-alpine",
    port: 5432,
    dataPath: "/var/lib/postgresql/data",
    healthcheck: ["CMD", "pg_isready", "-U", APP_USER, "-d", APP_USER],
    startPeriod: "10s",
    environment: { POSTGRES_USER: APP_USER, POSTGRES_DB: APP_USER, POSTGRES_PASSWORD_FILE: "/run/secrets/postgres_password" },
    password: { secret: "postgres_password", fileVariable: "POSTGRES_PASSWORD_FILE", envName: "POSTGRES_PASSWORD" },
  },
  mysql: {
    kind: "mysql",
    service: "mysql",
    image: "mysql:8.4",
    port: 3306,
    dataPath: "/var/lib/mysql",
    healthcheck: ["CMD", "mysqladmin", "ping", "--host=127.0.0.1", "--silent"],
    startPeriod: "30s",
    environment: {
      MYSQL_USER: APP_USER,
      MYSQL_DATABASE: APP_USER,
      MYSQL_PASSWORD_FILE: "/run/secrets/mysql_password",
      MYSQL_RANDOM_ROOT_PASSWORD: "yes",
    },
    password: { secret: "mysql_password", fileVariable: "MYSQL_PASSWORD_FILE", envName: "MYSQL_PASSWORD" },
  },
  redis: {
    kind: "redis",
    service: "redis",
    image: "redis:7-alpine",
    port: 6379,
    dataPath: "/data",
    healthcheck: ["CMD", "redis-cli", "ping"],
    startPeriod: "5s",
    environment: {},
    command: ["redis-server", "--appendonly", "yes"],
  },
  nats: {
    kind: "nats",
    service: "nats",
    image: "nats:2.10-alpine",
    port: 4222,
    dataPath: "/data",
    healthcheck: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz"],
    startPeriod: "5s",
    environment: {},
    command: ["nats-server", "--jetstream", "--store_dir", "/data", "--http_port", "8222"],
  },
  mongodb: {
    kind: "mongodb",
    service: "mongodb",
    image: "mongo:7",
    port: 27017,
    dataPath: "/data/db",
    healthcheck: ["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"],
    startPeriod: "20s",
    environment: { MONGO_INITDB_ROOT_USERNAME: APP_USER, MONGO_INITDB_ROOT_PASSWORD_FILE: "/run/secrets/mongodb_password" },
    password: { secret: "mongodb_password", fileVariable: "MONGO_INITDB_ROOT_PASSWORD_FILE", envName: "MONGODB_PASSWORD" },
  },
  kafka: {
    kind: "kafka",
    service: "kafka",
    image: "apache/kafka:3.8.0",
    port: 9092,
    dataPath: "/var/lib/kafka/data",
    healthcheck: ["CMD", "/opt/kafka/bin/kafka-broker-api-versions.sh", "--bootstrap-server", "localhost:9092"],
    startPeriod: "30s",
    // One node in KRaft mode that advertises its compose host name, so other containers reach it.
    environment: {
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
      KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://kafka:9092",
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@kafka:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_LOG_DIRS: "/var/lib/kafka/data",
    },
  },
};

/**
 * The value of the connection variable. Its last word decides the shape: *_HOST gets the host,
 * *_ADDR host:port, anything else a URL (go-sql-driver/mysql's own DSN for MySQL). `password` is
 * the text to put where the password goes: a compose interpolation such as `${POSTGRES_PASSWORD}`
 * in compose.yaml, or the password itself in a secret file.
 */
export function connectionValue(recipe: BackingRecipe, variableName: string, password: string): string {
  const last = variableName.toUpperCase().split("_").pop() ?? "";
  const host = recipe.service;
  if (last === "HOST" || last === "HOSTS") return host;
  if (["ADDR", "ADDRESS", "BROKERS", "SERVERS", "SERVER", "ENDPOINT"].includes(last)) return `${host}:${recipe.port}`;
  switch (recipe.kind) {
    case "postgres":
      return `postgres://${APP_USER}:${password}@${host}:${recipe.port}/${APP_USER}?sslmode=disable`;
    case "mysql":
      return `${APP_USER}:${password}@tcp(${host}:${recipe.port})/${APP_USER}?parseTime=true`;
    case "redis":
      return `redis://${host}:${recipe.port}/0`;
    case "nats":
      return `nats://${host}:${recipe.port}`;
    case "mongodb":
      return `mongodb://${APP_USER}:${password}@${host}:${recipe.port}/?authSource=admin`;
    case "kafka":
      return `${host}:${recipe.port}`;
  }
}
