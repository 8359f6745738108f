import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseChallenge } from "../../src/registry/auth.js";
import { summariseErrorBody } from "../../src/registry/errors.js";
import { backoffDelay, MAX_RETRY_AFTER_MS, parseRetryAfter } from "../../src/registry/retry.js";

describe("WWW-Authenticate challenges", () => {
  test("bearer with a quoted scope holding commas", () => {
    assert.deepEqual(
      parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"'),
      {
        scheme: "bearer",
        params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/alpine:pull,push" },
      },
    );
  });
  test("basic, unquoted values and escapes", () => {
    assert.deepEqual(parseChallenge('Basic realm="Registry \\"Realm\\""'), { scheme: "basic", params: { realm: 'Registry "Realm"' } });
    assert.deepEqual(parseChallenge("Bearer realm=https://x/token, service=x"), { scheme: "bearer", params: { realm: "https://x/token", service: "x" } });
    assert.equal(parseChallenge(null), undefined);
  });
});

describe("registry error bodies", () => {
  test("codes and messages are summarised on one line", () => {
    const body = JSON.stringify({
      errors: [
        { code: "MANIFEST_BLOB_UNKNOWN", message: "blob unknown to registry", detail: "sha256:…" },
        { code: "DENIED", message: "requested access to the resource is denied" },
      ],
    });
    assert.deepEqual(summariseErrorBody(body), {
      summary: "MANIFEST_BLOB_UNKNOWN: blob unknown to registry; DENIED: requested access to the resource is denied",
      codes: ["MANIFEST_BLOB_UNKNOWN", "DENIED"],
    });
  });
  test("HTML and text bodies give their first line", () => {
    assert.deepEqual(summariseErrorBody("<html>502 Bad Gateway</html>\n<body>…"), { summary: "<html>502 Bad Gateway</html>", codes: [] });
    assert.deepEqual(summariseErrorBody(""), { summary: "", codes: [] });
  });
});

describe("backoff", () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  test("grows exponentially with jitter and stays under the cap", () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const full = Math.min(1000, 100 * 2 ** (attempt - 1));
      for (let i = 0; i < 20; i++) {
        const delay = backoffDelay(policy, attempt);
        assert.ok(delay >= full / 2 && delay <= full, `attempt ${attempt}: ${delay}`);
      }
    }
  });
  test("Retry-After wins when longer, up to a minute", () => {
    assert.equal(backoffDelay(policy, 1, 5000), 5000);
    assert.equal(backoffDelay(policy, 1, 3_600_000), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter("7"), 7000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });
});
