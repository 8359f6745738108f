import { rule } from "../../../src/lint/rules/SG214-cd-in-run.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [{ code: initDockerfile }, { name: "WORKDIR", code: "FROM alpine:3.20\nWORKDIR /src\nRUN make\n" }],
  invalid: [
    { name: "cd", code: "FROM alpine:3.20\nRUN cd /src && make\n", lines: [2], message: "WORKDIR" },
    { name: "cd in sh -c '...'", code: "FROM alpine:3.20\nRUN sh -c 'cd /src && make'\n", lines: [2], message: "WORKDIR" },
  ],
});
