import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseGoMod, parseGoWork } from "../../src/analysis/index.js";
import { SlimgoError } from "../../src/errors.js";

describe("parseGoMod", () => {
  test("reads module, go, toolchain, single and block requires with indirect markers", () => {
    const mod = parseGoMod(
      [
        "// The service.",
        'module "example.com/svc" // quoted path',
        "",
        "go 1.22.3",
        "toolchain go1.22.5",
        "",
        "require github.com/a/b v1.2.3",
        "require (",
        "\tgithub.com/c/d v0.1.0 // indirect",
        "\t// a comment line inside the block",
        "\tgithub.com/e/f v2.0.0+incompatible // indirect; needed by tests",
        "\tgithub.com/g/h v1.0.0 // not indirect",
        ")",
      ].join("\n"),
    );
    assert.equal(mod.path, "example.com/svc");
    assert.deepEqual(mod.pathEvidence, { file: "go.mod", line: 2, text: 'module "example.com/svc" // quoted path' });
    assert.equal(mod.go, "1.22.3");
    assert.equal(mod.goEvidence?.line, 4);
    assert.equal(mod.toolchain, "1.22.5");
    assert.equal(mod.toolchainEvidence?.line, 5);
    assert.deepEqual(
      mod.requires.map((r) => [r.path, r.version, r.indirect, r.evidence.line]),
      [
        ["github.com/a/b", "v1.2.3", false, 7],
        ["github.com/c/d", "v0.1.0", true, 9],
        ["github.com/e/f", "v2.0.0+incompatible", true, 11],
        ["github.com/g/h", "v1.0.0", false, 12],
      ],
    );
  });

  test("reads every replace form and tolerates exclude, retract and godebug", () => {
    const mod = parseGoMod(
      [
        "module example.com/svc",
        "go 1.21",
        "replace example.com/a => ../a",
        "replace example.com/b v1.0.0 => example.com/b2 v1.0.1",
        "replace (",
        "\texample.com/c => example.com/c2 v0.3.0",
        "\texample.com/d v0.1.0 => ./d",
        ")",
        "exclude example.com/e v1.0.0",
        "retract [v1.0.0, v1.0.5] // broken",
        "godebug default=go1.21",
      ].join("\n"),
    );
    assert.deepEqual(
      mod.replaces.map((r) => [r.oldPath, r.oldVersion, r.newPath, r.newVersion, r.evidence.line]),
      [
        ["example.com/a", undefined, "../a", undefined, 3],
        ["example.com/b", "v1.0.0", "example.com/b2", "v1.0.1", 4],
        ["example.com/c", undefined, "example.com/c2", "v0.3.0", 6],
        ["example.com/d", "v0.1.0", "./d", undefined, 7],
      ],
    );
    assert.equal(mod.toolchain, undefined);
  });

  const errors: [string, string, RegExp][] = [
    ["misspelt directive", "module example.com/x\ngo 1.19\nmodul example.com/y\n", /^go\.mod:3: unknown directive "modul"/],
    ["no module line", "go 1.19\n", /^go\.mod: no module directive/],
    ["bad go version", "module example.com/x\ngo one.nineteen\n", /^go\.mod:2: invalid go version "one\.nineteen"/],
    ["bad toolchain", "module example.com/x\ntoolchain 1.21\n", /^go\.mod:2: invalid toolchain "1\.21"/],
    ["require without version", "module example.com/x\nrequire example.com/y\n", /^go\.mod:2: usage: require/],
    ["version without v", "module example.com/x\nrequire (\n\texample.com/y 1.0.0\n)\n", /^go\.mod:3: invalid version "1\.0\.0"/],
    ["replace without arrow", "module example.com/x\nreplace example.com/y ./y\n", /^go\.mod:2: usage: replace/],
    ["directory replacement with a version", "module example.com/x\nreplace example.com/y => ./y v1.0.0\n", /^go\.mod:2: a replacement directory/],
    ["unclosed block", "module example.com/x\nrequire (\n\texample.com/y v1.0.0\n", /^go\.mod:2: the require block is never closed/],
    ["unterminated string", 'module "example.com/x\n', /^go\.mod:1: unterminated quoted string/],
    // Characters JavaScript's \s takes for white space but go does not: once read forever.
    ["byte-order mark", "\ufeffmodule example.com/x\ngo 1.19\n", /^go\.mod:1: unexpected character U\+FEFF \(a byte-order mark\).*without a byte-order mark$/],
    ["non-breaking space", "module example.com/x\ngo\u00a01.19\n", /^go\.mod:2: unexpected character U\+00A0 \(a non-breaking space\).*plain space$/],
    ["other white space", "module example.com/x\u2003\n", /^go\.mod:1: unexpected character U\+2003,/],
    // A binary file saved as go.mod: one short line, not its bytes escaped (go: "unexpected input character '\x7f'").
    ["a control character", "\x7fELF\x02\x01\x01\x00\x00\x00\x00", /^go\.mod:1: unexpected character U\+007F, which go also rejects: go\.mod and go\.work are text: remove it, or replace a file that is not a go\.mod$/],
    ["a NUL inside a word", "module example.com/x\x00y\n", /^go\.mod:1: unexpected character U\+0000,/],
  ];
  for (const [name, text, message] of errors) {
    test(`rejects ${name} with file and line`, () => {
      assert.throws(() => parseGoMod(text), (err: unknown) => {
        assert.ok(err instanceof SlimgoError);
        assert.equal(err.exitCode, 2);
        assert.equal(err.file, "go.mod");
        assert.match(err.message, message);
        return true;
      });
    });
  }

  test("reads a character outside the BMP in a word, which go prints (unicode.IsPrint)", () => {
    const mod = parseGoMod("module example.com/x\n\nreplace example.com/lib => ../\u{1F4E6}lib\n");
    assert.equal(mod.replaces[0]?.newPath, "../\u{1F4E6}lib");
  });

  test("names the file it was given in errors", () => {
    assert.throws(() => parseGoMod("modul x\n", "svc/go.mod"), { message: /^svc\/go\.mod:1: unknown directive/ });
  });
});

describe("parseGoWork", () => {
  test("reads go and use lines, single and block", () => {
    const work = parseGoWork("go 1.22\n\nuse ./api\nuse (\n\t./lib // shared\n\t../tools\n)\n", "../go.work");
    assert.equal(work.go, "1.22");
    assert.deepEqual(work.uses.map((u) => [u.dir, u.evidence.file, u.evidence.line]), [
      ["./api", "../go.work", 3],
      ["./lib", "../go.work", 5],
      ["../tools", "../go.work", 6],
    ]);
  });

  test("rejects a non-breaking space with file and line", () => {
    assert.throws(() => parseGoWork("go 1.19\nuse\u00a0.\n", "go.work"), { message: /^go\.work:2: unexpected character U\+00A0/ });
  });

  test("rejects an unknown directive with file and line", () => {
    assert.throws(() => parseGoWork("go 1.22\nuses ./a\n", "go.work"), { message: /^go\.work:2: unknown directive "uses"/ });
  });
});
