import { test } from "node:test";
import assert from "node:assert/strict";
import { analyze } from "../../src/analysis/index.js";
import { portsInImage, unsetPortNote } from "../../src/build/ports.js";
import { loopbackWarning } from "../../src/dockerfile/plan.js";
import { makeContext } from "../lint/support/context.js";

const facts = async (main: string) => {
  const analysis = await analyze(makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": main }), { engine: "scanner" });
  return analysis.mainPackages[0]!.facts;
};
const withDefault = await facts('package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "8080"\n\t}\n\t_ = http.ListenAndServe(":"+port, nil)\n}\n');
const noDefault = await facts('package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() { _ = http.ListenAndServe(":"+os.Getenv("PORT"), nil) }\n');
const databasePort = await facts('package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\t_ = os.Getenv("DB_PORT")\n\t_ = http.ListenAndServe(os.Getenv("ADDR"), nil)\n}\n');
const literal = await facts('package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":3000", nil) }\n');

test("the image's ENV moves the port a variable's default gave, and a value that is no port leaves it", () => {
  assert.deepEqual(portsInImage(withDefault, {}).map((p) => p.port), [8080]);
  assert.deepEqual(portsInImage(withDefault, { PORT: "9090" }).map((p) => p.port), [9090]);
  assert.deepEqual(portsInImage(withDefault, { PORT: "0.0.0.0:9091" }).map((p) => p.port), [9091]);
  assert.deepEqual(portsInImage(withDefault, { PORT: "$X" }).map((p) => p.port), [8080]);
  assert.deepEqual(portsInImage(literal, { PORT: "9090" }).map((p) => p.port), [3000], "a literal port does not follow a variable");
});

test("an address variable the image sets drops the loopback its default had, or gets the one it sets", async () => {
  const local = await facts('package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\taddr := os.Getenv("LISTEN_ADDR")\n\tif addr == "" {\n\t\taddr = "localhost:8080"\n\t}\n\t_ = http.ListenAndServe(addr, nil)\n}\n');
  const variable = (env: Record<string, string>) => portsInImage(local, env).find((p) => p.envVar === "LISTEN_ADDR");
  assert.equal(variable({})?.loopback, "localhost:8080");
  assert.deepEqual([variable({ LISTEN_ADDR: ":8080" })?.port, variable({ LISTEN_ADDR: ":8080" })?.loopback], [8080, undefined]);
  assert.equal(variable({ LISTEN_ADDR: "127.0.0.1:9000" })?.loopback, "127.0.0.1:9000");
  assert.equal(loopbackWarning({ dir: ".", importPath: "example.com/app", binary: "app", evidence: { file: "main.go", line: 1 }, facts: { ...local, ports: portsInImage(local, { LISTEN_ADDR: ":8080" }) } }, process.cwd()), undefined);
  assert.match(loopbackWarning({ dir: ".", importPath: "example.com/app", binary: "app", evidence: { file: "main.go", line: 1 }, facts: local }, process.cwd()) ?? "", /app listens on localhost:8080/);
});

test("a listen variable read with no default, set by the image, replaces the port a flag's default gave", async () => {
  const overridden = await facts('package main\n\nimport (\n\t"flag"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\taddr := flag.String("listen", ":9000", "address")\n\tflag.Parse()\n\tif v := os.Getenv("LISTEN_ADDR"); v != "" {\n\t\t*addr = v\n\t}\n\t_ = http.ListenAndServe(*addr, nil)\n}\n');
  assert.deepEqual(portsInImage(overridden, {}).map((p) => p.port), [9000]);
  assert.deepEqual(portsInImage(overridden, { LISTEN_ADDR: ":8000" }).map((p) => [p.port, p.envVar]), [[8000, "LISTEN_ADDR"]]);
  assert.deepEqual(portsInImage(overridden, { DB_ADDR: ":5432" }).map((p) => p.port), [9000]);
});

test("a PORT read with no default has a port only when the image sets one, and a note says so otherwise", () => {
  assert.equal(noDefault.portVariable?.name, "PORT");
  assert.deepEqual(portsInImage(noDefault, {}), []);
  assert.match(unsetPortNote(noDefault, {}, process.cwd()) ?? "", /^reads its port from PORT \(main\.go:8\), which has no default .*--env PORT=8080/);
  assert.deepEqual(portsInImage(noDefault, { PORT: "7070" }).map((p) => [p.port, p.envVar]), [[7070, "PORT"]]);
  assert.equal(unsetPortNote(noDefault, { PORT: "7070" }, process.cwd()), undefined);
  assert.equal(unsetPortNote(withDefault, {}, process.cwd()), undefined);
  assert.equal(literal.portVariable, undefined);
  assert.equal(databasePort.portVariable, undefined, "DB_PORT is a port the program connects to");
  assert.equal(unsetPortNote(databasePort, {}, process.cwd()), undefined);
});
