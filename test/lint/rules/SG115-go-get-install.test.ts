import { rule } from "../../../src/lint/rules/SG115-go-get-install.js";
import { ruleTester } from "../support/rule-tester.js";
import { fakeModule } from "../support/module.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

/** go.mod requires example.com/dep0. */
const module = fakeModule();

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "go install at a version", code: "FROM golang:1.22-alpine\nRUN go install golang.org/x/tools/cmd/stringer@v0.24.0\n" },
    { name: "Go before 1.18: go get still installs", code: "FROM golang:1.16-alpine\nRUN go get github.com/swaggo/swag/cmd/swag\n" },
    { name: "GOPATH mode (GO111MODULE=off)", code: "FROM golang:1.22-alpine\nENV GO111MODULE=off\nRUN go get github.com/swaggo/swag/cmd/swag\n" },
    { name: "go get with no package", code: "FROM golang:1.22-alpine\nRUN go get\n" },
  ],
  invalid: [
    {
      name: "a tool at a version: go install",
      code: "FROM golang:1.22-alpine AS build\nRUN go get github.com/swaggo/swag/cmd/swag@v1.16.3\nRUN swag init\n",
      lines: [2],
      message: "go get github.com/swaggo/swag/cmd/swag@v1.16.3 installs nothing since Go 1.18 (it only edits go.mod, and fails outside a module), so the tool is missing when a later step runs it: use go install github.com/swaggo/swag/cmd/swag@v1.16.3",
      output: "FROM golang:1.22-alpine AS build\nRUN go install github.com/swaggo/swag/cmd/swag@v1.16.3\nRUN swag init\n",
    },
    {
      name: "-u dropped; a tool of a module go.mod requires: go install builds the version go.mod pins",
      code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go get -u example.com/dep0/cmd/gen && gen ./...\n",
      module,
      lines: [4],
      message: "use go install example.com/dep0/cmd/gen (the version go.mod requires)",
      output: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go install example.com/dep0/cmd/gen && gen ./...\n",
    },
    { name: "no version and no go.mod to pin it: reported, no fix", code: "FROM golang:1.22-alpine\nRUN go get github.com/golang/mock/mockgen\n", lines: [2], message: "use go install github.com/golang/mock/mockgen@<version>, with a release to pin" },
    { name: "@latest: reported, no fix (it would float)", code: "FROM golang:latest\nRUN go get github.com/golang/mock/mockgen@latest\n", lines: [2] },
    { name: "dependencies: go mod download", code: "FROM golang:1.22-alpine\nWORKDIR /src\nCOPY . .\nRUN go get -d -v ./...\n", lines: [4], message: "use go mod download" },
  ],
});
