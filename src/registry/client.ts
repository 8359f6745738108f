/*
 * Hand-written OCI distribution client. No well-kept TypeScript client for Node exists:
 * on npm, docker-registry-client (and its @renovatebot fork) are old restify/bunyan code
 * for pulls, @snyk/docker-registry-v2-client only reads, oci-registry-client 0.2.0 is a
 * small node-fetch wrapper without uploads, mounts or retries. This one speaks the API at
 * the level of bytes, streams, digests and media types over Node's fetch, and knows nothing
 * about the image model built on top of it.
 */
import { pipeline, Readable, Transform, type TransformCallback } from "node:stream";
import { ExitCode } from "../errors.js";
import { Authenticator, repositoryScope } from "./auth.js";
import { resolveCredentials, type RegistryCredentials } from "./credentials.js";
import { digestAlgorithm, digestOf, isDigest, shortDigest, VerifyingStream } from "../image/digest.js";
import { describeFailure, RegistryError } from "./errors.js";
import { registryEndpoint } from "./reference.js";
import {
  DEFAULT_RETRY,
  isRetryableStatus,
  networkError,
  parseRetryAfter,
  RetryAfterError,
  withRetries,
  type RetryPolicy,
} from "./retry.js";

export const MediaTypes = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
} as const;

/** Every manifest kind this client reads; registry 2.8 answers 404 for OCI manifests unless asked for them. */
export const MANIFEST_ACCEPT: readonly string[] = [
  MediaTypes.ociManifest,
  MediaTypes.ociIndex,
  MediaTypes.dockerManifest,
  MediaTypes.dockerManifestList,
];

/** The largest manifest accepted on pull (the distribution spec's recommended limit). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface RegistryClientOptions {
  /** Speak plain HTTP. Only for registries the user named as insecure; localhost is not special. */
  insecure?: boolean;
  /** Fixed credentials, or a loader; default: resolveCredentials(registry) (env, then Docker config). null: anonymous. */
  credentials?: RegistryCredentials | null | (() => Promise<RegistryCredentials | undefined>);
  /** With the default credentials: false leaves SLIMGO_REGISTRY_* out (they log in to another registry). Default true. */
  envCredentials?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Blobs up to this size go up in one PUT; larger ones in PATCH chunks of this size. Default 16 MiB. */
  chunkSize?: number;
  userAgent?: string;
}

export interface BlobSource {
  digest: string;
  size: number;
  /** Opens the content from the start; called again when an upload is retried. */
  open: () => Readable | Promise<Readable>;
}

export interface UploadProgress {
  digest: string;
  /** Bytes sent in the current try (starts again from 0 when an upload is retried). */
  uploaded: number;
  total: number;
}

export interface PushBlobOptions {
  /** Repositories on the same registry that may hold the blob already: mounted instead of uploaded. */
  mountFrom?: string[];
  onProgress?: (progress: UploadProgress) => void;
}

export interface PushBlobResult {
  digest: string;
  size: number;
  /** exists: the registry had it; mounted: linked from another repository; uploaded: sent. */
  outcome: "exists" | "mounted" | "uploaded";
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

interface Call {
  method: string;
  url: URL;
  scopes: string[];
  /** For messages: "upload of blob sha256:abcd… to app". */
  what: string;
  ok: number[];
  headers?: Record<string, string>;
  /** Bytes to send, the same on every try. */
  body?: Uint8Array;
  /** Bytes to send, the same on every try, streamed from a fresh copy each time. */
  bodyStream?: () => Readable;
  /** A stream that can be sent once: no retries or auth replays inside send(); the caller starts over. */
  stream?: Readable;
  /** Leave retrying to the caller. */
  once?: boolean;
}

/** A client for one registry host (e.g. "127.0.0.1:5000", "ghcr.io", "docker.io"). */
export class RegistryClient {
  readonly registry: string;
  readonly insecure: boolean;
  private readonly base: URL;
  private readonly retry: RetryPolicy;
  private readonly chunkSize: number;
  private readonly userAgent: string;
  private readonly auth: Authenticator;
  private credentialUser?: string;

