import assert from "node:assert/strict";
import { test } from "node:test";
import { rule } from "../../../src/lint/rules/SG224-legacy-key-value.js";
import { ruleTester, lintWith } from "../support/rule-tester.js";
import { initDockerfile, initDockerfileNoSum, recipeDockerfile } from "../support/dockerfiles.js";

const FROM = "FROM golang:1.22-alpine\n";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "init without go.sum", code: initDockerfileNoSum },
    { name: "recipe", code: recipeDockerfile },
    { name: "ENV in = form", code: `${FROM}ENV CGO_ENABLED=0 GOOS=linux\nENV GOFLAGS="-mod=vendor -trimpath"\n` },
    { name: "LABEL in = form", code: `${FROM}LABEL org.opencontainers.image.title="api server" version=1\n` },
    { name: "ARG with a default, and ARG alone", code: `${FROM}ARG VERSION=dev\nARG TARGETOS\n` },
    { name: "a comment in the legacy form", code: `${FROM}# ENV CGO_ENABLED 0\nENV CGO_ENABLED=0\n` },
    { name: "a heredoc line that looks like one", code: `${FROM}RUN <<EOF\nENV A b\nLABEL x y\nEOF\n` },
    { name: "= form across lines", code: `${FROM}ENV A=1 \\\n    B=2\n` },
    { name: "ENV alone (a syntax error, not this rule)", code: `${FROM}ENV\n` },
    { name: "ENV NAME without a value", code: `${FROM}ENV NAME\n` },
    { name: "LABEL alone", code: `${FROM}LABEL\n` },
    { name: "= form with a stray word", code: `${FROM}ENV A=1 B\n` },
  ],
  invalid: [
    {
      name: "single word",
      code: `${FROM}ENV CGO_ENABLED 0\n`,
      lines: [2],
      message: "ENV CGO_ENABLED 0 uses the deprecated legacy \"ENV key value\" form, which BuildKit warns about and a later Dockerfile syntax may drop: write ENV CGO_ENABLED=0",
      output: `${FROM}ENV CGO_ENABLED=0\n`,
    },
    { name: "a value with =", code: `${FROM}ENV GOFLAGS -mod=vendor\n`, lines: [2], message: "write ENV GOFLAGS=-mod=vendor", output: `${FROM}ENV GOFLAGS=-mod=vendor\n` },
    { name: "several spaces before the value", code: `${FROM}ENV GO111MODULE    on\n`, lines: [2], output: `${FROM}ENV GO111MODULE=on\n` },
    { name: "trailing spaces", code: `${FROM}ENV GO111MODULE on   \n`, lines: [2], output: `${FROM}ENV GO111MODULE=on   \n` },
    { name: "a variable", code: `${FROM}ENV PATH $PATH:/usr/local/go/bin\n`, lines: [2], output: `${FROM}ENV PATH=$PATH:/usr/local/go/bin\n` },
    { name: "double-quoted words", code: `${FROM}ENV GREETING "hello world"\n`, lines: [2], output: `${FROM}ENV GREETING="hello world"\n` },
    { name: "single-quoted with a $", code: `${FROM}ENV PRICE 'a$X'\n`, lines: [2], output: `${FROM}ENV PRICE='a$X'\n` },
    { name: "an escaped space", code: `${FROM}ENV DIR a\\ b\n`, lines: [2], output: `${FROM}ENV DIR=a\\ b\n` },
    {
      name: "several words: one variable, not two",
      code: `${FROM}ENV GOFLAGS -mod=vendor  -trimpath\n`,
      lines: [2],
      message: "sets GOFLAGS alone to the whole rest of the line, spaces and all; it cannot set several variables): write ENV GOFLAGS=\"-mod=vendor  -trimpath\"",
      output: `${FROM}ENV GOFLAGS="-mod=vendor  -trimpath"\n`,
    },
    { name: "several words with a variable", code: `${FROM}ENV MSG $HOSTNAME says hi\n`, lines: [2], output: `${FROM}ENV MSG="$HOSTNAME says hi"\n` },
    { name: "LABEL single word", code: `${FROM}LABEL version 1.2.3\n`, lines: [2], message: "write LABEL version=1.2.3", output: `${FROM}LABEL version=1.2.3\n` },
    { name: "LABEL several words", code: `${FROM}LABEL description A small   API\n`, lines: [2], output: `${FROM}LABEL description="A small   API"\n` },
    { name: "quotes and words: no fix", code: `${FROM}ENV A "x y" z\n`, lines: [2], message: 'write ENV A="..." with the whole value in one quoted word' },
    { name: "an apostrophe among words: no fix", code: `${FROM}LABEL note it's fine\n`, lines: [2], message: "the whole value in one quoted word" },
    { name: "a backslash among words: no fix", code: `${FROM}ENV A a\\b c\n`, lines: [2], message: "one quoted word" },
    { name: "continuation line: no fix", code: `${FROM}ENV A one \\\n    two\n`, lines: [2], message: "keeps the spaces that indent the continuation lines" },
    { name: "an open quote: no fix", code: `${FROM}ENV A "open\n`, lines: [2], message: "one quoted word" },
    { name: "one line each", code: `${FROM}ENV A 1\nENV B=2\nLABEL c 3\n`, lines: [2, 4], output: `${FROM}ENV A=1\nENV B=2\nLABEL c=3\n` },
    { name: "a quoted key: no fix", code: `${FROM}LABEL "my key" v\n`, lines: [2], message: "one quoted word" },
    { name: "an empty quoted value", code: `${FROM}ENV SMTP_PASSWORD ''\n`, lines: [2], output: `${FROM}ENV SMTP_PASSWORD=''\n` },
    { name: "escape directive: a backtick word is left as is", code: `# escape=\`\n${FROM}ENV A a\`b\n`, lines: [3], message: "one quoted word" },
  ],
});

test("SG224 gives no fix where the rewrite was not proven", () => {
  for (const code of [`${FROM}ENV A "x y" z\n`, `${FROM}ENV A one \\\n    two\n`, `${FROM}LABEL note it's fine\n`]) {
    const [finding] = lintWith(rule, code);
    assert.ok(finding, code);
    assert.equal(finding.fix, undefined, code);
  }
});
