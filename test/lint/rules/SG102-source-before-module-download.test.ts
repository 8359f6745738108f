import { readFileSync } from "node:fs";
import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG102-source-before-module-download.js";
import { ruleTester } from "../support/rule-tester.js";
import { copyContext, makeContext } from "../support/context.js";
import { fileURLToPath } from "node:url";
import { fakeModule } from "../support/module.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

const fixture = (path: string) => readFileSync(new URL(`../../../../test/fixtures/local-replace/${path}`, import.meta.url), "utf8");
/** test/fixtures/local-replace: its only requirement, example.com/greeting, is replaced by ./greeting. */
const localReplace = makeContext({ "go.mod": fixture("go.mod"), "main.go": fixture("main.go"), "greeting/go.mod": fixture("greeting/go.mod"), "greeting/greeting.go": fixture("greeting/greeting.go") });
const localReplaceModule = await analyze(localReplace, { engine: "scanner" });
const localReplaceDockerfile = 'FROM golang:1.19 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greeter .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/greeter /greeter\nENTRYPOINT ["/greeter"]\n';
/** The same module with a requirement that is downloaded, and a go.sum beside greeting/go.mod. */
const mixedGoMod = "module example.com/greeter\n\ngo 1.19\n\nrequire (\n\texample.com/greeting v0.0.0\n\tgolang.org/x/text v0.14.0\n)\n\nreplace example.com/greeting => ./greeting\n";
const mixed = makeContext({ "go.mod": mixedGoMod, "go.sum": "", "main.go": fixture("main.go"), "greeting/go.mod": fixture("greeting/go.mod"), "greeting/greeting.go": fixture("greeting/greeting.go") });
const mixedModule = await analyze(mixed, { engine: "scanner" });
const mixedWithSum = makeContext({ "go.mod": mixedGoMod, "go.sum": "", "main.go": fixture("main.go"), "greeting/go.mod": fixture("greeting/go.mod"), "greeting/go.sum": "", "greeting/greeting.go": fixture("greeting/greeting.go") });
/** go 1.16: go.mod does not list what the replacement requires, so the download fetches that. */
const oldGo = makeContext({ "go.mod": fixture("go.mod").replace("go 1.19", "go 1.16"), "main.go": fixture("main.go"), "greeting/go.mod": "module example.com/greeting\n\ngo 1.16\n\nrequire golang.org/x/text v0.14.0\n", "greeting/greeting.go": fixture("greeting/greeting.go") });

const oldGoAllLocal = makeContext({
  "go.mod": fixture("go.mod").replace("go 1.19", "go 1.16") + "replace example.com/words => ./words\n",
  "main.go": fixture("main.go"),
  "greeting/go.mod": "module example.com/greeting\n\ngo 1.16\n\nrequire example.com/words v0.0.0\n",
  "greeting/greeting.go": fixture("greeting/greeting.go"),
  "words/go.mod": "module example.com/words\n\ngo 1.16\n",
});

/** test/fixtures/vendored: go 1.19, vendor/modules.txt, no go.sum; go mod download would fetch example.com/greet, which the build reads from vendor/. */
const vendored = copyContext(fileURLToPath(new URL("../../../../test/fixtures/vendored", import.meta.url)), {});
const vendoredModule = await analyze(vendored, { engine: "scanner" });
const vendoredGo113 = copyContext(vendored, { "go.mod": readFileSync(`${vendored}/go.mod`, "utf8").replace("go 1.19", "go 1.13") });
const vendoredDockerfile = "FROM golang:1.19-bookworm AS build\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/app .\n";