  constructor(registry: string, options: RegistryClientOptions = {}) {
    this.registry = registry;
    this.insecure = options.insecure ?? false;
    this.base = new URL(`${this.insecure ? "http" : "https"}://${registryEndpoint(registry)}/v2/`);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.chunkSize = options.chunkSize ?? 16 * 1024 * 1024;
    if (!(this.chunkSize > 0)) throw new RangeError("chunkSize must be positive");
    this.userAgent = options.userAgent ?? "slimgo";
    const given = options.credentials;
    const load =
      given === null
        ? async () => undefined
        : typeof given === "function"
          ? given
          : given !== undefined
            ? async () => given
            : () => resolveCredentials(registry, { useEnv: options.envCredentials });
    this.auth = new Authenticator(
      registry,
      async () => {
        const creds = await load();
        this.credentialUser = creds?.username;
        return creds;
      },
      this.retry,
      this.userAgent,
    );
  }

  /** Checks that the registry answers the v2 API and that authentication (if any) works. */
  async ping(): Promise<void> {
    const res = await this.send({ method: "GET", url: this.base, scopes: [], what: "registry check", ok: [200] });
    await drain(res);
  }

  /** True when `repository` has the blob. */
  async blobExists(repository: string, digest: string): Promise<boolean> {
    return this.headBlob(repository, digest, [repositoryScope(repository, ["pull"])]);
  }

  /**
   * Uploads a blob unless the repository has it already (HEAD first) or it can be mounted
   * from one of `mountFrom` (a mount the registry refuses is skipped, not an error). Small
   * blobs go up in one PUT, large ones in PATCH chunks; a failed try starts again from a fresh
   * upload session with the source opened anew.
   */
  async pushBlob(repository: string, blob: BlobSource, options: PushBlobOptions = {}): Promise<PushBlobResult> {
    checkDigest(blob.digest, this.registry);
    const scopes = [repositoryScope(repository, ["pull", "push"])];
    const result = (outcome: PushBlobResult["outcome"]): PushBlobResult => ({ digest: blob.digest, size: blob.size, outcome });
    if (await this.headBlob(repository, blob.digest, scopes)) return result("exists");
    for (const from of options.mountFrom ?? []) {
      if (from !== repository && (await this.mountBlob(repository, from, blob.digest).catch(refusedMount))) return result("mounted");
    }
    await withRetries(this.retry, async () => {
      const location = await this.startUpload(repository, scopes);
      const source = await blob.open();
      if (blob.size <= this.chunkSize) await this.uploadWhole(repository, blob, location, source, scopes, options.onProgress);
      else await this.uploadChunked(repository, blob, location, source, scopes, options.onProgress);
    });
    return result("uploaded");
  }

  /**
   * Links a blob from `fromRepository` into `repository` without sending it. False when the
   * registry could not (it answered 202 and opened an upload instead, which is cancelled).
   */
  async mountBlob(repository: string, fromRepository: string, digest: string): Promise<boolean> {
    checkDigest(digest, this.registry);
    const url = new URL(`${repository}/blobs/uploads/`, this.base);
    url.searchParams.set("mount", digest);
    url.searchParams.set("from", fromRepository);
    const res = await this.send({
      method: "POST",
      url,
      scopes: [repositoryScope(repository, ["pull", "push"]), repositoryScope(fromRepository, ["pull"])],
      what: `mount of blob ${shortDigest(digest)} from ${fromRepository} into ${repository}`,
      ok: [201, 202],
    });
    await drain(res);
    if (res.status === 201) return true;
    const location = res.headers.get("location");
    if (location) {
      // Best effort: an abandoned upload session is harmless, the registry expires it.
      const session = new URL(location, url);
      await fetch(session, {
        method: "DELETE",
        headers: session.origin === this.base.origin ? await this.headers([repositoryScope(repository, ["pull", "push"])]) : { "user-agent": this.userAgent },
      })
        .then(drain)
        .catch(() => undefined);
    }
    return false;
  }

  /**
   * Stores a manifest or index under a tag or digest, with Content-Type set to its media type,
   * and returns its digest (checked against the registry's Docker-Content-Digest).
   * Push an index's child manifests first: registries reject indexes with unknown children.
   */
  async putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    return (await this.storeManifest(repository, reference, bytes, mediaType)).digest;
  }

