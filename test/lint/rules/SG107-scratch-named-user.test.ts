import { rule } from "../../../src/lint/rules/SG107-scratch-named-user.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "passwd copied in", code: "FROM alpine:3.20 AS b\nFROM scratch\nCOPY --from=b /etc/passwd /etc/passwd\nUSER nobody\n" },
    { name: "named user on alpine", code: "FROM alpine:3.20\nUSER nobody\n" },
  ],
  invalid: [
    { name: "USER name in scratch", code: "FROM scratch\nCOPY app /app\nUSER app\n", lines: [3], message: "numeric uid" },
    { name: "--chown name in scratch", code: "FROM scratch\nCOPY --chown=app:app app /app\nUSER 1000\n", lines: [2] },
  ],
});
