import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { shellCommand } from "../../src/shell/quote.js";

const run = promisify(execFile);

test("a command line made by shellCommand gives sh back every word and variable unchanged", async () => {
  const words = ["plain", "-ldflags=-s -w -X=main.version=1.0 beta", "it's", "$HOME", "a\\b", '"quoted"', "", "tab\there", "*.go", "semi;colon"];
  const line = shellCommand({ V: "x y'z$1" }, ["node", "-e", "console.log(JSON.stringify([process.env.V, ...process.argv.slice(1)]))", ...words]);
  const { stdout } = await run("sh", ["-c", line]);
  assert.deepEqual(JSON.parse(stdout), ["x y'z$1", ...words]);
});
