/**
 * With --json (or --format json), a command that fails still gives `slimgo build --json | jq` one
 * JSON document on stdout: {"error":{"message","exitCode"}}, beside the `slimgo:` line on stderr
 * and with the same exit code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { join } from "node:path";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";
import { createProgram } from "../../src/cli/main.js";
import { asksForJson } from "../../src/cli/json-mode.js";
import { reportError } from "../../src/cli/report-error.js";
import { createOutput } from "../../src/cli/output.js";
import { SlimgoError } from "../../src/errors.js";

const fixture = moduleCopies();
const temp = tempDirs();

interface ErrorDocument {
  error: { message: string; exitCode: number; file?: string; line?: number };
}

/** Runs slimgo and checks the error is reported both ways; returns the document. */
async function failsWithJson(args: string[], exitCode: number, options: { cwd?: string } = {}): Promise<ErrorDocument> {
  const r = await runSlimgo(args, options);
  const what = `slimgo ${args.join(" ")}`;
  assert.equal(r.code, exitCode, `${what}:\n${r.stderr}`);
  assert.match(r.stderr, /^slimgo: \S/, `${what}: stderr keeps its slimgo: line`);
  assert.match(r.stdout, /^\{.*\}\n$/, `${what}: one JSON line on stdout, got ${JSON.stringify(r.stdout)}`);
  const doc = JSON.parse(r.stdout) as ErrorDocument;
  assert.deepEqual(Object.keys(doc), ["error"], what);
  assert.equal(doc.error.exitCode, exitCode, what);
  const firstLine = r.stderr.split("\n")[0]!.replace(/^slimgo: /, "");
  assert.ok(doc.error.message.startsWith(firstLine), `${what}: the message is stderr's: ${doc.error.message} / ${firstLine}`);
  return doc;
}

test("every command's --json prints the error as one JSON document on stdout, exit code and stderr line unchanged", async () => {
  const noModule = await temp.make("slimgo-json-errors-");
  const init = await failsWithJson(["init", "--json", noModule], 2);
  assert.match(init.error.message, /go\.mod/);

  const lint = await failsWithJson(["lint", "--json", join(noModule, "Dockerfile")], 2);
  assert.match(lint.error.message, /cannot read Dockerfile \(no such file\)/);
  assert.equal(lint.error.file, join(noModule, "Dockerfile"), "the file the error names");
  await failsWithJson(["lint", "--format", "json", join(noModule, "Dockerfile")], 2);
  await failsWithJson(["lint", "--format=json", join(noModule, "Dockerfile")], 2);

  const dir = await fixture("root-main");
  const build = await failsWithJson(["build", dir, "--json", "--healthcheck", "healthz", "--oci-layout", join(noModule, "out")], 2);
  assert.match(build.error.message, /^--healthcheck healthz: expected a path/);

  const layout = join(noModule, "no-layout");
  for (const args of [["inspect", "--json"], ["verify", "--json"], ["verify", "--format", "json"]]) {
    const doc = await failsWithJson([...args, `oci:${layout}`], 2);
    assert.match(doc.error.message, /is not an OCI layout/);
  }
});

test("usage errors commander finds are JSON too, even when parsing stopped before --json", async () => {
  const unknown = await failsWithJson(["verify", "--json", "--colour", "oci:x"], 2);
  assert.equal(unknown.error.message, "unknown option '--colour'");
  const badValue = await failsWithJson(["build", "--format", "bad", "--json"], 2);
  assert.match(badValue.error.message, /^option '--format <format>' argument 'bad' is invalid/);
  await failsWithJson(["inspect", "--json"], 2);
  await failsWithJson(["biuld", "--json"], 2);

  // "--json" here is --arg's value, not the option: no JSON mode, as commander reads it too.
  const asValue = await runSlimgo(["build", "--arg", "--json", "--bogus"]);
  assert.equal(asValue.code, 2);
  assert.equal(asValue.stdout, "");
  // Without --json stdout stays empty.
  const plain = await runSlimgo(["verify", "--colour", "oci:x"]);
  assert.equal(plain.code, 2);
  assert.equal(plain.stdout, "");
  const sarif = await runSlimgo(["verify", "--format", "sarif", "oci:/nonexistent"]);
  assert.equal(sarif.code, 2);
  assert.equal(sarif.stdout, "", "a SARIF reader gets no slimgo error document");
});

test("asksForJson reads options as commander does: values, --opt=value, short groups, --", () => {
  const program = createProgram();
  const cases: [string[], boolean][] = [
    [["build", "--json"], true],
    [["build", ".", "-q", "--json"], true],
    [["build", "--arg", "--json"], false],
    [["build", "--version=--json"], false],
    [["build", "-qt", "--json"], false],
    [["build", "-qt1.0", "--json"], true],
    [["build", "--load", "--json"], true],
    [["build", "--", "--json"], false],
    [["lint", "--format", "json"], true],
    [["lint", "--format=json"], true],
    [["lint", "--format", "sarif"], false],
    [["lint", "--format", "json", "--format", "text"], false],
    [["verify", "--format", "json", "img"], true],
    [["inspect", "--platform", "--json", "img"], false],
    [["--json"], false],
    [["nosuch", "--json"], true],
    [["nosuch", "--", "--json"], false],
  ];
  for (const [argv, json] of cases) assert.equal(asksForJson(program, argv), json, argv.join(" "));
});

/** A stream that keeps what is written to it. */
function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join("") });
}

test("an internal error is JSON too: the message, no stack", () => {
  const [stdout, stderr] = [capture(), capture()];
  const code = reportError(new TypeError("cannot read properties of undefined"), { json: true, stdout, stderr });
  assert.equal(code, 2);
  assert.deepEqual(JSON.parse(stdout.text()), { error: { message: "internal error: cannot read properties of undefined", exitCode: 2 } });
  assert.doesNotMatch(stdout.text(), /\bat /);
  assert.match(stderr.text(), /^slimgo: internal error: cannot read properties of undefined\nThis is a bug in slimgo/);
});

test("a command that has printed its JSON result gets no second document for a later error", () => {
  const [stdout, stderr] = [capture(), capture()];
  createOutput({ stdout, stderr, env: {} }).json({ programs: [] });
  const code = reportError(new SlimgoError("--oci-layout out: cannot write", { exitCode: 2 }), { json: true, stdout, stderr });
  assert.equal(code, 2);
  assert.deepEqual(JSON.parse(stdout.text()), { programs: [] }, "stdout stays one document");
  assert.equal(stderr.text(), "slimgo: --oci-layout out: cannot write\n");
});

test("a rebuild's error line carries the watch's details after the error", () => {
  const [stdout, stderr] = [capture(), capture()];
  reportError(new SlimgoError("./main.go:3:1: syntax error", { exitCode: 2 }), { json: true, details: { elapsedMs: 12, changed: ["main.go"] }, stdout, stderr });
  assert.equal(stdout.text(), '{"error":{"message":"./main.go:3:1: syntax error","exitCode":2},"elapsedMs":12,"changed":["main.go"]}\n');
});
