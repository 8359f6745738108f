/**
 * Whether a program needs cgo is whether `CGO_ENABLED=0 go build` fails: each module below is built
 * that way here, and the analysis (with either engine) must agree with the compiler.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { analyze } from "../../src/analysis/index.js";
import { hasTool } from "../support/tools.js";

const CGO_ADD = '/*\nstatic int add(int a, int b) { return a + b; }\n*/\nimport "C"\n\nfunc add(a, b int) int { return int(C.add(C.int(a), C.int(b))) }\n';
const MAIN = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(add(40, 2)) }\n';

const CASES: { name: string; files: Record<string, string>; needsCgo: boolean }[] = [
  { name: "an untagged cgo file the program calls", files: { "main.go": MAIN, "add.go": `package main\n\n${CGO_ADD}` }, needsCgo: true },
  { name: "a //go:build cgo file the program calls, with no fallback", files: { "main.go": MAIN, "add.go": `//go:build cgo\n\npackage main\n\n${CGO_ADD}` }, needsCgo: true },
  {
    name: "a //go:build cgo file with a //go:build !cgo fallback",
    files: { "main.go": MAIN, "add_cgo.go": `//go:build cgo\n\npackage main\n\n${CGO_ADD}`, "add_nocgo.go": "//go:build !cgo\n\npackage main\n\nfunc add(a, b int) int { return a + b }\n" },
    needsCgo: false,
  },
  {
    name: "a //go:build cgo file nothing else refers to (an optional init)",
    files: { "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(42) }\n', "extra.go": '//go:build cgo\n\npackage main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc init() { C.srand(1) }\n\nfunc seeded() bool { return true }\n' },
    needsCgo: false,
  },
  {
    name: "an internal package whose cgo file has a legacy // +build !cgo fallback",
    files: {
      "main.go": 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/fallback/internal/sum"\n)\n\nfunc main() { fmt.Println(sum.Add(40, 2)) }\n',
      "internal/sum/sum_cgo.go": "// +build cgo\n\npackage sum\n\n/*\nstatic int add(int a, int b) { return a + b; }\n*/\nimport \"C\"\n\nfunc Add(a, b int) int { return int(C.add(C.int(a), C.int(b))) }\n",
      "internal/sum/sum_nocgo.go": "// +build !cgo\n\npackage sum\n\nfunc Add(a, b int) int { return a + b }\n",
    },
    needsCgo: false,
  },
  {
    name: "an internal package whose only file imports C",
    files: {
      "main.go": 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/fallback/internal/sum"\n)\n\nfunc main() { fmt.Println(sum.Add(40, 2)) }\n',
      "internal/sum/sum.go": "package sum\n\n/*\nstatic int add(int a, int b) { return a + b; }\n*/\nimport \"C\"\n\nfunc Add(a, b int) int { return int(C.add(C.int(a), C.int(b))) }\n",
    },
    needsCgo: true,
  },
];

describe("cgo is needed only when a build without it fails", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const moduleWith = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(tmpdir(), "slimgo-cgo-fallback-"));
    dirs.push(dir);
    writeFileSync(path.join(dir, "go.mod"), "module example.com/fallback\n\ngo 1.19\n");
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };

  for (const c of CASES) {
    test(`${c.name}: ${c.needsCgo ? "needs cgo" : "builds without cgo"}`, async () => {
      const dir = moduleWith(c.files);
      for (const engine of ["scanner", ...(hasTool("go") ? ["go-list" as const] : [])] as const) {
        const facts = (await analyze(dir, { engine })).mainPackages[0]!.facts;
        assert.equal(facts.cgo.required, c.needsCgo, `${engine}: cgo.required`);
        assert.equal(facts.cgo.optional !== undefined, !c.needsCgo, `${engine}: the import "C" left out is kept as evidence`);
        const cgoFiles = Object.keys(c.files).filter((f) => c.files[f]!.includes('import "C"'));
        assert.equal(facts.sourceFiles.some((f) => cgoFiles.includes(f)), c.needsCgo, `${engine}: the facts are those of the build that is planned`);
      }
      if (!hasTool("go")) return;
      let built = true;
      try {
        execFileSync("go", ["build", "-o", path.join(dir, "out"), "."], { cwd: dir, env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOWORK: "off", GOPROXY: "off" }, stdio: "pipe" });
      } catch {
        built = false;
      }
      assert.equal(built, !c.needsCgo, "the compiler agrees: CGO_ENABLED=0 go build " + (c.needsCgo ? "fails" : "succeeds"));
    });
  }
});
