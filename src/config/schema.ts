import type { InferOutput } from "valibot";
import { valibot } from "../lazy-valibot.js";
import { runtimeNames } from "../dockerfile/runtimes.js";

const v = valibot();
const severity = v.picklist(["error", "warning", "info", "style"]);
const strings = v.array(v.string());

/**
 * A key whose value is a map, refused when it is anything else. valibot's record and object take a
 * list as a map of its indexes, so `env: [A=1]` gave the variable `0=A=1`.
 */
function map<T extends Parameters<typeof v.pipe>[0]>(schema: T, shape: string) {
  return v.pipe(
    v.unknown(),
    v.check((value) => typeof value === "object" && value !== null && !Array.isArray(value), (issue) => `must be a map of ${shape}, not ${described(issue.input)}`),
    schema,
  );
}

/** What a wrong value is, and for a list of KEY=VALUE strings the map to write instead. */
function described(value: unknown): string {
  if (Array.isArray(value)) {
    const pairs = value.map((item) => (typeof item === "string" ? /^([^=\s]+)=(.*)$/.exec(item) : null));
    if (pairs.length > 0 && pairs.every((p) => p !== null)) return `a list: write { ${pairs.map((p) => `${p![1]}: ${JSON.stringify(p![2])}`).join(", ")} }`;
    return "a list";
  }
  if (value === null) return "an empty value";
  return `${typeof value === "string" ? "the text" : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

const stringMap = (example: string) => map(v.record(v.string(), v.string()), `NAME: value, e.g. { ${example} }`);

/** The schema of `slimgo.yaml`. Unknown keys are errors, so a typo is never silently ignored. */
export const configSchema = map(
  v.strictObject({
    /** Main package to use when the module has several, e.g. ./cmd/api. */
    main: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
    init: v.optional(
      map(
        v.strictObject({
          runtime: v.optional(v.picklist(runtimeNames)),
          shell: v.optional(v.boolean()),
          port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535))),
          healthcheck: v.optional(v.pipe(v.string(), v.startsWith("/", 'must be a path starting with "/", e.g. /healthz'))),
        }),
        "settings (runtime:, shell:, port:, healthcheck:)",
      ),
    ),
    lint: v.optional(
      map(
        v.strictObject({
          ignore: v.optional(strings),
          severity: v.optional(map(v.record(v.string(), v.union([severity, v.literal("off")])), "RULE: level, e.g. { SG105: warning }")),
          "failure-threshold": v.optional(v.union([severity, v.literal("none")])),
        }),
        "settings (ignore:, severity:, failure-threshold:)",
      ),
    ),
    build: v.optional(
      map(
        v.strictObject({
          platforms: v.optional(strings),
          base: v.optional(v.string()),
          env: v.optional(stringMap("GOMEMLIMIT: 200MiB")),
          args: v.optional(strings),
          labels: v.optional(stringMap("team: payments")),
          user: v.optional(v.pipe(v.string(), v.regex(/^\d+(:\d+)?$/, "must be a numeric uid[:gid], e.g. 65532:65532"))),
          ldflags: v.optional(strings),
          flags: v.optional(strings),
          "go-env": v.optional(stringMap("GOEXPERIMENT: loopvar")),
          assets: v.optional(v.union([v.string(), strings])),
        }),
        "settings (platforms:, base:, env:, ...)",
      ),
    ),
  }),
  "sections (main:, init:, lint:, build:)",
);

export type SlimgoConfig = InferOutput<typeof configSchema>;
