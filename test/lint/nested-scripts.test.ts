import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildModel } from "../../src/lint/model/build.js";
import { editsFitQuotes } from "../../src/lint/model/nested-scripts.js";
import { envForCommand, goInvocations } from "../../src/lint/model/queries.js";
import type { ShellWord } from "../../src/lint/model/types.js";

/** The RUN's commands by name, and the go command's text in the Dockerfile as its word offsets cut it. */
function read(run: string): { names: string[]; go: string | undefined } {
  const m = buildModel(`FROM golang:1.22\nRUN ${run}\n`);
  const g = goInvocations(m)[0];
  const last = g?.args.at(-1) ?? g?.subWord;
  return { names: m.instructions[1]!.commands.map((c) => c.name), go: g && last && m.text.slice(g.goWord.start, last.end) };
}

/** What reaches the go command of a nested script: the shell's name in messages and droppedBy of X, HOME and TERM. */
function reach(run: string): { shell: string | undefined; X: string | undefined; HOME: string | undefined; TERM: string | undefined } {
  const g = goInvocations(buildModel(`FROM golang:1.22\nRUN ${run}\n`))[0]!;
  return { shell: g.command.script?.shell, X: g.droppedBy("X"), HOME: g.droppedBy("HOME"), TERM: g.droppedBy("TERM") };
}

/** The value A has for the last go command of the Dockerfile's only stage. */
function valueOfA(lines: string): string | null | undefined {
  const m = buildModel(`FROM golang:1.22\n${lines}\n`);
  return envForCommand(m, goInvocations(m).at(-1)!, "A");
}

/** A word's value and offsets. */
const cut = (w: ShellWord): [string, number, number] => [w.value, w.start, w.end];

