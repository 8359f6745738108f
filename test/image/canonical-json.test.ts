import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalJson } from "../../src/image/canonical-json.js";

test("keys are sorted at every depth, integer-like keys included", () => {
  const value = { b: 1, a: { z: true, "8080/tcp": {}, "10": "x", "9": null }, labels: { "2": "two", "10": "ten", x: "y" } };
  assert.equal(
    canonicalJson(value),
    '{"a":{"10":"x","8080/tcp":{},"9":null,"z":true},"b":1,"labels":{"10":"ten","2":"two","x":"y"}}',
  );
});

test("insertion order does not change the output", () => {
  const one = { Labels: { "1": "a", b: "c", a: "d" }, Env: ["X=1"] };
  const two = { Env: ["X=1"], Labels: { a: "d", b: "c", "1": "a" } };
  assert.equal(canonicalJson(one), canonicalJson(two));
});

test("undefined members are left out, arrays keep their order and escapes follow JSON", () => {
  assert.equal(canonicalJson({ a: undefined, b: [3, 1, "é\n"] }), '{"b":[3,1,"é\\n"]}');
});

test("values JSON cannot carry are refused", () => {
  assert.throws(() => canonicalJson({ n: Number.NaN }));
  assert.throws(() => canonicalJson({ f: () => 1 }));
});
