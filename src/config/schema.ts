import type { InferOutput } from "valibot";
import { valibot } from "../lazy-valibot.js";
import { runtimeNames } from "../dockerfile/runtimes.js";

const v = valibot();
const severities = ["error", "warning", "info", "style"] as const;

/** Text: a number or true/false where text is meant was turned into its text when the YAML was read (see TEXT_KEYS). */
const text = (example: string) => v.string((issue) => `must be text, e.g. ${example}, not ${described(issue.input)}`);

/** A list of text; one value is taken as a list of one, as `assets: static` is. */
const strings = (example: string) =>
  v.pipe(
    v.unknown(),
    v.transform((value) => (typeof value === "string" ? [value] : value)),
    v.array(text(example), (issue) => `must be a list, e.g. [${example}], or one value, not ${described(issue.input)}`),
  );

/** One of `choices`, the message listing them. */
function oneOf<const T extends readonly [string, ...string[]]>(choices: T) {
  return v.picklist(choices, (issue) => `must be one of ${choices.join(", ")}, not ${described(issue.input)}`);
}

/**
 * The keys whose values are text (a `*` stands for any key or list index): there a YAML number or
 * true/false (`PORT: 9090`, `user: 0`, `DEBUG: true`) is read as the text written, so `1.10` stays
 * "1.10", not 1.1.
 */
export const TEXT_KEYS: readonly (readonly string[])[] = [
  ["main"],
  ["init", "healthcheck"],
  ["lint", "ignore"],
  ["lint", "ignore", "*"],
  ...["base", "user", "platforms", "args", "ldflags", "flags", "assets"].flatMap((key) => [["build", key], ["build", key, "*"]]),
  ["build", "env", "*"],
  ["build", "labels", "*"],
  ["build", "annotations", "*"],
  ["build", "go-env", "*"],
];

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
  if (typeof value === "object") return "a map";
  return `${typeof value === "string" ? "the text" : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

/** A label's key: anything but empty, as --label takes it. */
const labelKey = v.pipe(v.string(), v.minLength(1, 'a name must not be empty ("")'));

/** An environment variable's name: an "=" in it would make another variable (`A=B: x` is A set to "B=x"). */
const variableName = v.pipe(labelKey, v.check((name) => !name.includes("="), (issue) => `${JSON.stringify(issue.input)} cannot be a variable name, as "=" ends the name: write the name alone`));

const stringMap = (example: string, names: "variables" | "labels" = "variables") =>
  map(v.record(names === "variables" ? variableName : labelKey, text(`"value" (quoted, or a number)`)), `NAME: value, e.g. { ${example} }`);

/** The schema of `slimgo.yaml`. Unknown keys are errors, so a typo is never silently ignored. */
export const configSchema = map(
  v.strictObject({
    /** Main package to use when the module has several, e.g. ./cmd/api. */
    main: v.optional(v.pipe(text("./cmd/api"), v.minLength(1, "must not be empty"))),
    init: v.optional(
      map(
        v.strictObject({
          runtime: v.optional(oneOf(runtimeNames)),
          shell: v.optional(v.boolean((issue) => `must be true or false, not ${described(issue.input)}`)),
          port: v.optional(v.pipe(v.number((issue) => `must be a port number, e.g. 8080, not ${described(issue.input)}`), v.integer("must be a whole number, e.g. 8080"), v.minValue(1, "must be from 1 to 65535"), v.maxValue(65535, "must be from 1 to 65535"))),
          healthcheck: v.optional(v.pipe(text("/healthz"), v.startsWith("/", 'must be a path starting with "/", e.g. /healthz'))),
        }),
        "settings (runtime:, shell:, port:, healthcheck:)",
      ),
    ),
    lint: v.optional(
      map(
        v.strictObject({
          ignore: v.optional(strings("SG101")),
          severity: v.optional(map(v.record(v.string(), oneOf([...severities, "off"])), "RULE: level, e.g. { SG105: warning }")),
          "failure-threshold": v.optional(oneOf([...severities, "none"])),
        }),
        "settings (ignore:, severity:, failure-threshold:)",
      ),
    ),
    build: v.optional(
      map(
        v.strictObject({
          platforms: v.optional(strings("linux/amd64, linux/arm64")),
          base: v.optional(text("gcr.io/distroless/static-debian12:nonroot")),
          env: v.optional(stringMap("GOMEMLIMIT: 200MiB")),
          args: v.optional(strings("--log-format=json")),
          labels: v.optional(stringMap("team: payments", "labels")),
          annotations: v.optional(stringMap("org.opencontainers.image.description: Notes service", "labels")),
          user: v.optional(v.pipe(text('"65532:65532"'), v.regex(/^\d+(:\d+)?$/, "must be a numeric uid[:gid], e.g. 65532:65532"))),
          ldflags: v.optional(strings('"-X main.edition=oss"')),
          flags: v.optional(strings("-tags=netgo")),
          "go-env": v.optional(stringMap("GOEXPERIMENT: loopvar")),
          assets: v.optional(v.union([text("static"), v.array(text("static"))], (issue) => `must be a path or a list of paths, e.g. [static, config.json], not ${described(issue.input)}`)),
        }),
        "settings (platforms:, base:, env:, ...)",
      ),
    ),
  }),
  "sections (main:, init:, lint:, build:)",
);

export type SlimgoConfig = InferOutput<typeof configSchema>;
