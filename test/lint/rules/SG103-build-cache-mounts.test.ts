import { rule } from "../../../src/lint/rules/SG103-build-cache-mounts.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "GOCACHE elsewhere", code: "FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/home/u/.cache/go-build go build .\n" },
    { name: "quoted targets: BuildKit takes the quotes off flag values", code: "FROM golang:1.22\nRUN --mount=type=cache,target=\"/go/pkg/mod\" --mount=type=cache,target=\"/root/.cache/go-build\" go build .\n" },
    { name: "GOMODCACHE and GOCACHE set by ENV to the mounted directories", code: "FROM golang:1.22\nENV GOMODCACHE=/cache/mod GOCACHE=/cache/build\nRUN --mount=type=cache,target=/cache/mod --mount=type=cache,target=/cache/build go build .\n" },
    { name: "cache mounts at parents of the default directories (/go/pkg, /root/.cache)", code: "FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg --mount=type=cache,target=/root/.cache go build .\n" },
    { name: "GOMODCACHE moved by go env -w under the mounted build cache", code: "FROM golang:1.22\nRUN go env -w GOMODCACHE=/root/.cache/go-build\nRUN --mount=type=cache,target=/root/.cache/go-build go build .\n" },
    { name: "GOFLAGS=-mod=vendor by ENV: modules come from vendor/, only the build cache is asked for", code: "FROM golang:1.22\nENV GOFLAGS=-mod=vendor\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\n" },
    { name: "GOFLAGS with -mod=vendor among other flags, set on the command", code: "FROM golang:1.22\nRUN --mount=type=cache,target=/root/.cache/go-build GOFLAGS='-trimpath -mod=vendor' go build -o /app .\n" },
  ],
  invalid: [
    { name: "no mounts", code: "FROM golang:1.22\nRUN go build -o /app .\n", lines: [2], message: "/go/pkg/mod and /root/.cache/go-build" },
    { name: "only the module cache", code: "FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app .\n", lines: [2], message: "/root/.cache/go-build" },
    { name: "go build behind time -p", code: "FROM golang:1.22\nRUN time -p go build -o /app .\n", lines: [2] },
    { name: "GOMODCACHE set elsewhere than the mount", code: "FROM golang:1.22\nENV GOMODCACHE=/cache/mod\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build .\n", lines: [3], message: "/cache/mod" },
    { name: "GOFLAGS=-mod=mod: modules are downloaded", code: "FROM golang:1.22\nENV GOFLAGS=-mod=mod\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\n", lines: [3], message: "/go/pkg/mod:" },
  ],
});
