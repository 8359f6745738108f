// Servers on 127.0.0.1 that make the test registry behave as registries elsewhere do:
// a front that forwards to it but may answer a request itself or change an answer's status
// and headers (S3-backed redirects, Locations written another way, OCI-Subject, expiring
// tokens), and a blob store on another origin that redirects point at, as a presigned S3 or
// GCS URL would.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface FrontRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FrontAnswer {
  status: number;
  /** Lower-case names; change them in place. */
  headers: Record<string, string | string[] | undefined>;
  /** Set to send this body instead of the registry's. */
  body?: Buffer;
}

export interface FrontHooks {
  /** Answer the request here (return true), or leave it to the registry. `body` is the whole request body. */
  intercept?: (req: FrontRequest, res: ServerResponse, body: Buffer) => boolean | Promise<boolean>;
  /** Headers to set on the request forwarded to the registry (e.g. the front's own login). */
  forwardHeaders?: (req: FrontRequest) => Record<string, string>;
  /** Change the registry's answer before it goes back. */
  rewrite?: (req: FrontRequest, answer: FrontAnswer, body: Buffer) => void;
}

export interface Front {
  host: string;
  requests: FrontRequest[];
  stop(): Promise<void>;
}

/** Forwards to `target` (host:port), each request body read whole first so hooks can see it. */
export async function startFront(target: string, hooks: FrontHooks = {}): Promise<Front> {
  const [targetHost, targetPort] = target.split(":");
  const requests: FrontRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://front");
      const seen: FrontRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers };
      requests.push(seen);
      void (async () => {
        if (hooks.intercept && (await hooks.intercept(seen, res, body))) return;
        const headers = { ...req.headers, ...hooks.forwardHeaders?.(seen) };
        const upstream = request({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers }, (answer) => {
          const out: FrontAnswer = { status: answer.statusCode ?? 502, headers: { ...answer.headers } };
          hooks.rewrite?.(seen, out, body);
          if (out.body !== undefined) {
            answer.resume();
            res.writeHead(out.status, { ...out.headers, "content-length": String(out.body.length) });
            res.end(out.body);
            return;
          }
          res.writeHead(out.status, out.headers);
          answer.pipe(res);
        });
        upstream.on("error", () => res.destroy());
        upstream.end(body);
      })().catch(() => res.destroy());
    });
  });
  const port = await listen(server);
  return { host: `127.0.0.1:${port}`, requests, stop: () => close(server) };
}

export interface BlobStore {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Every request the store got, with its headers. */
  requests: FrontRequest[];
  /** A presigned-style URL for a blob of `repository`. */
  urlFor(repository: string, digest: string): string;
  stop(): Promise<void>;
}

/**
 * A storage service on its own origin that serves blobs for presigned URLs, reading them from
 * the registry with the headers `login` gives (the test's own login). Like S3, it refuses a
 * request that carries an Authorization header beside the signature in the query (400).
 */
export async function startBlobStore(
  registryUrl: string,
  login: (repository: string) => Promise<Record<string, string>> = async () => ({}),
): Promise<BlobStore> {
  const requests: FrontRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://store");
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers });
    req.resume();
    if (req.headers.authorization !== undefined) {
      res.writeHead(400, { "content-type": "application/xml" });
      res.end("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>");
      return;
    }
    const match = /^\/bucket\/(.+)\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
    if (!match || url.searchParams.get("X-Amz-Signature") !== "test-signature") {
      res.writeHead(403);
      res.end();
      return;
    }
    void login(match[1]!)
      .then((headers) => fetch(`${registryUrl}/v2/${match[1]}/blobs/${match[2]}`, { method: req.method, headers }))
      .then(async (answer) => {
        const bytes = Buffer.from(await answer.arrayBuffer());
        res.writeHead(answer.status, {
          "content-type": "application/octet-stream",
          "content-length": answer.headers.get("content-length") ?? String(bytes.length),
        });
        res.end(req.method === "HEAD" ? undefined : bytes);
      })
      .catch(() => res.destroy());
  });
  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    requests,
    urlFor: (repository, digest) => `${origin}/bucket/${repository}/${digest}?X-Amz-Expires=300&X-Amz-Signature=test-signature`,
    stop: () => close(server),
  };
}

/** The blob a GET or HEAD asks for: `{ repository, digest }`, else undefined. */
export function blobRequest(req: FrontRequest): { repository: string; digest: string } | undefined {
  const match = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(req.path);
  return match ? { repository: match[1]!, digest: match[2]! } : undefined;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
