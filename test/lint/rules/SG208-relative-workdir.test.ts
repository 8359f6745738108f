import { rule } from "../../../src/lint/rules/SG208-relative-workdir.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "relative after absolute", code: "FROM alpine:3.20\nWORKDIR /src\nWORKDIR cmd\n" },
    { name: "variable resolving to absolute", code: "FROM alpine:3.20\nARG DIR=/app\nWORKDIR $DIR\n" },
  ],
  invalid: [{ name: "relative", code: "FROM alpine:3.20\nWORKDIR app\n", lines: [2], message: "/app" }],
});