  /**
   * Stores a manifest that has a `subject` (an artifact such as an SBOM) under its digest and
   * says whether the registry lists it in its referrers API: a registry that does answers with
   * an OCI-Subject header naming the subject (OCI distribution 1.1). When it does not, the
   * caller lists the artifact under the referrers fallback tag itself.
   */
  async putReferrer(repository: string, bytes: Uint8Array, mediaType: string, subject: string): Promise<{ digest: string; listedByRegistry: boolean }> {
    const digest = digestOf(bytes, "sha256");
    const stored = await this.storeManifest(repository, digest, bytes, mediaType);
    return { digest, listedByRegistry: stored.subject === subject };
  }

  private async storeManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<{ digest: string; subject?: string }> {
    const byDigest = isDigest(reference);
    const digest = digestOf(bytes, byDigest ? digestAlgorithm(reference) : "sha256");
    if (byDigest && reference !== digest) {
      throw new RegistryError(this.registry, `manifest bytes have digest ${digest}, not ${reference}`, { exitCode: ExitCode.usage });
    }
    const res = await this.send({
      method: "PUT",
      url: new URL(`${repository}/manifests/${reference}`, this.base),
      scopes: [repositoryScope(repository, ["pull", "push"])],
      what: `manifest upload to ${repository}:${reference}`,
      ok: [200, 201],
      headers: { "content-type": mediaType },
      body: bytes,
    });
    await drain(res);
    const stored = res.headers.get("docker-content-digest");
    if (stored && storedDifferently(stored, digest)) {
      throw new RegistryError(this.registry, `registry stored the manifest as ${stored}, expected ${digest}`);
    }
    return { digest, subject: res.headers.get("oci-subject") ?? undefined };
  }

  /**
   * Fetches a manifest or index by tag or digest. Content pulled by digest is checked
   * against it; content pulled by tag against the registry's Docker-Content-Digest.
   */
  async getManifest(repository: string, reference: string, accept: readonly string[] = MANIFEST_ACCEPT): Promise<FetchedManifest> {
    const byDigest = isDigest(reference);
    const res = await this.send({
      method: "GET",
      url: new URL(`${repository}/manifests/${reference}`, this.base),
      scopes: [repositoryScope(repository, ["pull"])],
      what: `manifest ${repository}${byDigest ? "@" : ":"}${reference}`,
      ok: [200],
      headers: { accept: accept.join(", ") },
    });
    const length = Number(res.headers.get("content-length") ?? "0");
    if (length > MAX_MANIFEST_BYTES) {
      await res.body?.cancel();
      throw new RegistryError(this.registry, `manifest ${repository}:${reference} is larger than 4 MiB (${length} bytes)`);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new RegistryError(this.registry, `manifest ${repository}:${reference} is larger than 4 MiB`);
    }
    const header = res.headers.get("docker-content-digest");
    const expected = byDigest ? reference : header && isDigest(header) ? header : undefined;
    const digest = digestOf(bytes, expected !== undefined ? digestAlgorithm(expected) : "sha256");
    if (expected !== undefined && digest !== expected) {
      throw new RegistryError(this.registry, `manifest ${repository}:${reference} does not match its digest (expected ${expected}, got ${digest})`);
    }
    return { bytes, mediaType: manifestMediaType(res.headers.get("content-type"), bytes), digest };
  }

