import { rule } from "../../../src/lint/rules/SG207-maintainer.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [{ code: initDockerfile }],
  invalid: [
    {
      name: "MAINTAINER",
      code: "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n",
      lines: [2],
      message: "deprecated",
      output: "FROM alpine:3.20\nLABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\"\n",
    },
  ],
});
