import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.js";
import { parseConfig } from "../../src/config/parse.js";
import { SlimgoError } from "../../src/errors.js";

function expectConfigError(text: string, pattern: RegExp) {
  assert.throws(() => parseConfig(text, "/m/slimgo.yaml"), (err: unknown) => {
    assert.ok(err instanceof SlimgoError, `expected SlimgoError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, pattern);
    return true;
  });
}

test("a valid config is read with its values", () => {
  const config = parseConfig("main: ./cmd/api\ninit:\n  runtime: distroless\nlint:\n  ignore: [SG101]\n  failure-threshold: error\n", "slimgo.yaml");
  assert.equal(config.main, "./cmd/api");
  assert.equal(config.init?.runtime, "distroless");
  assert.deepEqual(config.lint?.ignore, ["SG101"]);
  assert.equal(config.lint?.["failure-threshold"], "error");
});

test("build.assets is one path or a list of them", () => {
  assert.equal(parseConfig("build:\n  assets: static\n", "slimgo.yaml").build?.assets, "static");
  assert.deepEqual(parseConfig("build:\n  assets: [static, config.json]\n", "slimgo.yaml").build?.assets, ["static", "config.json"]);
  expectConfigError("build:\n  assets: { dir: static }\n", /slimgo\.yaml:2: build\.assets/);
});

test("an unknown key names the key and its line", () => {
  expectConfigError("main: ./cmd/api\ninit:\n  runtme: scratch\n", /slimgo\.yaml:3: init\.runtme: unknown key/);
});

test("a wrong value names the key, its line and what is allowed", () => {
  expectConfigError("init:\n  runtime: ubuntu\n", /slimgo\.yaml:2: init\.runtime: must be one of scratch, distroless, alpine, debian, not the text "ubuntu"$/);
  expectConfigError("build:\n  user: nobody\n", /slimgo\.yaml:2: build\.user: must be a numeric uid/);
});

test("a list or a text where a map belongs is an error naming the key, its line and the shape, not a map of indexes", () => {
  expectConfigError("build:\n  env: [A=1, B=two]\n", /^\/m\/slimgo\.yaml:2: build\.env: must be a map of NAME: value, e\.g\. \{ GOMEMLIMIT: 200MiB \}, not a list: write \{ A: "1", B: "two" \}$/);
  expectConfigError("build:\n  labels:\n    - team=x\n", /^\/m\/slimgo\.yaml:2: build\.labels: must be a map of NAME: value, .*not a list: write \{ team: "x" \}$/);
  expectConfigError("build:\n  go-env: GOEXPERIMENT=loopvar\n", /^\/m\/slimgo\.yaml:2: build\.go-env: must be a map of NAME: value, .*not the text "GOEXPERIMENT=loopvar"$/);
  expectConfigError("lint:\n  severity: [SG105]\n", /^\/m\/slimgo\.yaml:2: lint\.severity: must be a map of RULE: level, e\.g\. \{ SG105: warning \}, not a list$/);
  expectConfigError("main: ./cmd/api\nbuild:\n  - env\n", /^\/m\/slimgo\.yaml:2: build: must be a map of settings \(platforms:, base:, env:, \.\.\.\), not a list$/);
  expectConfigError("init: [scratch]\n", /^\/m\/slimgo\.yaml:1: init: must be a map of settings/);
  expectConfigError("- build\n", /^\/m\/slimgo\.yaml:1: \(top level\): must be a map of sections \(main:, init:, lint:, build:\), not a list$/);
  assert.deepEqual(parseConfig("build:\n  env: { A: \"1\" }\n  labels:\n    team: x\n", "slimgo.yaml").build, { env: { A: "1" }, labels: { team: "x" } });
});

test("a number or true/false where text is meant is read as the text written", () => {
  const config = parseConfig("build:\n  env: { PORT: 9090, VERSION: 1.10, DEBUG: true }\n  labels: { a: 1 }\n  user: 0\n  go-env: { GOAMD64: v3, CGO_ENABLED: 0 }\n  args: [--port, 8080]\n", "slimgo.yaml");
  assert.deepEqual(config.build, { env: { PORT: "9090", VERSION: "1.10", DEBUG: "true" }, labels: { a: "1" }, user: "0", "go-env": { GOAMD64: "v3", CGO_ENABLED: "0" }, args: ["--port", "8080"] });
  assert.equal(parseConfig("init:\n  port: 8080\n  shell: true\n", "slimgo.yaml").init?.port, 8080, "numbers stay numbers where a number is meant");
});

test("one value where a list is meant is a list of one", () => {
  assert.deepEqual(parseConfig("build:\n  platforms: linux/arm64\n  flags: -tags=netgo\n  args: serve\n  ldflags: -X main.edition=oss\nlint:\n  ignore: SG101\n", "slimgo.yaml"), {
    build: { platforms: ["linux/arm64"], flags: ["-tags=netgo"], args: ["serve"], ldflags: ["-X main.edition=oss"] },
    lint: { ignore: ["SG101"] },
  });
});

test("a value of the wrong type says what to write, with the key and its line", () => {
  expectConfigError("build:\n  env:\n    PORT: [9090]\n", /^\/m\/slimgo\.yaml:3: build\.env\.PORT: must be text, e\.g\. "value" \(quoted, or a number\), not a list$/);
  expectConfigError("build:\n  platforms: { linux: arm64 }\n", /^\/m\/slimgo\.yaml:2: build\.platforms: must be a list, e\.g\. \[linux\/amd64, linux\/arm64\], or one value, not a map$/);
  expectConfigError("build:\n  flags:\n    - -trimpath\n    - [x]\n", /^\/m\/slimgo\.yaml:4: build\.flags\[1\]: must be text, e\.g\. -tags=netgo, not a list$/);
  expectConfigError("init:\n  port: http\n", /^\/m\/slimgo\.yaml:2: init\.port: must be a port number, e\.g\. 8080, not the text "http"$/);
  expectConfigError("init:\n  shell: sometimes\n", /^\/m\/slimgo\.yaml:2: init\.shell: must be true or false, not the text "sometimes"$/);
  expectConfigError("lint:\n  failure-threshold: high\n", /^\/m\/slimgo\.yaml:2: lint\.failure-threshold: must be one of error, warning, info, style, none, not the text "high"$/);
  expectConfigError("build:\n  env: { A: }\n", /^\/m\/slimgo\.yaml:2: build\.env\.A: must be text, .*not an empty value$/);
  assert.throws(() => parseConfig("build:\n  env: { PORT: [1] }\n", "slimgo.yaml"), (err: Error) => !/Invalid type|Expected/.test(err.message));
});

test("broken YAML names the line", () => {
  expectConfigError("main: ./cmd/api\ninit: [unclosed\n", /slimgo\.yaml:\d+: invalid YAML/);
});

test("a missing default file is an empty config; a missing --config file is an error", async () => {
  const dir = await mkdtemp(join(tmpdir(), "slimgo-config-"));
  try {
    assert.deepEqual((await loadConfig(dir)).config, {});
    await assert.rejects(loadConfig(dir, join(dir, "nope.yaml")), /nope\.yaml: cannot read config/);
    await writeFile(join(dir, "slimgo.yaml"), "init:\n  port: 99999\n");
    await assert.rejects(loadConfig(dir), /slimgo\.yaml:2: init\.port/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an env or go-env name with \"=\" or none, and an empty label name, are errors naming the line, as --env and --label refuse them", () => {
  expectConfigError('build:\n  env:\n    OK: "1"\n    "A=B": x\n', /slimgo\.yaml:4: build\.env\.A=B: "A=B" cannot be a variable name, as "=" ends the name: write the name alone$/);
  expectConfigError('build:\n  env: { "": x }\n', /slimgo\.yaml:2: build\.env\.: a name must not be empty \(""\)$/);
  expectConfigError('build:\n  go-env: { "GOFLAGS=": x }\n', /slimgo\.yaml:2: build\.go-env\.GOFLAGS=: /);
  expectConfigError('build:\n  labels: { "": x }\n', /slimgo\.yaml:2: build\.labels\.: a name must not be empty/);
  assert.deepEqual(parseConfig('build:\n  labels: { "a=b": x }\n  env: { "A B": "1" }\n', "slimgo.yaml").build?.labels, { "a=b": "x" }, "a label key may hold =, as LABEL does");
});

test("a merge key (<<: *anchor) shares a map, as docker compose reads it; one that names no map is an error naming its line", () => {
  const config = parseConfig("build:\n  env: &common\n    TEAM: payments\n    PORT: 9090\n  labels:\n    <<: *common\n    tier: backend\n", "slimgo.yaml");
  assert.deepEqual(config.build?.labels, { TEAM: "payments", PORT: "9090", tier: "backend" });
  assert.deepEqual(config.build?.env, { TEAM: "payments", PORT: "9090" });
  expectConfigError("build:\n  labels:\n    <<: payments\n", /slimgo\.yaml:3: invalid YAML: Merge sources must be maps/);
});
