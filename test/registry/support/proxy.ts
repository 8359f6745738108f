// An HTTP proxy on 127.0.0.1 in front of a test registry that records every request and can
// inject faults: drop the connection after part of a request body, or answer an error status.
import { createServer, request, type IncomingMessage, type Server } from "node:http";

export interface SeenRequest {
  method: string;
  /** Path without the query. */
  path: string;
}

/**
 * pass: forward; drop: close the socket once some of the request body arrived; corrupt: forward
 * but flip the first byte of the response body; a status: answer with it.
 */
export type Fault = "pass" | "drop" | "corrupt" | { status: number; retryAfter?: string };

export interface FaultProxy {
  host: string;
  requests: SeenRequest[];
  /** Request body bytes that have reached the proxy, all requests together. */
  bodyBytes(): number;
  stop(): Promise<void>;
}

export async function startFaultProxy(
  target: string,
  decide: (req: SeenRequest, seen: number) => Fault = () => "pass",
): Promise<FaultProxy> {
  const [targetHost, targetPort] = target.split(":");
  const requests: SeenRequest[] = [];
  let bodyBytes = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const seen: SeenRequest = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0] ?? "/" };
    requests.push(seen);
    req.on("data", (chunk: Buffer) => (bodyBytes += chunk.length));
    const fault = decide(seen, requests.length);
    if (fault === "drop") {
      const hasBody = req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0";
      if (hasBody || req.headers["transfer-encoding"]) req.once("data", () => req.socket.destroy());
      else req.socket.destroy();
      return;
    }
    if (typeof fault === "object") {
      req.resume();
      req.on("end", () => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        res.writeHead(fault.status, headers);
        res.end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "injected fault" }] }));
      });
      return;
    }
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (fault !== "corrupt") {
          answer.pipe(res);
          return;
        }
        let first = true;
        answer.on("data", (chunk: Buffer) => {
          if (first && chunk.length > 0) {
            chunk = Buffer.from(chunk);
            chunk[0] = (chunk[0] ?? 0) ^ 0xff;
            first = false;
          }
          res.write(chunk);
        });
        answer.on("end", () => res.end());
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    bodyBytes: () => bodyBytes,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
