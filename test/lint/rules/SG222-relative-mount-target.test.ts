import { rule } from "../../../src/lint/rules/SG222-relative-mount-target.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "absolute targets", code: "FROM golang:1.22\nWORKDIR /src\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=bind,source=go.mod,target=/src/go.mod go mod download\n" },
    { name: "a target from a variable", code: "FROM golang:1.22\nARG DIR=/src\nRUN --mount=type=bind,target=$DIR go build ./...\n" },
    { name: "a secret with no target", code: "FROM alpine:3.20\nRUN --mount=type=secret,id=token cat /run/secrets/token\n" },
  ],
  invalid: [
    {
      name: "docker init's Go template: go.mod and the whole context mounted under WORKDIR /src",
      code: "FROM golang:1.22 AS build\nWORKDIR /src\nRUN --mount=type=cache,target=/go/pkg/mod/ \\\n    --mount=type=bind,source=go.sum,target=go.sum \\\n    --mount=type=bind,source=go.mod,target=go.mod \\\n    go mod download -x\nRUN --mount=type=bind,target=. go build -o /bin/server .\n",
      lines: [3, 3, 7],
      message: '--mount target=go.mod is relative: BuildKit resolves it against the WORKDIR, but podman and buildah before 4.4 (Debian 12, Ubuntu 22.04) stop the build (invalid container path "go.mod", must be an absolute path): write target=/src/go.mod',
      output: "FROM golang:1.22 AS build\nWORKDIR /src\nRUN --mount=type=cache,target=/go/pkg/mod/ \\\n    --mount=type=bind,source=go.sum,target=/src/go.sum \\\n    --mount=type=bind,source=go.mod,target=/src/go.mod \\\n    go mod download -x\nRUN --mount=type=bind,target=/src go build -o /bin/server .\n",
    },
    { name: "no WORKDIR: the golang image's /go", code: "FROM golang:1.22\nRUN --mount=type=bind,dst=src go build ./src\n", lines: [2], output: "FROM golang:1.22\nRUN --mount=type=bind,dst=/go/src go build ./src\n" },
    { name: "relative WORKDIR on alpine's /", code: "FROM alpine:3.20\nWORKDIR app\nRUN --mount=type=cache,target=.cache ls\n", lines: [3], output: "FROM alpine:3.20\nWORKDIR app\nRUN --mount=type=cache,target=/app/.cache ls\n" },
    { name: "distroless :nonroot starts in /home/nonroot", code: "FROM gcr.io/distroless/static-debian12:nonroot\nRUN --mount=type=bind,target=cfg [\"/busybox/true\"]\n", lines: [2], output: "FROM gcr.io/distroless/static-debian12:nonroot\nRUN --mount=type=bind,target=/home/nonroot/cfg [\"/busybox/true\"]\n" },
    { name: "an image whose WORKDIR slimgo does not know: reported, not fixed", code: "FROM node:20\nRUN --mount=type=bind,target=app ls app\n", lines: [2], message: "write the absolute path" },
  ],
});
