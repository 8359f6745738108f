import { rule } from "../../../src/lint/rules/SG101-toolchain-in-final-stage.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "golang only as builder", code: "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\n" },
  ],
  invalid: [
    { name: "single stage FROM golang", code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n", lines: [1], message: "single-stage" },
    { name: "final stage built on a golang stage", code: "FROM golang:1.22-alpine AS base\nWORKDIR /src\nFROM base AS final\nCMD [\"/app\"]\n", lines: [3], message: "ships the Go toolchain" },
    { name: "final stage golang by registry path", code: "FROM alpine:3.20 AS x\nFROM docker.io/library/golang:1.22\n", lines: [2] },
  ],
});
