import type { z as Zod } from "zod";
import { zod } from "../lazy-zod.js";

const { z } = zod();
import { runtimeNames } from "../dockerfile/runtimes.js";

const severity = z.enum(["error", "warning", "info", "style"]);


/** The schema of `slimgo.yaml`. Unknown keys are errors, so a typo is never silently ignored. */
export const configSchema = z
  .object({
    /** Main package to use when the module has several, e.g. ./cmd/api. */
    main: z.string().min(1).optional(),
    init: z
      .object({
        runtime: z.enum(runtimeNames).optional(),
        shell: z.boolean().optional(),
        port: z.number().int().min(1).max(65535).optional(),
        healthcheck: z.string().startsWith("/").optional(),
      })
      .strict()
      .optional(),
    lint: z
      .object({
        ignore: z.array(z.string()).optional(),
        severity: z.record(z.string(), z.union([severity, z.literal("off")])).optional(),
        "failure-threshold": z.union([severity, z.literal("none")]).optional(),
      })
      .strict()
      .optional(),
    build: z
      .object({
        platforms: z.array(z.string()).optional(),
        base: z.string().optional(),
        env: z.record(z.string(), z.string()).optional(),
        args: z.array(z.string()).optional(),
        labels: z.record(z.string(), z.string()).optional(),
        user: z.string().regex(/^\d+(:\d+)?$/, "must be a numeric uid[:gid], e.g. 65532:65532").optional(),
        ldflags: z.array(z.string()).optional(),
        flags: z.array(z.string()).optional(),
        "go-env": z.record(z.string(), z.string()).optional(),
        assets: z.union([z.string(), z.array(z.string())]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SlimgoConfig = Zod.infer<typeof configSchema>;
