import type { ZodType } from "zod";
import { zod } from "../lazy-zod.js";
import { ExitCode, SlimgoError } from "../errors.js";
import type { ConfigFile, Descriptor, ImageManifest, IndexManifest } from "./types.js";

/** Shape checks for manifests, indexes and configs read from outside; unknown fields are kept. */

let schemas: ReturnType<typeof makeSchemas> | undefined;

function shapes(): ReturnType<typeof makeSchemas> {
  schemas ??= makeSchemas(zod());
  return schemas;
}

/**
 * Loads the checks (and zod, about 65 ms) now: for callers that know they will read a manifest
 * after a wait they can fill, such as adding to an existing layout while go compiles.
 */
export function loadManifestChecks(): void {
  shapes();
}

function makeSchemas({ z }: typeof import("zod")) {
  const digest = z.string().regex(/^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/, "not a sha256 digest");
  const stringMap = z.record(z.string(), z.string());
  const platform = z.looseObject({
    os: z.string(),
    architecture: z.string(),
    variant: z.string().optional(),
    "os.version": z.string().optional(),
    "os.features": z.array(z.string()).optional(),
  });
  const descriptor = z.looseObject({
    mediaType: z.string(),
    digest,
    size: z.number().int().nonnegative(),
    annotations: stringMap.optional(),
    platform: platform.optional(),
    urls: z.array(z.string()).optional(),
    artifactType: z.string().optional(),
  });
  const manifest = z.looseObject({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    artifactType: z.string().optional(),
    config: descriptor,
    layers: z.array(descriptor),
    subject: descriptor.optional(),
    annotations: stringMap.optional(),
  });
  const index = z.looseObject({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    artifactType: z.string().optional(),
    manifests: z.array(descriptor),
    subject: descriptor.optional(),
    annotations: stringMap.optional(),
  });
  const config = z.looseObject({
    architecture: z.string(),
    os: z.string(),
    config: z.looseObject({}).optional().nullable(),
    rootfs: z.looseObject({ type: z.string(), diff_ids: z.array(digest) }),
    history: z.array(z.looseObject({})).optional(),
  });
  return { descriptor, manifest, index, config };
}

function parseJson<T>(schema: ZodType<T>, bytes: Buffer, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    throw new SlimgoError(`${what} is not valid JSON (${(err as Error).message})`, { exitCode: ExitCode.findings });
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SlimgoError(`${what} is malformed: ${issue?.path.join(".") || "(top)"}: ${issue?.message}`, { exitCode: ExitCode.findings });
  }
  return result.data;
}

export function parseImageManifest(bytes: Buffer, what: string): ImageManifest {
  return parseJson(shapes().manifest, bytes, what) as ImageManifest;
}

export function parseIndexManifest(bytes: Buffer, what: string): IndexManifest {
  return parseJson(shapes().index, bytes, what) as IndexManifest;
}

export function parseConfigFile(bytes: Buffer, what: string): ConfigFile {
  const parsed = parseJson(shapes().config, bytes, what) as unknown as ConfigFile;
  // Docker writes "config": null for images with no settings.
  if (parsed.config === null || parsed.config === undefined) parsed.config = {};
  return parsed;
}

export function parseDescriptor(value: unknown, what: string): Descriptor {
  const result = shapes().descriptor.safeParse(value);
  if (!result.success) throw new SlimgoError(`${what} is malformed: ${result.error.issues[0]?.message}`, { exitCode: ExitCode.findings });
  return result.data as Descriptor;
}

/** Peeks at a manifest's own mediaType, for blobs whose descriptor is not known (e.g. a registry). */
export function manifestKind(bytes: Buffer): "index" | "manifest" | "unknown" {
  try {
    const value = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
    if (Array.isArray(value.manifests)) return "index";
    if (typeof value.config === "object" && Array.isArray(value.layers)) return "manifest";
  } catch {
    // fall through
  }
  return "unknown";
}
