import type { InferOutput } from "valibot";
import { valibot } from "../lazy-valibot.js";
import { runtimeNames } from "../dockerfile/runtimes.js";

const v = valibot();
const severity = v.picklist(["error", "warning", "info", "style"]);
const strings = v.array(v.string());
const stringMap = v.record(v.string(), v.string());

/** The schema of `slimgo.yaml`. Unknown keys are errors, so a typo is never silently ignored. */
export const configSchema = v.strictObject({
  /** Main package to use when the module has several, e.g. ./cmd/api. */
  main: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
  init: v.optional(
    v.strictObject({
      runtime: v.optional(v.picklist(runtimeNames)),
      shell: v.optional(v.boolean()),
      port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535))),
      healthcheck: v.optional(v.pipe(v.string(), v.startsWith("/", 'must be a path starting with "/", e.g. /healthz'))),
    }),
  ),
  lint: v.optional(
    v.strictObject({
      ignore: v.optional(strings),
      severity: v.optional(v.record(v.string(), v.union([severity, v.literal("off")]))),
      "failure-threshold": v.optional(v.union([severity, v.literal("none")])),
    }),
  ),
  build: v.optional(
    v.strictObject({
      platforms: v.optional(strings),
      base: v.optional(v.string()),
      env: v.optional(stringMap),
      args: v.optional(strings),
      labels: v.optional(stringMap),
      user: v.optional(v.pipe(v.string(), v.regex(/^\d+(:\d+)?$/, "must be a numeric uid[:gid], e.g. 65532:65532"))),
      ldflags: v.optional(strings),
      flags: v.optional(strings),
      "go-env": v.optional(stringMap),
      assets: v.optional(v.union([v.string(), strings])),
    }),
  ),
});

export type SlimgoConfig = InferOutput<typeof configSchema>;