  /**
   * Streams a blob. The stream fails if the content does not match `digest` (or `size`, when
   * given); read it to the end before trusting it.
   */
  async getBlob(repository: string, digest: string, options: { size?: number } = {}): Promise<Readable> {
    checkDigest(digest, this.registry);
    const res = await this.send({
      method: "GET",
      url: new URL(`${repository}/blobs/${digest}`, this.base),
      scopes: [repositoryScope(repository, ["pull"])],
      what: `blob ${shortDigest(digest)} in ${repository}`,
      ok: [200],
    });
    if (!res.body) throw new RegistryError(this.registry, `blob ${shortDigest(digest)} in ${repository}: empty response`);
    const verifier = new VerifyingStream(
      digest,
      options.size,
      (m) => new RegistryError(this.registry, `blob ${shortDigest(digest)} from ${repository} does not match its digest (got ${describeActual(m.actual)}, ${m.bytes} bytes)`),
    );
    return pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>), verifier, () => undefined);
  }

  /** All tags of a repository, following pagination. */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let url: URL | undefined = new URL(`${repository}/tags/list`, this.base);
    for (let page = 0; url && page < 1000; page++) {
      const res: Response = await this.send({
        method: "GET",
        url,
        scopes: [repositoryScope(repository, ["pull"])],
        what: `tag list of ${repository}`,
        ok: [200],
      });
      const body = (await res.json().catch(() => ({}))) as { tags?: unknown };
      if (Array.isArray(body.tags)) tags.push(...body.tags.filter((t): t is string => typeof t === "string"));
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get("link") ?? "");
      url = next?.[1] ? new URL(next[1], url) : undefined;
    }
    return tags;
  }

  private async headBlob(repository: string, digest: string, scopes: string[]): Promise<boolean> {
    checkDigest(digest, this.registry);
    const res = await this.send({
      method: "HEAD",
      url: new URL(`${repository}/blobs/${digest}`, this.base),
      scopes,
      what: `check for blob ${shortDigest(digest)} in ${repository}`,
      ok: [200, 404],
    });
    await drain(res);
    return res.status === 200;
  }

  /** POST a new upload session; its Location carries the session state. */
  private async startUpload(repository: string, scopes: string[]): Promise<URL> {
    const url = new URL(`${repository}/blobs/uploads/`, this.base);
    const res = await this.send({ method: "POST", url, scopes, what: `upload start in ${repository}`, ok: [202], once: true });
    await drain(res);
    return this.nextLocation(res, url, `upload start in ${repository}`);
  }

  private async uploadWhole(
    repository: string,
    blob: BlobSource,
    location: URL,
    source: Readable,
    scopes: string[],
    onProgress?: (p: UploadProgress) => void,
  ): Promise<void> {
    const body = this.verifiedSource(blob, source, onProgress);
    let res: Response;
    try {
      res = await this.send({
        method: "PUT",
        url: withDigest(location, blob.digest),
        scopes,
        what: `upload of blob ${shortDigest(blob.digest)} to ${repository}`,
        ok: [201, 204],
        headers: { "content-type": "application/octet-stream", "content-length": String(blob.size) },
        stream: body,
      });
    } finally {
      // A failed try may leave the source half read; close it (and its file) before the next.
      body.destroy();
    }
    await drain(res);
    this.checkStoredDigest(res, blob.digest);
  }

  private async uploadChunked(
    repository: string,
    blob: BlobSource,
    start: URL,
    source: Readable,
    scopes: string[],
    onProgress?: (p: UploadProgress) => void,
  ): Promise<void> {
    // Progress counts what each PATCH has streamed, not what was read into the chunk: a chunk
    // is read whole before it is sent, and counting it then would run a chunk ahead.
    const body = this.verifiedSource(blob, source);
    onProgress?.({ digest: blob.digest, uploaded: 0, total: blob.size });
    const what = `upload of blob ${shortDigest(blob.digest)} to ${repository}`;
    let location = start;
    let offset = 0;
    try {
      for await (const chunk of inChunks(body, this.chunkSize)) {
        const sentBefore = offset;
        const res = await this.send({
          method: "PATCH",
          url: location,
          scopes,
          what,
          ok: [202, 204],
          headers: {
            "content-type": "application/octet-stream",
            "content-range": `${offset}-${offset + chunk.length - 1}`,
            "content-length": String(chunk.length),
          },
          bodyStream: () => Readable.from(countedSlices(chunk, (sent) => onProgress?.({ digest: blob.digest, uploaded: sentBefore + sent, total: blob.size }))),
          once: true,
        });
        await drain(res);
        location = this.nextLocation(res, location, what);
        offset += chunk.length;
      }
    } finally {
      body.destroy();
    }
    const res = await this.send({
      method: "PUT",
      url: withDigest(location, blob.digest),
      scopes,
      what,
      ok: [201, 204],
      headers: { "content-length": "0" },
      once: true,
    });
    await drain(res);
    this.checkStoredDigest(res, blob.digest);
  }

  /** The source, checked against the blob's digest and size, reporting progress (if asked) as it is read. */
  private verifiedSource(blob: BlobSource, source: Readable, onProgress?: (p: UploadProgress) => void): Readable {
    const verifier = new VerifyingStream(
      blob.digest,
      blob.size,
      (m) =>
        new RegistryError(
          this.registry,
          `blob ${shortDigest(blob.digest)} content does not match (got ${describeActual(m.actual)}, ${m.bytes} of ${blob.size} bytes): its source changed or is corrupt`,
          { exitCode: ExitCode.usage },
        ),
    );
    let uploaded = 0;
    const progress = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        uploaded += chunk.length;
        onProgress?.({ digest: blob.digest, uploaded, total: blob.size });
        callback(null, chunk);
      },
    });
    if (!onProgress) return pipeline(source, verifier, () => undefined);
    onProgress({ digest: blob.digest, uploaded: 0, total: blob.size });
    return pipeline(source, verifier, progress, () => undefined);
  }

  private checkStoredDigest(res: Response, digest: string): void {
    const stored = res.headers.get("docker-content-digest");
    if (stored && storedDifferently(stored, digest)) {
      throw new RegistryError(this.registry, `registry stored blob as ${stored}, expected ${digest}`);
    }
  }

  private nextLocation(res: Response, requestUrl: URL, what: string): URL {
    const location = res.headers.get("location");
    if (!location) throw new RegistryError(this.registry, `${what}: the registry sent no upload Location`);
    const next = new URL(location, requestUrl);
    if (next.protocol !== requestUrl.protocol && next.protocol !== "https:") {
      throw new RegistryError(this.registry, `${what}: the registry sent an upload Location with another scheme (${next.protocol})`);
    }
    return next;
  }

  private async headers(scopes: string[]): Promise<Record<string, string>> {
    const headers: Record<string, string> = { "user-agent": this.userAgent };
    const authorization = await this.auth.authorization(scopes);
    if (authorization) headers.authorization = authorization;
    return headers;
  }

  /**
   * One API call: authorization (answering 401 challenges), then retries with backoff on
   * network failures, 429 and 5xx unless the call is `once` or streams a body it cannot send again.
   * Statuses outside `call.ok` become one-line RegistryErrors.
   */
  private send(call: Call): Promise<Response> {
    // Credentials go to the registry's own origin only, as docker, containerd and
    // go-containerregistry send them: an upload Location on another origin (storage that trusts
    // the signature in its URL) gets none, and a 401 from there is its answer, not a challenge.
    const ownOrigin = call.url.origin === this.base.origin;
    const attempt = async (): Promise<Response> => {
      let scopes = call.scopes;
      for (let round = 0; ; round++) {
        const authorization = ownOrigin ? await this.auth.authorization(scopes) : undefined;
        const headers: Record<string, string> = { "user-agent": this.userAgent, ...call.headers };
        if (authorization) headers.authorization = authorization;
        const stream = call.stream ?? call.bodyStream?.();
        let res: Response;
        try {
          res = await fetch(call.url, {
            method: call.method,
            headers,
            // Node's fetch takes any Uint8Array or async iterable; the DOM typings are narrower.
            body: (stream ?? call.body) as RequestInit["body"],
            ...(stream ? { duplex: "half" as const, redirect: "error" as const } : {}),
          });
        } catch (err) {
          throw networkError(this.registry, call.what, err, this.insecure);
        }
        if (res.status === 401 && ownOrigin) {
          scopes = await this.auth.onUnauthorized(res, scopes, authorization, call.stream === undefined && round >= 2);
          if (call.stream !== undefined) {
            // The body is spent; the caller starts the upload again with fresh authorization.
            throw new RegistryError(this.registry, `${call.what}: authorization expired (401)`, { status: 401, retryable: true });
          }
          continue;
        }
        if (call.ok.includes(res.status)) return res;
        throw await this.failure(res, call.what);
      }
    };
    return call.once || call.stream ? attempt() : withRetries(this.retry, attempt);
  }

  private async failure(res: Response, what: string): Promise<RegistryError> {
    const body = await res.text().catch(() => "");
    const user = this.credentialUser ? ` for user ${this.credentialUser}` : "";
    if (res.status === 403) {
      const { message, codes } = describeFailure(`${what}: access denied${user}`, 403, body);
      return new RegistryError(this.registry, message, { status: 403, codes, exitCode: ExitCode.usage });
    }
    if (isRetryableStatus(res.status)) {
      const { message, codes } = describeFailure(`${what} failed`, res.status, body);
      return new RetryAfterError(this.registry, message, parseRetryAfter(res.headers.get("retry-after")), { status: res.status, codes });
    }
    const { message, codes } = describeFailure(res.status === 404 ? `${what}: not found` : `${what} failed`, res.status, body);
    // An upload session the registry forgot (expired, or another replica): start a fresh one.
    const retryable = codes.includes("BLOB_UPLOAD_UNKNOWN");
    return new RegistryError(this.registry, message, { status: res.status, codes, retryable });
  }
}

