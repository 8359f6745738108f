import type { Descriptor, ImageOrIndex } from "../image/types.js";

/** Documents that describe an image (SBOMs), attached where the destination can hold them. */
export interface Attachment {
  subject: Descriptor;
  document: Buffer;
  mediaType: string;
}

/** Where an image went: the reference a user can pull or run, and the digest stored there. */
export interface Published {
  /** e.g. "oci-layout", "tarball", "registry", "podman". */
  kind: string;
  /** The reference with digest, e.g. registry.example.com/app:1.0@sha256:… */
  reference: string;
  digest: string;
  notes?: string[];
  /** What went wrong without failing the publish (e.g. an SBOM the registry refused), told as warnings. */
  warnings?: string[];
  /** Registry pushes: blobs uploaded, already there, or mounted from another repository. */
  blobs?: { uploaded: number; existing: number; mounted: number; uploadedBytes: number };
  /** Artifacts pushed beside the image (SBOMs), by digest. */
  attached?: string[];
}

/**
 * One destination for built images (after ko's pkg/publish). `name` is the image's full name
 * without tag, e.g. "localhost/notes"; `tags` the `-t` tags to give it. Without any, a registry
 * uses the tag of its `--push` reference, and every destination falls back to `latest`.
 */
export interface Publisher {
  readonly description: string;
  publish(item: ImageOrIndex, name: string, tags: string[], attachments?: Attachment[]): Promise<Published>;
}