const noSum = makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire golang.org/x/text v0.14.0\n", "main.go": "package main\n" });

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "module without requirements", code: "FROM golang:1.22\nCOPY . .\nRUN go build .\n", module: fakeModule({ requires: 0 }) },
    { name: "cache mount on go build", code: "FROM golang:1.22\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build .\n" },
    { name: "modules downloaded in the stage this one is built FROM", code: "FROM golang:1.22 AS deps\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM deps AS build\nCOPY . .\nRUN go build -o /app .\n" },
    { name: "module cache copied in from a stage that downloaded it", code: "FROM golang:1.22 AS modules\nWORKDIR /modules\nCOPY go.mod go.sum ./\nRUN go mod download\nFROM golang:1.22 AS build\nCOPY --from=modules /go/pkg /go/pkg\nCOPY . /src\nWORKDIR /src\nRUN go build -o /app .\n" },
    { name: "a file written from a heredoc is not copied from the context", code: "FROM golang:1.22\nWORKDIR /src\nCOPY <<EOF /src/main.go\npackage main\n\nfunc main() {}\nEOF\nRUN go build -o /hello ./main.go\n" },
    { name: "go mod download in an exec-form sh -c before the source", code: 'FROM golang:1.22\nWORKDIR /src\nRUN --mount=type=bind,source=go.mod,target=/src/go.mod --mount=type=bind,source=go.sum,target=/src/go.sum ["/bin/sh", "-c", "go mod download"]\nCOPY . .\nRUN go build -o /app .\n' },
    { name: "the only requirement is replaced by a directory (test/fixtures/local-replace): nothing to download", code: localReplaceDockerfile, contextDir: localReplace, module: localReplaceModule },
    { name: "the same without the module analysis: the context's go.mod says so", code: localReplaceDockerfile, contextDir: localReplace },
    { name: "go 1.16, and the replacement requires only a module go.mod replaces by a directory too", code: localReplaceDockerfile, contextDir: oldGoAllLocal },
    { name: "vendored module (test/fixtures/vendored), go 1.19: go build reads vendor/ and downloads nothing", code: vendoredDockerfile, contextDir: vendored, module: vendoredModule },
    { name: "the same without the module analysis", code: vendoredDockerfile, contextDir: vendored },
    { name: "go 1.13 with -mod=vendor given", code: vendoredDockerfile.replace("go build", "go build -mod=vendor"), contextDir: vendoredGo113 },
    { name: "ENV GOFLAGS=-mod=vendor", code: vendoredDockerfile.replace("COPY . .", "ENV GOFLAGS=-mod=vendor\nCOPY . ."), module: fakeModule({ requires: 1 }) },
  ],
  invalid: [
    { name: "vendored module, but -mod=mod makes go build download", code: vendoredDockerfile.replace("go build", "go build -mod=mod"), contextDir: vendored, module: vendoredModule, lines: [3] },
    { name: "vendor/modules.txt with go 1.13: go does not use vendor/ unless told", code: vendoredDockerfile, contextDir: vendoredGo113, lines: [3] },
    {
      name: "a directory replacement: the fix also copies its go.mod, which go mod download reads",
      code: localReplaceDockerfile,
      contextDir: mixed,
      module: mixedModule,
      lines: [3],
      output: localReplaceDockerfile.replace("COPY . .\nRUN go mod download\n", "COPY go.mod go.sum ./\nCOPY greeting/go.mod ./greeting/\nRUN go mod download\nCOPY . .\n"),
    },
    {
      name: "a directory replacement with a go.sum of its own: copied too",
      code: localReplaceDockerfile.replace("COPY . .", "COPY . /src"),
      contextDir: mixedWithSum,
      lines: [3],
      output: localReplaceDockerfile.replace("COPY . .\nRUN go mod download\n", "COPY go.mod go.sum /src/\nCOPY greeting/go.mod greeting/go.sum /src/greeting/\nRUN go mod download\nCOPY . /src\n"),
    },
    { name: "a directory replacement where the build context is not known to be the module: reported, not fixed", code: localReplaceDockerfile, module: fakeModule({ replaces: ["./lib"] }), lines: [3] },
    { name: "go 1.16, and the replacement requires a module: still something to download", code: localReplaceDockerfile, contextDir: oldGo, lines: [3], output: localReplaceDockerfile.replace("COPY . .\nRUN go mod download\n", "COPY go.mod ./\nCOPY greeting/go.mod ./greeting/\nRUN go mod download\nCOPY . .\n") },
    {
      name: "COPY . . before go mod download",
      code: "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /out/app .\n",
      lines: [3],
      message: "before \"go mod download\"",
      output: "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /out/app .\n",
    },
    {
      name: "no go.sum in the context",
      code: "FROM golang:1.22\nWORKDIR /src\nCOPY . /src\nRUN go mod download\nRUN go build .\n",
      contextDir: noSum,
      lines: [3],
      output: "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod /src/\nRUN go mod download\nCOPY . /src\nRUN go build .\n",
    },
    {
      name: "go mod download in sh -c '...' is seen; moving the RUN is left to the user",
      code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN sh -c 'go mod download'\n",
      lines: [3],
      message: "before \"go mod download\" (line 4)",
    },
    {
      name: "a copy to another directory: no fix (go.mod would not be where go mod download runs)",
      code: "FROM golang:1.22\nWORKDIR /src\nCOPY cmd/ ./cmd/\nRUN go mod download\nRUN go build ./cmd/app\n",
      lines: [3],
    },
    {
      name: "a copy of one file to a file path: no fix",
      code: "FROM golang:1.22\nWORKDIR /src\nCOPY main.go /src/main.go\nRUN go mod download\nRUN go build .\n",
      lines: [3],
    },
    {
      name: "ENV between the copy and the download: no fix (the download would lose GOPROXY)",
      code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nENV GOPROXY=https://proxy.example.com GOFLAGS=-mod=mod\nRUN go mod download\nRUN go build .\n",
      lines: [3],
    },
    { name: "no download step at all", code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n", lines: [3], message: "re-downloads" },
    { name: "download in a RUN that also builds", code: "FROM golang:1.22\nCOPY . .\nRUN go mod download && go build .\n", lines: [2] },
    { name: "a stage copying the module cache from a stage that never downloaded it", code: "FROM golang:1.22 AS tools\nRUN mkdir -p /go/pkg\nFROM golang:1.22 AS build\nCOPY --from=tools /go/pkg /go/pkg\nCOPY . .\nRUN go build -o /app .\n", lines: [5] },
    { name: "go mod download under sudo -E is the download step", code: "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN sudo -E go mod download\nRUN go build -o /out/app .\n", lines: [3], message: "before \"go mod download\" (line 4)", output: "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN sudo -E go mod download\nCOPY . .\nRUN go build -o /out/app .\n" },
    { name: "go named by its path", code: "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN /usr/local/go/bin/go mod download\nRUN go build -o /out/app .\n", lines: [3], message: "before \"go mod download\" (line 4)", output: "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN /usr/local/go/bin/go mod download\nCOPY . .\nRUN go build -o /out/app .\n" },
    {
      name: "go mod download in an exec-form sh -c is seen; moving the RUN is left to the user",
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN ["/bin/sh", "-c", "go mod download"]\n',
      lines: [3],
      message: "before \"go mod download\" (line 4)",
    },
  ],
});
