import { rule } from "../../../src/lint/rules/SG114-go-install-unpinned.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "pinned tool", code: "FROM golang:1.22\nRUN go install golang.org/x/tools/cmd/stringer@v0.20.0\n" },
    { name: "local package and go.mod-pinned path", code: "FROM golang:1.22\nRUN go install ./cmd/app && go install github.com/a/b/cmd/c\n" },
  ],
  invalid: [
    { name: "@latest", code: "FROM golang:1.22\nRUN go install github.com/go-delve/delve/cmd/dlv@latest\n", lines: [2], message: "pin a release" },
    { name: "branch, in a continued RUN", code: "FROM golang:1.22\nRUN apk add git && \\\n    go install -v example.com/tool@main\n", lines: [3] },
    { name: "go install behind sudo -E env", code: "FROM golang:1.22\nRUN sudo -E env GOBIN=/usr/local/bin go install example.com/tool@latest\n", lines: [2], message: "pin a release" },
  ],
});
