import { test } from "node:test";
import assert from "node:assert/strict";
import { looksLikeSecretName } from "../../src/secret-names.js";
import { assignmentsIn } from "../../src/verify/secrets.js";

test("secret-looking names follow BuildKit's word rule", () => {
  for (const name of ["GITHUB_TOKEN", "api_key", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "passwd", "NPM_AUTH", "apikey", "MY_CREDENTIALS"]) {
    assert.ok(looksLikeSecretName(name), name);
  }
  for (const name of ["PATH", "MONKEY", "TOKENIZER_MODE", "PUBLIC_KEY", "SSL_CERT_FILE", "KEYBOARD", "PORT"]) {
    assert.ok(!looksLikeSecretName(name), name);
  }
  assert.ok(looksLikeSecretName("org.example.api-token", /[_.\-]/));
});

test("assignments are read from history lines, quoted or not", () => {
  assert.deepEqual(assignmentsIn('|2 NPM_TOKEN=abc TARGETOS=linux /bin/sh -c echo "x=y"'), [
    { name: "NPM_TOKEN", value: "abc" },
    { name: "TARGETOS", value: "linux" },
  ]);
  assert.deepEqual(assignmentsIn('/bin/sh -c #(nop) ENV API_KEY="a b"'), [{ name: "API_KEY", value: "a b" }]);
});
