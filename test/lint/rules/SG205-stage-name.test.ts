import { rule } from "../../../src/lint/rules/SG205-stage-name.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [{ code: initDockerfile }, { name: "distinct names", code: "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\n" }],
  invalid: [
    { name: "duplicate", code: "FROM alpine:3.20 AS build\nFROM alpine:3.20 AS Build\n", lines: [2], message: "already used" },
    { name: "reserved", code: "FROM alpine:3.20 AS scratch\n", lines: [1], message: "reserved" },
  ],
});
