import { rule } from "../../../src/lint/rules/SG215-from-platform.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [{ code: initDockerfile }],
  invalid: [
    { name: "constant platform", code: "FROM --platform=linux/amd64 golang:1.22\n", lines: [1], message: "constant" },
    { name: "redundant TARGETPLATFORM", code: "FROM --platform=$TARGETPLATFORM alpine:3.20\n", lines: [1], message: "default", output: "FROM alpine:3.20\n" },
  ],
});
