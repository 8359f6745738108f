import type { GenericSchema } from "valibot";
import { issueKeys, valibot } from "../lazy-valibot.js";
import { ExitCode, SlimgoError } from "../errors.js";
import type { ConfigFile, Descriptor, ImageManifest, IndexManifest } from "./types.js";

/** Shape checks for manifests, indexes and configs read from outside; unknown fields are kept. */

let schemas: ReturnType<typeof makeSchemas> | undefined;

function shapes(): ReturnType<typeof makeSchemas> {
  schemas ??= makeSchemas(valibot());
  return schemas;
}

/**
 * Loads the checks (and valibot) now: for callers that know they will read a manifest
 * after a wait they can fill, such as adding to an existing layout while go compiles.
 */
export function loadManifestChecks(): void {
  shapes();
}

function makeSchemas(v: typeof import("valibot")) {
  const digest = v.pipe(v.string(), v.regex(/^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/, "not a sha256 digest"));
  const strings = v.array(v.string());
  const stringMap = v.record(v.string(), v.string());
  const platform = v.looseObject({
    os: v.string(),
    architecture: v.string(),
    variant: v.optional(v.string()),
    "os.version": v.optional(v.string()),
    "os.features": v.optional(strings),
  });
  const descriptor = v.looseObject({
    mediaType: v.string(),
    digest,
    size: v.pipe(v.number(), v.integer(), v.minValue(0)),
    annotations: v.optional(stringMap),
    platform: v.optional(platform),
    urls: v.optional(strings),
    artifactType: v.optional(v.string()),
  });
  const manifest = v.looseObject({
    schemaVersion: v.literal(2),
    mediaType: v.optional(v.string()),
    artifactType: v.optional(v.string()),
    config: descriptor,
    layers: v.array(descriptor),
    subject: v.optional(descriptor),
    annotations: v.optional(stringMap),
  });
  const index = v.looseObject({
    schemaVersion: v.literal(2),
    mediaType: v.optional(v.string()),
    artifactType: v.optional(v.string()),
    manifests: v.array(descriptor),
    subject: v.optional(descriptor),
    annotations: v.optional(stringMap),
  });
  const config = v.looseObject({
    architecture: v.string(),
    os: v.string(),
    config: v.nullish(v.looseObject({})),
    // An image without layers (FROM scratch with only LABEL or ENTRYPOINT) has no diff_ids as
    // `podman save` writes it, and `"diff_ids": null` as skopeo writes it to oci:: none.
    rootfs: v.looseObject({ type: v.string(), diff_ids: v.nullish(v.array(digest), () => []) }),
    history: v.optional(v.array(v.looseObject({}))),
  });
  return { descriptor, manifest, index, config };
}

function parseJson(schema: GenericSchema, bytes: Buffer, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    throw new SlimgoError(`${what} is not valid JSON (${(err as Error).message})`, { exitCode: ExitCode.findings });
  }
  const result = valibot().safeParse(schema, value);
  if (!result.success) {
    const issue = result.issues[0];
    throw new SlimgoError(`${what} is malformed: ${issueKeys(issue).join(".") || "(top)"}: ${issue.message}`, { exitCode: ExitCode.findings });
  }
  return result.output;
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
  const result = valibot().safeParse(shapes().descriptor, value);
  if (!result.success) throw new SlimgoError(`${what} is malformed: ${result.issues[0].message}`, { exitCode: ExitCode.findings });
  return result.output as Descriptor;
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
