import { rule } from "../../../src/lint/rules/SG111-module-mismatch.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";
import { fakeModule } from "../support/module.js";
import { initDockerfile, initDockerfileNoSum } from "../support/dockerfiles.js";

const withSum = makeContext({ "go.mod": "module example.com/app\n", "go.sum": "", "main.go": "package main\n", "cmd/api/main.go": "package main\n" });
const noSum = makeContext({ "go.mod": "module example.com/app\n", "main.go": "package main\n" });
const notTheModule = makeContext({ "Dockerfile": "" });
const withLib = makeContext({ "go.mod": "module example.com/app\n", "go.sum": "", "main.go": "package main\n", "greeting/go.mod": "module example.com/rep0\n" });
const replaced = (dirs: string[], vendored = false) => fakeModule({ replaces: dirs, root: withLib, vendored });
const downloadFirst = (copies: string) => `FROM golang:1.22\nWORKDIR /src\n${copies}RUN go mod download\nCOPY . .\nRUN go build -o /app .\n`;

ruleTester(rule, {
  valid: [
    { code: initDockerfile, contextDir: withSum, module: fakeModule({ go: "1.19" }) },
    { code: initDockerfileNoSum, contextDir: noSum, module: fakeModule({ go: "1.19", requires: 0 }) },
    { name: "tag pins minor only", code: "FROM golang:1.22-alpine\nRUN go build ./cmd/api\n", contextDir: withSum, module: fakeModule({ go: "1.22.5" }) },
    { name: "a subdirectory copied in: paths are relative to it", code: "FROM golang:1.22\nWORKDIR /src\nCOPY services/api/ .\nRUN go build ./cmd/server\n", contextDir: withSum },
    { name: "a Dockerfile linted away from any Go module: what its context holds is not judged", code: "FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app ./cmd/server\n", contextDir: notTheModule },
    { name: "a replacement directory's go.mod copied before the download", code: downloadFirst("COPY go.mod go.sum ./\nCOPY greeting/go.mod greeting/\n"), contextDir: withLib, module: replaced(["./greeting"]) },
    { name: "a replacement directory's go.mod bind-mounted on the download", code: "FROM golang:1.22\nWORKDIR /src\nRUN --mount=type=bind,source=go.mod,target=/src/go.mod --mount=type=bind,source=greeting/go.mod,target=/src/greeting/go.mod go mod download\n", contextDir: withLib, module: replaced(["./greeting"]) },
    { name: "the whole context copied before the download", code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download && go build -o /app .\n", contextDir: withLib, module: replaced(["./greeting"]) },
    { name: "a replacement outside the module, vendored: vendor/ holds it", code: downloadFirst("COPY go.mod go.sum ./\n"), contextDir: withLib, module: replaced(["../lib"], true) },
    { name: "unversioned tag is not judged", code: "FROM golang:alpine\nRUN go build .\n", module: fakeModule({ go: "1.23" }) },
    { name: "ENV CGO_ENABLED=0 does not reach go through sudo, so cgo stays on", code: "FROM golang:1.22\nENV CGO_ENABLED=0\nRUN sudo go build -o /app .\n", module: fakeModule({ cgo: true }) },
  ],
  invalid: [
    { name: "builder older than go line", code: "FROM golang:1.21-alpine AS build\nRUN go build .\n", module: fakeModule({ go: "1.22" }), lines: [1], message: "older than go.mod's go 1.22" },
    { name: "builder older than toolchain", code: "FROM golang:1.22.1\nRUN go build .\n", module: fakeModule({ go: "1.22", toolchain: "1.22.5" }), lines: [1], message: "toolchain" },
    { name: "go.sum copied but absent", code: "FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\n", contextDir: noSum, lines: [2], message: "go.sum" },
    { name: "go.mod copied from a context inside the module that is not its root: one finding, for go.mod", code: "FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\n", contextDir: notTheModule, module: fakeModule({ go: "1.22" }), lines: [2], message: "go.mod is copied but the build context has none" },
    { name: "go mod download without a replacement directory's go.mod", code: downloadFirst("COPY go.mod go.sum ./\n"), contextDir: withLib, module: replaced(["./greeting"]), lines: [4], message: "go mod download reads greeting/go.mod (go.mod:10 replaces example.com/rep0 with ./greeting), which this step does not have" },
    { name: "a replacement outside the module, which the context cannot hold", code: downloadFirst("COPY go.mod go.sum ./\nCOPY greeting/go.mod greeting/\n"), contextDir: withLib, module: replaced(["../lib"]), lines: [5], message: "go.mod:10 replaces example.com/rep0 with ../lib, outside the module directory" },
    { name: "go.sum bind-mounted but absent", code: initDockerfile, contextDir: noSum, lines: [10] }, // the go mod download RUN of init's output
    { name: "missing build path", code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/server\n", contextDir: withSum, lines: [4], message: "./cmd/server" },
    { name: "missing build path under a bind mount of the context", code: "FROM golang:1.22\nRUN --mount=type=bind,target=/src cd /src && go build -o /app ./cmd/worker\n", contextDir: withSum, lines: [2], message: "./cmd/worker" },
    { name: "cgo required but disabled", code: "FROM golang:1.22\nRUN CGO_ENABLED=0 go build -o /app .\n", module: fakeModule({ cgo: true }), lines: [2], message: "needs cgo" },
  ],
});