describe("nested scripts", () => {
  test("sh -c and the other shells, with their options in any form: the script's commands follow the shell, their words pointing inside the quotes", () => {
    const shells = [
      "sh -c",
      "/bin/sh -c",
      "bash -ec",
      "bash -xc",
      "bash -euxc",
      "sh -e -c",
      "bash -o pipefail -c",
      "bash -euo pipefail -c",
      "bash --noprofile --norc -eo pipefail -c",
      "bash -lc",
      "dash -c",
      "ash -c",
      "/usr/bin/zsh -c",
    ];
    for (const shell of shells) {
      for (const script of ["'go build -o /app .'", '"go build -o /app ."']) {
        assert.deepEqual(read(`${shell} ${script}`), { names: [shell.split(" ")[0]!, "go"], go: "go build -o /app ." }, `${shell} ${script}`);
      }
    }
  });

  test("the script's own commands keep their order and operators, and continuation lines inside the quotes are followed", () => {
    const m = buildModel("FROM golang:1.22\nRUN sh -c 'cd /src && go build -o /app . ; echo done' && ls\n");
    const commands = m.instructions[1]!.commands;
    assert.deepEqual(commands.map((c) => [c.name, c.next, c.script?.host === commands[0]]), [["sh", "&&", false], ["cd", "&&", true], ["go", ";", true], ["echo", "", true], ["ls", "", false]]);
    const continued = "FROM golang:1.22\nRUN sh -c 'go build \\\n    -o /app .'\n";
    const g = goInvocations(buildModel(continued))[0]!;
    assert.deepEqual(g.args.map((w) => continued.slice(w.start, w.end)), ["-o", "/app", "."]);
  });

  test("only a literal string is read: not with $, ` or \\ in double quotes, in two parts, unquoted, or without -c", () => {
    const readable = ['sh -c "go build -o /app"', "sh -c 'go build -o $APP'"];
    assert.deepEqual(readable.map((run) => read(run).go), ["go build -o /app", "go build -o $APP"]);
    for (const run of ['sh -c "go build -o /app $X"', 'sh -c "go build -o \\"/app\\""', 'sh -c "go build `pwd`"', "sh -c 'go build '\"-o /app\"", "sh -c go", "sh -e build.sh -c 'go build'", "cat -c 'go build'"]) {
      assert.equal(read(run).go, undefined, run);
    }
  });

  test("exec form: the string after a shell's -c is the script, its commands after the JSON array's one command, their words pointing inside the JSON string", () => {
    const text = 'FROM golang:1.22\nRUN ["/bin/sh", "-c", "CGO_ENABLED=0 go build ./cmd/app"]\n';
    const run = buildModel(text).instructions[1]!;
    const [host, go] = run.commands;
    assert.deepEqual(run.commands.map((c) => c.name), ["/bin/sh", "go"]);
    const at = text.indexOf("CGO_ENABLED=0");
    assert.deepEqual(go!.assignments.map((a) => cut(a.word)), [["CGO_ENABLED=0", at, at + 13]]);
    assert.deepEqual(go!.words.map(cut), [["go", at + 14, at + 16], ["build", at + 17, at + 22], ["./cmd/app", at + 23, at + 32]]);
    const script = go!.script!;
    assert.deepEqual([script.host, script.shell, script.quote, script.start, script.end], [host, "sh", '"', at, at + 32]);
    // The array stays one command, its words the strings, all pointing at the whole array; one that runs no shell's -c is only that.
    const array = text.indexOf("[");
    assert.deepEqual(host!.words.map(cut), ["/bin/sh", "-c", "CGO_ENABLED=0 go build ./cmd/app"].map((v) => [v, array, text.length - 1]));
    for (const exec of ['["go", "build", "-o", "/app", "."]', '["sh", "build.sh", "-c", "go build"]', '["cat", "-c", "go build"]']) {
      const commands = buildModel(`FROM golang:1.22\nRUN ${exec}\n`).instructions[1]!.commands;
      assert.deepEqual(commands.map((c) => [c.words.map((w) => w.value), c.script]), [[JSON.parse(exec), undefined]], exec);
    }
  });

  test("exec form: the option forms of the shell form (-ec, -euxc, -o pipefail -c), su --command=, wrappers, continuation lines, and scripts inside", () => {
    for (const shell of ['"bash", "-ec"', '"bash", "-euxc"', '"/bin/bash", "-o", "pipefail", "-c"', '"sh", "-e", "-c"', '"sudo", "-E", "sh", "-c"']) {
      const exec = `[${shell}, "apt-get update && go build -o /app ."]`;
      assert.deepEqual(read(exec), { names: [(JSON.parse(exec) as string[])[0]!, "apt-get", "go"], go: "go build -o /app ." }, exec);
    }
    assert.deepEqual(read('["su", "-", "builder", "--command=go build -o /app ."]'), { names: ["su", "go"], go: "go build -o /app ." });
    assert.deepEqual(read('["sh", "-c", "go build \\\n    -o /app ."]'), { names: ["sh", "go"], go: "go build \\\n    -o /app ." });
    assert.deepEqual(read(`["sh", "-c", "su - builder -c 'go build -o /app .'"]`), { names: ["sh", "su", "go"], go: "go build -o /app ." });
    assert.deepEqual(reach(`["sh", "-c", "su - builder -c 'go build'"]`), { shell: "su -", X: "su -", HOME: "su -", TERM: undefined });
    assert.equal(valueOfA('RUN ["env", "A=1", "sh", "-c", "go build"]'), "1");
  });

  test("exec form: a JSON string with an escape is still read, but its words all point at the whole string and no edit may land there", () => {
    const text = 'FROM golang:1.22\nRUN ["sh", "-c", "go build -o \\"/app\\" .\\ngo vet"]\n';
    const m = buildModel(text);
    const inner = m.instructions[1]!.commands.slice(1);
    const string = '"go build -o \\"/app\\" .\\ngo vet"';
    const at = text.indexOf(string);
    assert.deepEqual(inner.map((c) => c.words.map((w) => w.value)), [["go", "build", "-o", "/app", "."], ["go", "vet"]]);
    assert.deepEqual([...new Set(inner.flatMap((c) => c.words.map((w) => `${w.start}-${w.end}`)))], [`${at}-${at + string.length}`]);
    assert.deepEqual(inner.map((c) => c.script?.quote), ["", ""]);
    const fits = (offset: number, insert: string): boolean => editsFitQuotes(m, [{ start: offset, end: offset, text: insert }]);
    assert.deepEqual([at, at + 1, at + string.length - 1, at + string.length].map((o) => fits(o, "CGO_ENABLED=0 ")), [false, false, false, false]);
    assert.equal(fits(at - 1, "CGO_ENABLED=0 "), true, "before the string is outside it");
  });

  test("exec form: an edit fits in the JSON string only when it needs no escaping there", () => {
    const text = 'FROM golang:1.22\nRUN ["sh", "-c", "go build -o /app ."]\n';
    const m = buildModel(text);
    const go = text.indexOf("go build");
    assert.deepEqual(["CGO_ENABLED=0 ", " -trimpath", '"', "\\", "'"].map((t) => editsFitQuotes(m, [{ start: go, end: go, text: t }])), [true, true, false, false, true]);
  });

  test("su and runuser: a login resets the environment but TERM and the -w names, otherwise they set HOME and SHELL unless -m; the outermost wrapper is named", () => {
    const cases: [string, ReturnType<typeof reach>][] = [
      ["su - builder -c 'go build'", { shell: "su -", X: "su -", HOME: "su -", TERM: undefined }],
      ["su -l builder -c 'go build'", { shell: "su -l", X: "su -l", HOME: "su -l", TERM: undefined }],
      ["su --login builder --command='go build'", { shell: "su --login", X: "su --login", HOME: "su --login", TERM: undefined }],
      ["su - -w X,Y builder -c 'go build'", { shell: "su -", X: undefined, HOME: "su -", TERM: undefined }],
      ["su builder -c 'go build'", { shell: "su", X: undefined, HOME: "su", TERM: undefined }],
      ["su -c 'go build' builder", { shell: "su", X: undefined, HOME: "su", TERM: undefined }],
      ["su -m builder -c 'go build'", { shell: "su", X: undefined, HOME: undefined, TERM: undefined }],
      ["su -p -s /bin/bash builder -c 'go build'", { shell: "su", X: undefined, HOME: undefined, TERM: undefined }],
      ["runuser -l builder -c 'go build'", { shell: "runuser -l", X: "runuser -l", HOME: "runuser -l", TERM: undefined }],
      ["runuser builder -c 'go build'", { shell: "runuser", X: undefined, HOME: "runuser", TERM: undefined }],
      ["env -i su - builder -c 'go build'", { shell: "su -", X: "env", HOME: "env", TERM: "env" }],
      ["sudo -E sh -c 'go build'", { shell: "sh", X: undefined, HOME: undefined, TERM: undefined }],
      ["sh -c 'su - builder -c \"sudo -E go build\"'", { shell: "su -", X: "su -", HOME: "su -", TERM: undefined }],
    ];
    for (const [run, expected] of cases) assert.deepEqual(reach(run), expected, run);
    for (const run of ["su -s /usr/bin/fish builder -c 'go build'", "su - builder", "su builder -c", "runuser -u builder -c 'go build'"]) assert.equal(read(run).go, undefined, run);
  });

  test("variables: the host's VAR=value words and exports before it reach the script unless su - drops them; an export inside counts for the script's later commands only", () => {
    assert.equal(valueOfA("RUN A=1 sh -c 'go build'"), "1");
    assert.equal(valueOfA("RUN A=1 su - builder -c 'go build'"), undefined);
    assert.equal(valueOfA("RUN sh -c 'A=4 go build'"), "4");
    assert.equal(valueOfA("RUN sh -c 'export A=1 && go build'"), "1");
    assert.equal(valueOfA("RUN sh -c 'export A=1' && go build"), undefined);
    assert.equal(valueOfA("RUN export A=1 && sh -c 'go build'"), "1");
    assert.equal(valueOfA("RUN export A=1 && su - builder -c 'go build'"), undefined);
    assert.equal(valueOfA("RUN su - builder -c 'export A=1; go build'"), "1");
    assert.equal(valueOfA("RUN A=2 sh -c 'export A=1; go build'"), "1", "an export in the script replaces the value the shell got");
    assert.equal(valueOfA("RUN sh -c 'export A=1; sh -c \"go build\"'"), "1");
    assert.equal(valueOfA("RUN sh -c 'export A=1; su - builder -c \"go build\"'"), undefined);
    assert.equal(valueOfA("ENV A=3\nRUN sh -c 'go build'"), "3");
    assert.equal(valueOfA("ENV A=3\nRUN A=2 sh -c 'go build'"), "2");
    assert.equal(valueOfA("ENV A=3\nRUN su - builder -c 'go build'"), undefined);
    assert.equal(valueOfA("ENV A=3\nRUN su - -w A builder -c 'go build'"), "3");
  });

  test("an edit inside a script fits only text its quotes keep as it is (and the quotes around them)", () => {
    const text = "FROM golang:1.22\nRUN sh -c 'go build' && su builder -c \"go vet\" && sh -c 'su builder -c \"go test\"'\n";
    const m = buildModel(text);
    const at = (s: string): number => text.indexOf(s);
    const fits = (offset: number, insert: string): boolean => editsFitQuotes(m, [{ start: offset, end: offset, text: insert }]);
    assert.deepEqual(["CGO_ENABLED=0 ", "GOOS=$TARGETOS ", "'", ' -ldflags="-s -w"'].map((t) => fits(at("go build"), t)), [true, true, false, true]);
    assert.deepEqual(["CGO_ENABLED=0 ", "$X", "`", '"', "\\", "'"].map((t) => fits(at("go vet"), t)), [true, false, false, false, false, true]);
    assert.deepEqual(["CGO_ENABLED=0 ", "'", "$X"].map((t) => fits(at("go test"), t)), [true, false, false]);
    assert.equal(fits(at("sh -c 'go build'"), "'"), true, "outside the quotes anything goes");
    assert.equal(fits(at("build'") + "build".length, "'"), false, "right before the closing quote is inside");
  });
});
