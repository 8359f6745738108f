import { rule } from "../../../src/lint/rules/SG101-toolchain-in-final-stage.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { name: "Go installed in a builder stage only; the final stage is clean", code: "FROM ubuntu:22.04 AS build\nRUN apt-get update && apt-get install -y golang-go\nCOPY . /src\nRUN cd /src && CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n" },
    { name: "installed, built and purged in one RUN", code: "FROM alpine:3.20\nCOPY . /src\nRUN apk add --no-cache go && cd /src && go build -o /app . && apk del go\n" },
    { name: "other golang-prefixed packages are libraries, not the toolchain", code: "FROM debian:bookworm-slim\nRUN apt-get install -y golang-github-spf13-cobra-dev\n" },
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "golang only as builder", code: "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\n" },
  ],
  invalid: [
    {
      name: "hugo's shape: FROM a stage named gorun, with a cgo build copied in: the message names the golang image and a runtime with musl",
      code: 'ARG GO_VERSION="1.23.2"\nFROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine3.20 AS gobuild\nFROM golang:${GO_VERSION}-alpine3.20 AS gorun\nFROM gobuild AS build\nENV CGO_ENABLED=1\nARG TARGETPLATFORM\nRUN xx-go build -o /usr/bin/hugo\nFROM gorun AS final\nCOPY --from=build /usr/bin/hugo /usr/bin/hugo\n',
      lines: [8],
      message: "final stage runs on gorun (golang:1.23.2-alpine3.20), which ships the Go toolchain: COPY the binary into alpine (the cgo build links musl) instead",
    },
    {
      name: "a cgo build on a Debian golang image: distroless/base, not distroless/static",
      code: "FROM golang:1.22 AS build\nRUN CGO_ENABLED=1 go build -o /app .\nFROM golang:1.22\nCOPY --from=build /app /app\n",
      lines: [3],
      message: "final stage runs on golang:1.22, which ships the Go toolchain: COPY the binary into distroless/base or debian-slim (the cgo build links glibc) instead",
    },
    { name: "single stage on ubuntu with apt-get install golang-go", code: "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y golang-go\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n", lines: [2], message: "apt-get install golang-go puts the Go toolchain into the final image (ubuntu:22.04), with the sources it builds" },
    { name: "apk add go on alpine", code: "FROM alpine:3.20\nRUN apk add --no-cache go git\nCOPY . /src\nRUN cd /src && go build -o /app .\n", lines: [2], message: "apk add go" },
    { name: "the go.dev archive unpacked into /usr/local", code: "FROM debian:bookworm-slim\nARG GO_VERSION=1.22.3\nRUN curl -fsSL https://go.dev/dl/go${GO_VERSION}.linux-amd64.tar.gz | tar -C /usr/local -xz\nENV PATH=/usr/local/go/bin:$PATH\nCOPY . /src\nRUN cd /src && go build -o /app .\n", lines: [3], message: "go${GO_VERSION}.linux-amd64.tar.gz unpacked by tar" },
    { name: "final stage built FROM a stage that installed Go", code: "FROM debian:bookworm-slim AS base\nRUN apt-get install -y golang-1.19-go\nFROM scratch AS tools\nFROM base\nCMD [\"/app\"]\n", lines: [2], message: "apt-get install golang-1.19-go" },
    { name: "single stage FROM golang", code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n", lines: [1], message: "single-stage" },
    { name: "final stage built on a golang stage", code: "FROM golang:1.22-alpine AS base\nWORKDIR /src\nFROM base AS final\nCMD [\"/app\"]\n", lines: [3], message: "ships the Go toolchain" },
    { name: "final stage golang by registry path", code: "FROM alpine:3.20 AS x\nFROM docker.io/library/golang:1.22\n", lines: [2] },
  ],
});
