import { rule } from "../../../src/lint/rules/SG220-pipe-without-pipefail.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { lintWith, ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

const bashShell = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n';

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "a pipe that hides nothing that matters", code: "FROM alpine:3.20\nRUN echo hello | tr a-z A-Z\n" },
    { name: "set -o pipefail first", code: "FROM alpine:3.20\nRUN set -o pipefail && wget -qO- https://example.com/install.sh | sh\n" },
    { name: "set -euo pipefail first", code: "FROM golang:1.22-alpine\nRUN set -euo pipefail; go test ./... 2>&1 | tee /tmp/test.log\n" },
    { name: "SHELL with pipefail", code: "FROM golang:1.22\n" + bashShell + "RUN go vet ./... | tee vet.log\n" },
    { name: "SHELL with pipefail in the parent stage", code: "FROM debian:bookworm-slim AS base\n" + bashShell + "FROM base\nRUN curl -fsSL https://example.com/x.tgz | tar -xz\n" },
    { name: "a download not piped", code: "FROM alpine:3.20\nRUN wget -q https://example.com/x.tgz && tar -xzf x.tgz\n" },
    { name: "a pipe with nothing after it", code: "FROM alpine:3.20\nRUN curl -fsSL https://example.com/x |\n" },
    { name: "the download is the last command of the pipeline", code: "FROM alpine:3.20\nRUN echo https://example.com/x | xargs wget -q\n" },
    { name: "a heredoc body run by the RUN's shell, which SHELL gives pipefail", code: "FROM golang:1.22\n" + bashShell + "RUN <<EOT\ngo test ./... | tee /tmp/t\nEOT\n" },
    { name: "a heredoc body given to bash that sets pipefail itself", code: "FROM golang:1.22\nRUN <<EOT bash\nset -euo pipefail\ngo test ./... | tee /tmp/t\nEOT\n" },
    { name: "a heredoc body with a #! line of another language is no shell script", code: "FROM python:3.12\nRUN <<EOT\n#!/usr/bin/env python3\ncurl = 1\nprint(curl | 2)\nEOT\n" },
  ],
  invalid: [
    {
      name: "curl piped into sh on alpine: set -o pipefail",
      code: "FROM alpine:3.20\nRUN curl -fsSL https://example.com/install.sh | sh\n",
      lines: [2],
      message: "curl is piped into sh, and the RUN takes the status of sh alone, so a failed download goes unnoticed and sh runs on nothing: start the RUN with set -o pipefail &&",
      output: "FROM alpine:3.20\nRUN set -o pipefail && curl -fsSL https://example.com/install.sh | sh\n",
    },
    {
      name: "go test piped into tee on golang alpine, after set -e and an assignment",
      code: "FROM golang:1.22-alpine\nRUN set -eux; \\\n    CGO_ENABLED=0 go test ./... 2>&1 | tee /tmp/test.log\n",
      lines: [2],
      message: "go test is piped into tee, and the RUN takes the status of tee alone, so the step passes even when go test fails",
      output: "FROM golang:1.22-alpine\nRUN set -o pipefail && set -eux; \\\n    CGO_ENABLED=0 go test ./... 2>&1 | tee /tmp/test.log\n",
    },
    {
      name: "Debian-based golang: SHELL bash with pipefail before the first such RUN, once per stage",
      code: "FROM golang:1.22-bookworm AS build\nWORKDIR /src\nRUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin\nRUN go test ./... | tee test.log\n",
      lines: [3, 4],
      message: 'add SHELL ["/bin/bash", "-o", "pipefail", "-c"] before it (/bin/sh here is dash, which has no pipefail)',
      output: "FROM golang:1.22-bookworm AS build\nWORKDIR /src\n" + bashShell + "RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin\nRUN go test ./... | tee test.log\n",
    },
    {
      name: "a SHELL without pipefail that names bash: set -o pipefail",
      code: 'FROM ubuntu:24.04\nSHELL ["/bin/bash", "-c"]\nRUN wget -qO- https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg\n',
      lines: [3],
      output: 'FROM ubuntu:24.04\nSHELL ["/bin/bash", "-c"]\nRUN set -o pipefail && wget -qO- https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg\n',
    },
    { name: "an unknown base: reported, no fix", code: "FROM registry.example.com/base:1\nRUN curl -fsSL https://example.com/i.sh | sh\n", lines: [2], message: "make the shell fail the pipeline" },
    { name: "inside sh -c '...': reported, no fix", code: "FROM alpine:3.20\nRUN sh -c 'wget -qO- https://example.com/i.sh | sh'\n", lines: [2] },
    { name: "pipefail set in an outer script does not reach a nested one", code: "FROM alpine:3.20\nRUN set -o pipefail && sh -c 'curl -fsSL https://example.com/i.sh | sh'\n", lines: [2] },
    {
      // bash reads the body from its standard input: the SHELL's -o pipefail is an option of the /bin/bash -c that starts it, not of this bash.
      name: "a heredoc body given to bash on its standard input: SHELL pipefail does not reach it, set -o pipefail goes first in the body",
      code: "FROM golang:1.22\n" + bashShell + "RUN <<EOT bash\ngo test ./... | tee /tmp/t\nEOT\n",
      lines: [3],
      message: "start the heredoc's script with set -o pipefail",
      output: "FROM golang:1.22\n" + bashShell + "RUN <<EOT bash\nset -o pipefail\ngo test ./... | tee /tmp/t\nEOT\n",
    },
    {
      name: "the same without SHELL on a Debian image: a SHELL would not reach the body either",
      code: "FROM golang:1.22\nRUN <<EOT bash\ngo test ./... | tee /tmp/t\nEOT\n",
      lines: [2],
      output: "FROM golang:1.22\nRUN <<EOT bash\nset -o pipefail\ngo test ./... | tee /tmp/t\nEOT\n",
    },
    {
      name: "a heredoc body with a #!/bin/bash line runs under bash itself: set -o pipefail goes after that line",
      code: "FROM golang:1.22\n" + bashShell + "RUN <<EOT\n#!/bin/bash\ngo test ./... | tee /tmp/t\nEOT\n",
      lines: [3],
      output: "FROM golang:1.22\n" + bashShell + "RUN <<EOT\n#!/bin/bash\nset -o pipefail\ngo test ./... | tee /tmp/t\nEOT\n",
    },
    { name: "a heredoc body given to dash (sh on Debian): no pipefail to turn on, no fix", code: "FROM golang:1.22\n" + bashShell + "RUN <<EOT sh\ngo test ./... | tee /tmp/t\nEOT\n", lines: [3], message: "sh runs this heredoc, which may have no pipefail and where the SHELL's options do not reach: give it to bash (<<EOT bash) and start it with set -o pipefail" },
  ],
});

test("a later RUN of the stage is told that the SHELL the fix adds before the first covers it", () => {
  const findings = lintWith(rule, "FROM golang:1.22-bookworm AS build\nRUN curl -fsSL https://example.com/tool.tgz | tar -xz\nRUN go test ./... | tee test.log\n");
  assert.deepEqual(findings.map((f) => [f.line, Boolean(f.fix)]), [[2, true], [3, false]]);
  assert.match(findings[1]!.message, /the SHELL \["\/bin\/bash", "-o", "pipefail", "-c"\] that the fix adds before line 2 covers this RUN too$/);
});
