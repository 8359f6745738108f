import { rule } from "../../../src/lint/rules/SG106-cross-compile-platform.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "ENV from TARGET args", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nRUN go build -o /app .\n" },
    { name: "single-platform with fixed GOARCH", code: "FROM golang:1.22\nRUN GOARCH=arm64 go build -o /app .\n" },
    { name: "legacy ENV KEY value form from TARGET args", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOOS $TARGETOS\nENV GOARCH $TARGETARCH\nRUN go build -o /app .\n" },
    { name: "a quoted ENV value that mentions GOARCH= is one value, not a setting", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV NOTE=\"not GOARCH=amd64\" GOOS=$TARGETOS GOARCH=$TARGETARCH\nRUN go build -o /app .\n" },
    { name: "TARGET args among several ENV pairs", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV CGO_ENABLED=0 GOOS=\"$TARGETOS\" GOARCH=\"$TARGETARCH\"\nRUN go build -o /app .\n" },
    { name: "a hard-coded ENV GOARCH replaced later by $TARGETARCH: only the value in effect counts", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOARCH amd64\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nRUN go build -o /app .\n" },
    { name: "ENV from TARGET args in the parent stage: declared where the ENV expands them", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS base\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nFROM base AS b\nRUN go build -o /app .\n" },
    { name: "a parent stage's ARG GOARCH=amd64 does not reach the child stage", code: "FROM golang:1.22 AS base\nARG GOARCH=amd64\nFROM base AS b\nARG TARGETARCH\nRUN go build -o /app .\n" },
    { name: "sudo -E keeps ENV GOOS/GOARCH", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nRUN sudo -E go build -o /app .\n" },
    { name: "sudo -E env GOOS=... GOARCH=... go build", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sudo -E env GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n" },
  ],
  invalid: [
    { name: "BUILDPLATFORM without GOOS/GOARCH", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], message: "GOOS=$TARGETOS GOARCH=$TARGETARCH", output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    {
      name: "two builds in one stage: ARG TARGETOS TARGETARCH is declared once, before the first",
      code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nWORKDIR /src\nRUN go build -o /out/api ./cmd/api\nRUN go build -o /out/worker ./cmd/worker\nFROM scratch\nCOPY --from=b /out/ /\n",
      lines: [3, 4],
      output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nWORKDIR /src\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/api ./cmd/api\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/worker ./cmd/worker\nFROM scratch\nCOPY --from=b /out/ /\n",
    },
    {
      name: "two builds in one RUN",
      code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nRUN go build -o /out/api ./cmd/api && go build -o /out/worker ./cmd/worker\n",
      lines: [2, 2],
      output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/api ./cmd/api && GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/worker ./cmd/worker\n",
    },
    { name: "declared args are not declared again", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN CGO_ENABLED=0 go build -o /app .\n", lines: [3], output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH CGO_ENABLED=0 go build -o /app .\n" },
    { name: "sudo go build: GOOS/GOARCH go after sudo", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sudo go build -o /app .\n", lines: [3], output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sudo GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n" },
    { name: "sudo -u builder go build: GOOS/GOARCH go after sudo's options", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sudo -u builder go build -o /app .\n", lines: [3], output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sudo -u builder GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n" },
    { name: "hard-coded GOARCH in a multi-platform file", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS\nRUN GOOS=$TARGETOS GOARCH=amd64 go build -o /app .\n", lines: [3], message: "hard-coded" },
    { name: "hard-coded GOARCH in the legacy ENV form", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS\nENV GOARCH amd64\nRUN GOOS=$TARGETOS go build -o /app .\n", lines: [4], message: 'GOARCH is hard-coded to "amd64"' },
    { name: "hard-coded, quoted GOARCH among several ENV pairs", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS\nENV CGO_ENABLED=0 GOARCH=\"arm64\"\nRUN GOOS=$TARGETOS go build -o /app .\n", lines: [4], message: 'GOARCH is hard-coded to "arm64"' },
    { name: "TARGETARCH not declared in the stage", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n", lines: [2, 2], message: "ARG TARGETARCH" },
    { name: "the reverse: $TARGETARCH replaced later by a hard-coded ENV GOARCH", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nENV GOARCH amd64\nRUN go build -o /app .\n", lines: [5], message: "GOARCH is hard-coded to \"amd64\"" },
    { name: "a parent stage's ARG GOOS/GOARCH do not reach the child stage", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS base\nARG TARGETOS TARGETARCH\nARG GOOS=$TARGETOS GOARCH=$TARGETARCH\nFROM base AS b\nRUN go build -o /app .\n", lines: [5], message: "GOOS=$TARGETOS GOARCH=$TARGETARCH", output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS base\nARG TARGETOS TARGETARCH\nARG GOOS=$TARGETOS GOARCH=$TARGETARCH\nFROM base AS b\nARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n" },
    { name: "ENV GOOS/GOARCH do not reach go through sudo", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nRUN sudo go build -o /app .\n", lines: [4], output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nRUN sudo GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n" },
    { name: "sudo --preserve-env=GOOS keeps GOOS only", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nRUN sudo --preserve-env=GOOS go build -o /app .\n", lines: [4], message: "does not set GOARCH=$TARGETARCH," },
    { name: "go under sudo -E env: GOOS/GOARCH go among env's variables", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sudo -E env CGO_ENABLED=0 go build -o /app .\n", lines: [3], output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sudo -E env GOOS=$TARGETOS GOARCH=$TARGETARCH CGO_ENABLED=0 go build -o /app .\n" },
    { name: "timeout 300 go build: GOOS/GOARCH go through env after the duration", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN timeout 300 go build -o /app .\n", lines: [3], output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN timeout 300 env GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n" },
    { name: "sh -c '...': GOOS/GOARCH go inside the quotes, where the script's shell expands them", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sh -c 'go build -o /app .'\n", lines: [3], output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sh -c 'GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .'\n" },
    { name: "sh -c \"...\": the RUN's shell would expand $TARGETOS, so no fix", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN sh -c \"go build -o /app .\"\n", lines: [3], message: "GOOS=$TARGETOS GOARCH=$TARGETARCH" },
    { name: "su - builder -c '...': $TARGETOS would not reach the script's shell, so no fix", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN su - builder -c 'go build -o /app .'\n", lines: [3], message: "GOOS=$TARGETOS GOARCH=$TARGETARCH" },
    { name: "ENV GOOS/GOARCH do not reach the script of su -", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS GOARCH=$TARGETARCH\nRUN su - builder -c 'go build -o /app .'\n", lines: [4], message: "does not set GOOS=$TARGETOS GOARCH=$TARGETARCH" },
    { name: "nice go build: GOOS/GOARCH go through env", code: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN nice go build -o /app .\n", lines: [3], output: "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN nice env GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\n" },
    { name: 'exec form ["sh", "-c", "..."]: reported, without a fix', code: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nARG TARGETOS TARGETARCH\nRUN ["sh", "-c", "go build -o /app ."]\n', lines: [3], message: "GOOS=$TARGETOS GOARCH=$TARGETARCH" },
  ],
});
