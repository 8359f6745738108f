import { ExitCode, SlimgoError, inputError } from "../errors.js";
import {
  formatImageReference,
  isImageIndex,
  parseImageReference,
  parsePlatform,
  platformOf,
  platformString,
  type Image,
  type ImageOrIndex,
  type ImageReference,
  type Platform,
} from "../image/index.js";
import { readLocalImage } from "../transports/index.js";
import { disposeSavedImage, readSavedImage } from "./local-cli.js";
import { localPathReference } from "./local-path.js";
import { readRegistryImage } from "./registry.js";

export interface OpenImageOptions {
  /** `os/arch[/variant]`: pick this platform from an index (and check a single image is it). */
  platform?: string;
  /** Registries (host[:port]) to reach over plain HTTP. */
  insecureRegistries?: readonly string[];
  /** false: a registry image logs in with the Docker config only, not SLIMGO_REGISTRY_*. Default true. */
  envCredentials?: boolean;
  /** Progress for pulls and saves, one line each (the CLI prints them on stderr). */
  onProgress?: (message: string) => void;
}

/**
 * Anything that goes wrong reading an image from outside (a corrupt blob, a hostile archive, a
 * registry that is not there) is bad input: exit 2 with the one-line message, never a "finding".
 */
export function asInputError(error: unknown, what: string): unknown {
  if (error instanceof SlimgoError) {
    return error.exitCode === ExitCode.usage ? error : new SlimgoError(error.message, { exitCode: ExitCode.usage, cause: error });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string") return inputError(`${what}: ${(error as Error).message}`);
  return error;
}

async function read(ref: ImageReference, options: OpenImageOptions): Promise<ImageOrIndex> {
  switch (ref.transport) {
    case "registry":
      return readRegistryImage(ref, options);
    case "podman":
      return readSavedImage("podman", ref.name, options.onProgress);
    case "docker-daemon":
      return readSavedImage("docker", ref.name, options.onProgress);
    default:
      return readLocalImage(ref);
  }
}

/**
 * Opens `oci:DIR[:TAG]`, `oci-archive:FILE`, `docker-archive:FILE`, `podman:NAME`, `docker:NAME`,
 * a registry reference, or a layout or tarball given as a plain path (see local-path.ts). Manifests
 * and configs are read and verified now; layers stream (and are verified) when read. With
 * `platform`, an index is narrowed to that one image.
 */
export async function openImage(reference: string, options: OpenImageOptions = {}): Promise<ImageOrIndex> {
  let path: string | undefined;
  try {
    path = await localPathReference(reference);
  } catch (error) {
    throw asInputError(error, reference);
  }
  const ref = parseImageReference(path ?? reference);
  const wanted = options.platform === undefined ? undefined : parsePlatform(options.platform);
  let item: ImageOrIndex;
  try {
    item = await read(ref, options);
  } catch (error) {
    throw withPodmanHint(asInputError(error, formatImageReference(ref)), ref, reference);
  }
  try {
    if ("digest" in ref && ref.digest !== undefined && ref.transport !== "registry" && item.digest !== ref.digest) {
      throw inputError(`${reference}: the image there has digest ${item.digest}, not ${ref.digest}: it was replaced after that reference was written (build again, or leave out @${ref.digest} to open what is there now)`);
    }
    if (wanted === undefined) return item;
    return pickPlatform(item, wanted, formatImageReference(ref));
  } catch (error) {
    // Refused: nobody reads the image, so a podman:/docker: image's saved copy goes now.
    disposeSavedImage(item);
    throw error;
  }
}

/**
 * `podman images` lists local images as `localhost/NAME`, which as typed is a registry on
 * localhost's port 443: when reading it there fails, the error says how to read podman's image.
 */
function withPodmanHint(error: unknown, ref: ImageReference, typed: string): unknown {
  if (ref.transport !== "registry" || ref.registry !== "localhost" || !(error instanceof SlimgoError)) return error;
  const name = typed.replace(/^docker:\/\//, "");
  return new SlimgoError(`${error.message} (for the image podman lists as ${name}, give podman:${name})`, { exitCode: error.exitCode, cause: error });
}

function matches(platform: Platform, wanted: Platform): boolean {
  if (platform.os !== wanted.os || platform.architecture !== wanted.architecture) return false;
  return wanted.variant === undefined || platform.variant === wanted.variant;
}

/** The one image of `item` for `wanted`; a usage error listing what there is otherwise. */
export function pickPlatform(item: ImageOrIndex, wanted: Platform, what: string): Image {
  const images = imagesOf(item);
  const found = images.find((i) => matches(i.platform, wanted));
  if (found !== undefined) return found.image;
  throw noImageFor(item, wanted, what);
}

/** The usage error for an image or index that has no image for `wanted`, listing the platforms it has. */
export function noImageFor(item: ImageOrIndex, wanted: Platform, what: string): SlimgoError {
  const have = imagesOf(item).map((i) => platformString(i.platform)).join(", ");
  return inputError(`${what} has no ${platformString(wanted)} image (it has ${have || "none"}); pick one with --platform`);
}

export interface PlatformImage {
  platform: Platform;
  image: Image;
}

/** Every single-platform image in `item`, in index order; the platform comes from the image's config. */
export function imagesOf(item: ImageOrIndex): PlatformImage[] {
  if (!isImageIndex(item)) return [{ platform: platformOf(item), image: item }];
  return item.manifests
    .filter((child) => !isAttestation(child.descriptor.annotations, child.descriptor.platform))
    .map((child) => ({ platform: child.descriptor.platform ?? platformOf(child.image), image: child.image }));
}

/** BuildKit stores provenance and SBOMs as index entries for platform unknown/unknown; they are not runnable images. */
function isAttestation(annotations: Record<string, string> | undefined, platform: Platform | undefined): boolean {
  return annotations?.["vnd.docker.reference.type"] === "attestation-manifest" || (platform?.os === "unknown" && platform.architecture === "unknown");
}
