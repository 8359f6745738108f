import { rule } from "../../../src/lint/rules/SG204-repeated-instruction.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "one per stage", code: "FROM alpine:3.20 AS a\nCMD [\"a\"]\nFROM alpine:3.20\nCMD [\"b\"]\n" },
  ],
  invalid: [
    { name: "two CMD", code: "FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\n", lines: [2], message: "line 3" },
    { name: "two ENTRYPOINT and two HEALTHCHECK", code: "FROM alpine:3.20\nENTRYPOINT [\"a\"]\nHEALTHCHECK NONE\nENTRYPOINT [\"b\"]\nHEALTHCHECK CMD [\"/a\"]\n", lines: [2, 3] },
  ],
});
