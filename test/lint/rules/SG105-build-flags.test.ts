import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG105-build-flags.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

const moduleWith = async (main: string) => analyze(makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": main }), { engine: "scanner" });
const loadsZones = await moduleWith('package main\n\nimport "time"\n\nfunc main() { _, _ = time.LoadLocation("Europe/Paris") }\n');
const embedsZones = await moduleWith('package main\n\nimport (\n\t"time"\n\t_ "time/tzdata"\n)\n\nfunc main() { _, _ = time.LoadLocation("Europe/Paris") }\n');
const singleStage = (before = "", flags = "") => `FROM golang:1.19-alpine\nWORKDIR /app\n${before}COPY . .\nRUN go build${flags} -o server .\nCMD ["./server"]\n`;

ruleTester(rule, {
  valid: [
    { name: "xx-go build with -trimpath and -s -w", code: "FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx\nFROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\nCOPY --from=xx / /\nARG TARGETPLATFORM\nRUN CGO_ENABLED=0 xx-go build -trimpath -ldflags=\"-s -w\" -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\n" },
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "-trimpath from ENV GOFLAGS in the stage", code: "FROM golang:1.22\nENV GOFLAGS=-trimpath\nRUN go build -ldflags='-s -w' .\n" },
    { name: "-trimpath from GOFLAGS set on the command", code: "FROM golang:1.22\nRUN GOFLAGS=-trimpath go build -ldflags='-s -w' .\n" },
    { name: "go install of a pinned tool", code: "FROM golang:1.22\nRUN go install golang.org/x/tools/cmd/stringer@v0.20.0\n" },
    { name: "go env -w GOFLAGS=-trimpath in an exec-form bash -ec counts for later builds", code: 'FROM golang:1.22\nRUN ["bash", "-ec", "go env -w GOFLAGS=-trimpath"]\nRUN go build -ldflags=\'-s -w\' .\n' },
    { name: "Go 1.12 with -s -w: -trimpath is not there to add", code: "FROM golang:1.12\nRUN go build -ldflags='-s -w' -o /app .\n" },
    { name: "-s -w in an ARG the -ldflags expands", code: 'FROM golang:1.22\nARG LDFLAGS="-s -w -X main.version=dev"\nRUN go build -trimpath -ldflags="$LDFLAGS" -o /app .\n' },
    { name: "-s -w in an ENV the -ldflags expands with other flags", code: 'FROM golang:1.22\nENV STRIP="-s -w"\nRUN go build -trimpath -ldflags="${STRIP} -X main.v=1" -o /app .\n' },
    { name: "-ldflags from an ARG without a default: not known, so not reported", code: 'FROM golang:1.22\nARG LDFLAGS\nRUN go build -trimpath -ldflags="$LDFLAGS" -o /app .\n' },
    { name: "a single-stage build that already has both flags", code: singleStage("", ' -trimpath -ldflags="-s -w"'), module: loadsZones },
  ],
  invalid: [
    {
      name: "xx-go build without -trimpath and -s -w: the flags go after its build",
      code: "FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx\nFROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\nCOPY --from=xx / /\nARG TARGETPLATFORM\nRUN CGO_ENABLED=0 xx-go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\n",
      lines: [5],
      message: "xx-go build without -trimpath",
      output: "FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx\nFROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build\nCOPY --from=xx / /\nARG TARGETPLATFORM\nRUN CGO_ENABLED=0 xx-go build -trimpath -ldflags=\"-s -w\" -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\n",
    },
    {
      // -trimpath empties runtime.GOROOT(), the last place time.LoadLocation looks (golang images have no tzdata of their own on Alpine).
      name: "a single-stage build of a program that loads time zones: -trimpath would lose $GOROOT/lib/time/zoneinfo.zip, so no fix",
      code: singleStage(),
      module: loadsZones,
      lines: [4],
      message: "not fixed for you: the binary runs in this Go image and loads time zones (main.go:5)",
    },
    { name: "the same with ENV ZONEINFO: the fix is safe", code: singleStage("ENV ZONEINFO=/usr/local/go/lib/time/zoneinfo.zip\n"), module: loadsZones, lines: [5], output: singleStage("ENV ZONEINFO=/usr/local/go/lib/time/zoneinfo.zip\n", ' -trimpath -ldflags="-s -w"') },
    { name: "the same with time/tzdata embedded: the fix is safe", code: singleStage(), module: embedsZones, lines: [4], output: singleStage("", ' -trimpath -ldflags="-s -w"') },
    {
      name: "a multi-stage build: the binary runs elsewhere, where GOROOT never was",
      code: "FROM golang:1.19-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN go build -o /out/server .\nFROM scratch\nCOPY --from=build /out/server /server\nENTRYPOINT [\"/server\"]\n",
      module: loadsZones,
      lines: [4],
      output: "FROM golang:1.19-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN go build -trimpath -ldflags=\"-s -w\" -o /out/server .\nFROM scratch\nCOPY --from=build /out/server /server\nENTRYPOINT [\"/server\"]\n",
    },
    { name: "bare go build", code: "FROM golang:1.22\nRUN go build -o /app .\n", lines: [1 + 1], message: "-trimpath", output: "FROM golang:1.22\nRUN go build -trimpath -ldflags=\"-s -w\" -o /app .\n" },
    {
      name: "-s -w in an -ldflags that a later one replaces: go uses only the last",
      code: "FROM golang:1.22\nRUN go build -trimpath -ldflags=\"-s -w\" -ldflags=\"-X main.v=1\" -o /app .\n",
      lines: [2],
      message: "an earlier -ldflags has them, but go build uses only the last: merge them into one",
    },
    { name: "ldflags without -s -w keeps them, adds -trimpath only when missing", code: "FROM golang:1.22\nRUN go build -trimpath -ldflags=\"-X main.v=1\" -o /app .\n", lines: [2], message: "-s -w" },
    {
      name: "a global ARG GOFLAGS the stage does not redeclare does not count",
      code: "ARG GOFLAGS=-trimpath\nFROM golang:1.22\nRUN go build -ldflags='-s -w' .\n",
      lines: [3],
      message: "-trimpath",
      output: "ARG GOFLAGS=-trimpath\nFROM golang:1.22\nRUN go build -trimpath -ldflags='-s -w' .\n",
    },
    { name: "an -ldflags with -w but not -s: the message names -s", code: "FROM golang:1.22\nRUN go build -trimpath -ldflags '-w -extldflags -static' -o /app .\n", lines: [2], message: "go build without -s in its -ldflags: -s -w drops" },
    { name: "Go before 1.13 has no -trimpath: only -s -w is asked for and added", code: "FROM golang:1.12-alpine\nRUN go build -o /app .\n", lines: [2], message: 'go build without -ldflags="-s -w": -s -w', output: "FROM golang:1.12-alpine\nRUN go build -ldflags=\"-s -w\" -o /app .\n" },
    { name: "-X main.version=${VERSION} from an ARG without a default: the value cannot bring -s -w", code: 'FROM golang:1.22\nARG VERSION\nRUN go build -trimpath -ldflags="-X main.version=${VERSION}" -o /app .\n', lines: [3], message: "go build without -s -w in its -ldflags" },
    { name: "an ARG -ldflags without -s -w: reported, nothing inserted", code: 'FROM golang:1.22\nARG LDFLAGS="-X main.v=1"\nRUN go build -trimpath -ldflags="$LDFLAGS" -o /app .\n', lines: [3], message: "go build without -s -w in its -ldflags" },
    { name: "missing only -trimpath", code: "FROM golang:1.22\nRUN go build -ldflags='-s -w' .\n", lines: [2], output: "FROM golang:1.22\nRUN go build -trimpath -ldflags='-s -w' .\n" },
    { name: "ENV GOFLAGS=-trimpath does not reach go through sudo", code: "FROM golang:1.22\nENV GOFLAGS=-trimpath\nRUN sudo go build -ldflags='-s -w' .\n", lines: [3], message: "-trimpath", output: "FROM golang:1.22\nENV GOFLAGS=-trimpath\nRUN sudo go build -trimpath -ldflags='-s -w' .\n" },
    { name: "go build behind nice", code: "FROM golang:1.22\nRUN nice -n 19 go build -o /app .\n", lines: [2], output: "FROM golang:1.22\nRUN nice -n 19 go build -trimpath -ldflags=\"-s -w\" -o /app .\n" },
    { name: "go build behind timeout", code: "FROM golang:1.22\nRUN timeout 600 go build -o /app .\n", lines: [2], output: "FROM golang:1.22\nRUN timeout 600 go build -trimpath -ldflags=\"-s -w\" -o /app .\n" },
    { name: "go build in sh -c '...': the flags go inside the quotes", code: "FROM golang:1.22\nRUN sh -c 'go build -o /app .'\n", lines: [2], output: "FROM golang:1.22\nRUN sh -c 'go build -trimpath -ldflags=\"-s -w\" -o /app .'\n" },
    { name: "go build in sh -c \"...\": -ldflags=\"-s -w\" would end the quotes, so no fix", code: "FROM golang:1.22\nRUN sh -c \"go build -o /app .\"\n", lines: [2], message: "-trimpath and" },
    { name: "go build in sh -c \"...\" missing -trimpath only: that fits in the quotes", code: "FROM golang:1.22\nRUN sh -c \"go build -ldflags='-s -w' -o /app .\"\n", lines: [2], output: "FROM golang:1.22\nRUN sh -c \"go build -trimpath -ldflags='-s -w' -o /app .\"\n" },
    { name: "ENV GOFLAGS=-trimpath does not reach the script of su -", code: "FROM golang:1.22\nENV GOFLAGS=-trimpath\nRUN su - builder -c \"go build -ldflags='-s -w' .\"\n", lines: [3], message: "-trimpath", output: "FROM golang:1.22\nENV GOFLAGS=-trimpath\nRUN su - builder -c \"go build -trimpath -ldflags='-s -w' .\"\n" },
    { name: 'exec form ["/bin/sh", "-c", "go build"] missing -trimpath only: the flag goes inside the JSON string', code: 'FROM golang:1.22\nRUN ["/bin/sh", "-c", "go build -ldflags=\'-s -w\' -o /app ."]\n', lines: [2], output: 'FROM golang:1.22\nRUN ["/bin/sh", "-c", "go build -trimpath -ldflags=\'-s -w\' -o /app ."]\n' },
    { name: 'exec form: -ldflags="-s -w" would end the JSON string, so no fix', code: 'FROM golang:1.22\nRUN ["sh", "-c", "go build -o /app ."]\n', lines: [2], message: "-trimpath and" },
    { name: "exec form with an escape in the JSON string: reported, no fix", code: 'FROM golang:1.22\nRUN ["sh", "-c", "go build -ldflags=\'-s -w\' -o \\"/app\\" ."]\n', lines: [2], message: "without -trimpath:" },
  ],
});
