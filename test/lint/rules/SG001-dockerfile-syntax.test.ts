import { rule } from "../../../src/lint/rules/SG001-dockerfile-syntax.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "closed heredoc", code: "FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\n" },
  ],
  invalid: [
    { name: "unknown instruction", code: "FROM alpine:3.20\nRUNN echo hi\n", lines: [2], message: "unknown instruction" },
    { name: "unclosed heredoc", code: "FROM alpine:3.20\nRUN <<EOF\necho hi\n", lines: [2], message: "never closed" },
    { name: "no FROM", code: "ARG X=1\n", lines: [1], message: "no FROM" },
    { name: "instruction before FROM", code: "RUN echo hi\nFROM alpine:3.20\n", lines: [1], message: "before the first FROM" },
  ],
});
