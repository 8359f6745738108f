import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { scanGoSource } from "../../src/analysis/index.js";

describe("Go source scanner", () => {
  test("reads grouped, aliased, dot and blank imports, and ignores import text in comments and strings", () => {
    const src = scanGoSource(
      "x.go",
      [
        "// Package x mentions import \"C\" only in a comment.",
        "package main",
        "",
        "/* import \"C\" */",
        'import "fmt"',
        "import (",
        '\tstdhttp "net/http"',
        '\t. "strings"',
        '\t_ "time/tzdata"',
        "\t// \"os/user\"",
        ')',
        "",
        "const doc = `",
        'import "C"',
        "`",
        "",
        "func main() { fmt.Println(stdhttp.StatusOK, ToUpper(doc)) }",
      ].join("\n"),
    );
    assert.equal(src.packageName, "main");
    assert.equal(src.packageLine, 2);
    assert.deepEqual(src.imports, [
      { path: "fmt", line: 5 },
      { path: "net/http", name: "stdhttp", line: 7 },
      { path: "strings", name: ".", line: 8 },
      { path: "time/tzdata", name: "_", line: 9 },
    ]);
    assert.equal(src.localNames.get("stdhttp"), "net/http");
    assert.equal(src.localNames.has("http"), false);
    assert.equal(src.mainFuncLine, 17, "line numbers survive a multi-line raw string");
  });

  test("decodes interpreted strings and keeps raw strings verbatim", () => {
    const src = scanGoSource("s.go", 'package s\nvar a = "say \\"hi\\"\\n\\x41\\u00e9"\nvar b = `C:\\path\\n`\nvar c = \'"\'\n');
    const strings = src.tokens.filter((t) => t.kind === "string").map((t) => t.value);
    assert.deepEqual(strings, ['say "hi"\nAé', "C:\\path\\n"]);
    assert.equal(src.tokens.find((t) => t.kind === "char")?.value, "'\"'");
  });

  test("takes build constraints from the header only", () => {
    const src = scanGoSource(
      "c.go",
      ["// Copyright note.", "", "//go:build linux && cgo", "// +build linux,cgo", "", "package c", "", "//go:build ignore", "var x = 1"].join("\n"),
    );
    assert.deepEqual(src.goBuild, { expr: "linux && cgo", line: 3 });
    assert.deepEqual(src.plusBuild, [{ expr: "linux,cgo", line: 4 }]);
  });

  test("reads //go:embed patterns, quoted or not", () => {
    const src = scanGoSource("e.go", 'package e\n\nimport "embed"\n\n//go:embed static/*.html "with space.txt" `raw.txt`\nvar files embed.FS\n');
    assert.deepEqual(src.embeds, [{ patterns: ["static/*.html", "with space.txt", "raw.txt"], line: 5 }]);
  });

  test("func main must be a top-level function, not a method or a nested literal", () => {
    const method = scanGoSource("m.go", "package main\n\ntype s struct{}\n\nfunc (s) main() {}\n");
    assert.equal(method.mainFuncLine, undefined);
    const generic = scanGoSource("g.go", "package main\n\nfunc run(v interface{}) map[string]struct{} {\n\treturn nil\n}\n\nfunc main() {\n\trun(nil)\n}\n");
    assert.equal(generic.mainFuncLine, 7);
    assert.equal(generic.functions.length, 2);
  });
});
