import { rule } from "../../../src/lint/rules/SG103-build-cache-mounts.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "GOCACHE elsewhere", code: "FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/home/u/.cache/go-build go build .\n" },
    { name: "quoted targets: BuildKit takes the quotes off flag values", code: "FROM golang:1.22\nRUN --mount=type=cache,target=\"/go/pkg/mod\" --mount=type=cache,target=\"/root/.cache/go-build\" go build .\n" },
  ],
  invalid: [
    { name: "no mounts", code: "FROM golang:1.22\nRUN go build -o /app .\n", lines: [2], message: "/go/pkg/mod and /root/.cache/go-build" },
    { name: "only the module cache", code: "FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app .\n", lines: [2], message: "/root/.cache/go-build" },
    { name: "go build behind time -p", code: "FROM golang:1.22\nRUN time -p go build -o /app .\n", lines: [2] },
  ],
});
