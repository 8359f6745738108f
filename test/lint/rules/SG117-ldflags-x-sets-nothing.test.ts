import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG117-ldflags-x-sets-nothing.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const ctx = makeContext({
  "go.mod": "module example.com/app\n\ngo 1.19\n",
  "cmd/api/main.go": [
    "package main",
    "",
    'import "example.com/app/internal/buildinfo"',
    "",
    "var (",
    '\tversion = "dev"',
    "\tcommit  string",
    ")",
    "",
    'const date = "unknown"',
    "",
    "var port = 8080",
    "",
    "func main() { println(version, commit, date, port, buildinfo.Version) }",
    "",
  ].join("\n"),
  "cmd/tool/main.go": 'package main\n\nvar Version = "dev"\n\nfunc main() { println(Version) }\n',
  "internal/buildinfo/buildinfo.go": 'package buildinfo\n\nvar Version = "dev"\n\nfunc init() { var local = "x"; _ = local }\n',
  "internal/unused/unused.go": 'package unused\n\nvar Version = "dev"\n',
});
const module = await analyze(ctx, { engine: "scanner" });

const build = (ldflags: string, pkg = "./cmd/api") => `FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="${ldflags}" -o /out/app ${pkg}\n`;

ruleTester(rule, {
  valid: [
    { name: "string variables of main, set by name", code: build("-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}"), module },
    { name: "a string variable of an imported package of the module", code: build("-X example.com/app/internal/buildinfo.Version=1.0"), module },
    { name: "-X=symbol=value and quoted values", code: build("-X=main.version=1.0 -X 'main.commit=abc def'"), module },
    { name: "a package of another module is not checked", code: build("-X github.com/prometheus/common/version.Version=1.0"), module },
    { name: "a symbol made of variables is not checked", code: build("-X ${PKG}.version=1.0"), module },
    { name: "./... builds cmd/tool, whose main has Version", code: build("-X main.Version=1.0", "./..."), module },
    { name: "no module known", code: build("-X main.Version=1.0") },
    { name: "a cd before go: where it builds is not known", code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN cd cmd/api && go build -ldflags "-X main.Version=1" .\n', module },
    { name: "WORKDIR in cmd/tool: . is ./cmd/tool, which has Version", code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nWORKDIR /src/cmd/tool\nRUN go build -ldflags "-X main.Version=1" .\n', module },
    { name: "a local in a function body is not package level, and a program that is not built is not asked", code: build("-X main.version=1", "./cmd/api"), module },
  ],
  invalid: [
    {
      name: "the case is wrong: the fix names the variable there is",
      code: build("-s -w -X main.Version=${VERSION}"),
      module,
      lines: [4],
      message: "-X main.Version sets nothing: the main package of ./cmd/api has no Version, but has version (cmd/api/main.go:6)",
      output: build("-s -w -X main.version=${VERSION}"),
    },
    {
      name: "an -X in the ARG the -ldflags expands: reported at the build, not fixed (the ARG holds it)",
      code: 'FROM golang:1.22 AS build\nARG LDFLAGS="-s -w -X main.Version=1.0"\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags="$LDFLAGS" -o /out/app ./cmd/api\n',
      module,
      lines: [5],
      message: "-X main.Version sets nothing: the main package of ./cmd/api has no Version, but has version (cmd/api/main.go:6)",
    },
    { name: "a constant", code: build("-X main.date=2024-01-01"), module, lines: [4], message: "date is a constant (cmd/api/main.go:10), and -X sets only string variables" },
    { name: "an int variable", code: build("-X main.port=9090"), module, lines: [4], message: "port is not a string variable (cmd/api/main.go:12)" },
    { name: "no such variable at all", code: build("-X main.buildTime=now"), module, lines: [4], message: "the main package of ./cmd/api has no string variable buildTime" },
    { name: "a package the program does not import", code: build("-X example.com/app/internal/unused.Version=1"), module, lines: [4], message: "./cmd/api does not import example.com/app/internal/unused" },
    {
      name: "an imported package of the module, misspelt name",
      code: build("-X example.com/app/internal/buildinfo.version=1"),
      module,
      lines: [4],
      message: "package example.com/app/internal/buildinfo has no version, but has Version (internal/buildinfo/buildinfo.go:3)",
      output: build("-X example.com/app/internal/buildinfo.Version=1"),
    },
    {
      name: "the last -ldflags is the one go uses",
      code: "FROM golang:1.22\nRUN go build -ldflags '-s' -ldflags '-s -w -X main.Commit=abc' ./cmd/api\n",
      module,
      lines: [2],
      message: "-X main.Commit sets nothing",
      output: "FROM golang:1.22\nRUN go build -ldflags '-s' -ldflags '-s -w -X main.commit=abc' ./cmd/api\n",
    },
    {
      name: "an -X in an -ldflags that a later one replaces",
      code: "FROM golang:1.22\nRUN go build -ldflags '-X main.version=1' -ldflags '-s -w' ./cmd/api\n",
      module,
      lines: [2],
      message: "-X main.version sets nothing: it is in an -ldflags that a later -ldflags replaces, as go build uses only the last; merge them into one -ldflags",
    },
    {
      name: "WORKDIR in cmd/api: . is ./cmd/api",
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY go.mod ./\nCOPY cmd/ cmd/\nWORKDIR cmd/api\nRUN go build -ldflags "-X main.Version=1" .\n',
      module,
      lines: [6],
      message: "the main package of ./cmd/api has no Version, but has version",
      output: 'FROM golang:1.22\nWORKDIR /src\nCOPY go.mod ./\nCOPY cmd/ cmd/\nWORKDIR cmd/api\nRUN go build -ldflags "-X main.version=1" .\n',
    },
    {
      name: "the context bind-mounted at /src, go run from /src/cmd/api: . is ./cmd/api",
      code: 'FROM golang:1.22\nWORKDIR /src/cmd/api\nRUN --mount=type=bind,target=/src go build -ldflags "-X main.Version=1" -o /out/api .\n',
      module,
      lines: [3],
      message: "the main package of ./cmd/api has no Version, but has version",
      output: 'FROM golang:1.22\nWORKDIR /src/cmd/api\nRUN --mount=type=bind,target=/src go build -ldflags "-X main.version=1" -o /out/api .\n',
    },
    { name: "one finding per symbol", code: build("-X main.Version=1 -X main.Commit=abc"), module, lines: [4, 4], output: build("-X main.version=1 -X main.commit=abc") },
  ],
});
