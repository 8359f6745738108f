import { rule } from "../../../src/lint/rules/SG001-dockerfile-syntax.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";
import { ARGUMENTS_BUILT, ARGUMENTS_REFUSED } from "../support/argument-cases.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "closed heredoc", code: "FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\n" },
    ...ARGUMENTS_BUILT.map((body) => ({ name: `builders take: ${body}`, code: `FROM scratch\n${body}\n` })),
  ],
  invalid: [
    {
      // What PowerShell 5's `>` writes: FF FE, then two bytes per character, read as UTF-8 by the CLI.
      name: "a UTF-16 Dockerfile: one finding saying so, not garbage instructions",
      code: Buffer.from("\uFEFFFROM scratch\nCOPY app /app\n", "utf16le").toString("utf8"),
      lines: [1],
      message: "the Dockerfile is UTF-16 text (as PowerShell's > and Out-File write it), which docker build and podman cannot read: save it as UTF-8",
    },
    { name: "unknown instruction", code: "FROM alpine:3.20\nRUNN echo hi\n", lines: [2], message: "unknown instruction" },
    { name: "unclosed heredoc", code: "FROM alpine:3.20\nRUN <<EOF\necho hi\n", lines: [2], message: "never closed" },
    { name: "no FROM", code: "ARG X=1\n", lines: [1], message: "no FROM" },
    { name: "empty", code: "", lines: [1], message: "the Dockerfile has no instructions (it is empty, or holds only comments), so there is nothing to build: start a build stage with FROM" },
    { name: "only comments and a parser directive", code: "# syntax=docker/dockerfile:1\n# FROM alpine\n", lines: [1], message: "has no instructions" },
    { name: "instruction before FROM", code: "RUN echo hi\nFROM alpine:3.20\n", lines: [1], message: "before the first FROM" },
    ...ARGUMENTS_REFUSED.map(([body, message]) => ({ name: `builders stop at: ${body}`, code: `FROM scratch\n${body}\n`, lines: [2], message })),
  ],
});
