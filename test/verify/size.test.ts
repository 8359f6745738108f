import { test } from "node:test";
import assert from "node:assert/strict";
import { SlimgoError } from "../../src/errors.js";
import { formatBytes, parseByteSize } from "../../src/verify/size.js";

test("--max-size takes bytes, decimal and binary units", () => {
  assert.equal(parseByteSize("1500"), 1500);
  assert.equal(parseByteSize("20MB"), 20_000_000);
  assert.equal(parseByteSize("20MiB"), 20 * 1024 * 1024);
  assert.equal(parseByteSize("20m"), 20 * 1024 * 1024);
  assert.equal(parseByteSize("1.5 GB"), 1_500_000_000);
  assert.throws(() => parseByteSize("big"), (e: unknown) => e instanceof SlimgoError && e.exitCode === 2 && /--max-size "big": not a size/.test(e.message));
  assert.throws(() => parseByteSize("20 parsecs"), SlimgoError);
});

test("sizes are shown in binary units", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(5 * 1024 * 1024), "5.00 MiB");
  assert.equal(formatBytes(549_140_758), "523.7 MiB");
});
