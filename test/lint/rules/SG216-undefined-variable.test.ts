import { rule } from "../../../src/lint/rules/SG216-undefined-variable.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "default given", code: "FROM alpine:${TAG:-3.20}\nENV PATH=$PATH:/app\n" },
    { name: "declared in stage", code: "ARG V=1\nFROM alpine:3.20\nARG V\nLABEL v=$V\n" },
  ],
  invalid: [
    { name: "undefined in FROM", code: "FROM golang:${GO_VERSION}-alpine\n", lines: [1], message: "ARG GO_VERSION" },
    { name: "global ARG not redeclared", code: "ARG VERSION=1\nFROM alpine:3.20\nLABEL version=$VERSION\n", lines: [3], message: "global ARG" },
    { name: "undefined elsewhere", code: "FROM alpine:3.20\nWORKDIR /src/$APP_DIR\n", lines: [2], message: "not declared" },
  ],
});