/** Appends digest= to an upload Location without re-encoding the state it carries. */
function withDigest(location: URL, digest: string): URL {
  const url = new URL(location);
  url.search = `${url.search ? `${url.search}&` : "?"}digest=${encodeURIComponent(digest)}`;
  return url;
}

/** Media type from Content-Type, else from the manifest's own mediaType field. */
function manifestMediaType(contentType: string | null, bytes: Buffer): string {
  const fromHeader = (contentType ?? "").split(";", 1)[0]?.trim() ?? "";
  if (fromHeader !== "" && fromHeader !== "application/json" && fromHeader !== "text/plain") return fromHeader;
  try {
    const parsed = JSON.parse(bytes.toString("utf8")) as { mediaType?: unknown; manifests?: unknown };
    if (typeof parsed.mediaType === "string") return parsed.mediaType;
    return Array.isArray(parsed.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest;
  } catch {
    return fromHeader || "application/octet-stream";
  }
}

/**
 * A mount is only a shortcut: one the registry refuses (401 or 403 for a source repository the
 * user may not read, 404 or 400 where mounts are not known) leaves the normal upload, as docker
 * does. Failures of the registry itself (5xx, network) still fail.
 */
function refusedMount(err: unknown): false {
  if (err instanceof RegistryError && err.status !== undefined && err.status >= 400 && err.status < 500 && !isRetryableStatus(err.status)) return false;
  throw err;
}

function checkDigest(digest: string, registry: string): void {
  if (!isDigest(digest)) throw new RegistryError(registry, `"${digest}" is not a sha256 or sha512 digest`, { exitCode: ExitCode.usage });
}

/**
 * True when the registry's Docker-Content-Digest names other content than `digest`. A digest
 * with another algorithm cannot be compared, so it is not a disagreement.
 */
function storedDifferently(stored: string, digest: string): boolean {
  return stored !== digest && stored.startsWith(`${digestAlgorithm(digest)}:`);
}

/** The digest a mismatching stream ended with, or why it stopped before the end. */
function describeActual(actual: string | undefined): string {
  return actual ?? "(more bytes than expected)";
}

/** Reads and drops a response body, so its connection can be reused. */
async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}

const SLICE_BYTES = 64 * 1024;

/** `bytes` in slices, calling `sent` with the running count as each slice is taken. */
function* countedSlices(bytes: Buffer, sent: (count: number) => void): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    const slice = bytes.subarray(at, at + SLICE_BYTES);
    sent(at + slice.length);
    yield slice;
  }
}

/** Re-slices a byte stream into buffers of exactly `size` bytes (the last may be shorter). */
async function* inChunks(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of source) {
    let data = piece;
    while (pendingBytes + data.length >= size) {
      const take = size - pendingBytes;
      pending.push(data.subarray(0, take));
      yield Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      data = data.subarray(take);
    }
    if (data.length > 0) {
      pending.push(data);
      pendingBytes += data.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}
