import { rule } from "../../../src/lint/rules/SG202-final-user-root.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "root only in a builder", code: "FROM alpine:3.20 AS b\nUSER root\nFROM alpine:3.20\nUSER 10001\n" },
    { name: "inherited from parent stage", code: "FROM alpine:3.20 AS base\nUSER 10001\nFROM base\n" },
    { name: "export-only stage (docker build --output)", code: "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM scratch AS export\nCOPY --from=build /out/app /\n" },
  ],
  invalid: [
    { name: "no USER", code: "FROM alpine:3.20\nCMD [\"/app\"]\n", lines: [1], message: "no USER" },
    { name: "last USER root", code: "FROM alpine:3.20\nUSER 1000\nRUN true\nUSER root\n", lines: [4], message: "root" },
    { name: "uid 0", code: "FROM scratch\nUSER 0:0\n", lines: [2] },
    { name: "scratch stage that names a process", code: "FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /out/app /\nENTRYPOINT [\"/app\"]\n", lines: [2], message: "no USER" },
  ],
});
