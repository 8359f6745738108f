import { test } from "node:test";
import assert from "node:assert/strict";
import { fixedPart, looksLikeSecretPath, runTimeFiles } from "../../src/analysis/run-time-files.js";
import { makeContext } from "../lint/support/context.js";

const at = { file: "main.go", line: 7 };
const read = (path: string) => ({ path, evidence: at });

test("files and directories the module has are copied; a glob stands for its directory", () => {
  const root = makeContext({ "config.json": "{}", "templates/index.html": "<p>", "templates/parts/nav.html": "<nav>", "static/site.css": "body{}" });
  const { copied, leftOut } = runTimeFiles(root, [read("config.json"), read("templates/*.html"), read("./static/"), read("templates/parts/*.html")]);
  assert.deepEqual(
    copied.map((c) => [c.path, c.directory, c.files, c.read.path]),
    [
      ["config.json", false, ["config.json"], "config.json"],
      ["templates", true, ["templates/index.html", "templates/parts/nav.html"], "templates/*.html"],
      ["static", true, ["static/site.css"], "./static/"],
      ["templates/parts", true, ["templates/parts/nav.html"], "templates/parts/*.html"],
    ],
  );
  assert.deepEqual(leftOut, []);
});

test("what is not copied, and why", () => {
  const root = makeContext({
    ".env": "TOKEN=x",
    "api-token.txt": "x",
    "certs/server.pem": "x",
    "config/app.yaml": "a: 1",
    "config/db.key": "x",
    "secrets/db.json": "{}",
    "my file.txt": "x",
  });
  const { copied, leftOut } = runTimeFiles(root, [
    read(".env"),
    read("api-token.txt"),
    read("certs"),
    read("config"),
    read("secrets/db.json"),
    read("uploads"),
    read("../shared/data.json"),
    read("*.json"),
    read("my file.txt"),
  ]);
  assert.deepEqual(copied, []);
  const why = Object.fromEntries(leftOut.map((l) => [l.path, l.why]));
  assert.match(why[".env"]!, /looks like it holds a secret/);
  assert.match(why["api-token.txt"]!, /looks like it holds a secret/);
  assert.match(why["certs"]!, /holds certs\/server\.pem, which looks like a secret/);
  assert.match(why["config"]!, /holds config\/db\.key, which looks like a secret/);
  assert.match(why["secrets/db.json"]!, /looks like it holds a secret/);
  assert.match(why["uploads"]!, /is not in the module/);
  assert.match(why["../shared/data.json"]!, /not a path inside the module/);
  assert.match(why[""]!, /matches files at the top of the working directory/);
  assert.match(why["my file.txt"]!, /quote/);
  assert.equal(leftOut.length, 9);
});

test("a path read twice is listed once", () => {
  const root = makeContext({ "templates/a.html": "a" });
  const { copied } = runTimeFiles(root, [read("templates/*.html"), read("templates")]);
  assert.deepEqual(copied.map((c) => c.path), ["templates"]);
});

test("fixedPart and looksLikeSecretPath", () => {
  assert.equal(fixedPart("templates/*.html"), "templates");
  assert.equal(fixedPart("./public/"), "public");
  assert.equal(fixedPart("*.tmpl"), "");
  for (const p of [".env.production", "keys/id.key", "auth-token", "credentials.json", "secret/x"]) assert.ok(looksLikeSecretPath(p), p);
  for (const p of ["templates/index.html", "static", "keyboard.json", "monkey.txt", "config.json"]) assert.ok(!looksLikeSecretPath(p), p);
});
