import { rule } from "../../../src/lint/rules/SG218-user-not-in-base.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

const build = "FROM golang:1.22-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\n";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "distroless has nonroot", code: build + "FROM gcr.io/distroless/static-debian12\nCOPY --from=build --chown=nonroot:nonroot /out/app /app\nUSER nonroot:nonroot\n" },
    { name: "Chainguard has nonroot", code: "FROM cgr.dev/chainguard/static\nUSER nonroot\n" },
    { name: "alpine: adduser, then USER app", code: "FROM alpine:3.20\nRUN addgroup -S app && adduser -S -G app app\nCOPY --chown=app:app app /app\nUSER app:app\n" },
    { name: "a stage FROM a stage that ran useradd", code: "FROM debian:bookworm-slim AS base\nRUN useradd --system app\n\nFROM base\nUSER app\n" },
    { name: "passwd written in a heredoc", code: "FROM alpine:3.20\nRUN <<EOF\necho 'app:x:1000:1000::/:/sbin/nologin' >> /etc/passwd\nEOF\nUSER app\n" },
    { name: "passwd copied in", code: "FROM alpine:3.20 AS users\nRUN adduser -D app\n\nFROM alpine:3.20\nCOPY --from=users /etc/passwd /etc/passwd\nUSER app\n" },
    { name: "debian has www-data", code: "FROM debian:bookworm-slim\nUSER www-data:www-data\n" },
    { name: "ubuntu has ubuntu", code: "FROM ubuntu:24.04\nUSER ubuntu\n" },
    { name: "busybox has nobody:nogroup", code: "FROM busybox:1.36\nUSER nobody:nogroup\n" },
    { name: "golang (Debian) has nobody:nogroup", code: "FROM golang:1.22\nUSER nobody:nogroup\n" },
    { name: "node:20 has node: its users are not known", code: "FROM node:20\nUSER node\n" },
    { name: "node:20-alpine is not alpine itself", code: "FROM node:20-alpine\nUSER node\n" },
    { name: "a package that creates its user", code: "FROM alpine:3.20\nRUN apk add --no-cache nginx\nUSER nginx\n" },
    { name: "numeric users", code: "FROM alpine:3.20\nCOPY --chown=1000:1000 app /app\nUSER 65532:65532\n" },
    { name: "a user from an ARG with no value", code: "FROM alpine:3.20\nARG APP_USER\nUSER $APP_USER\n" },
    { name: "a base image from a variable", code: "ARG BASE=alpine:3.20\nFROM ${BASE}\nUSER nonroot\n" },
    { name: "scratch is SG107's", code: "FROM scratch\nUSER nonroot\n" },
  ],
  invalid: [
    {
      name: "alpine + USER nonroot",
      code: "FROM alpine:3.20\nCOPY app /app\nUSER nonroot\n",
      lines: [3],
      message: 'USER nonroot: alpine:3.20 has no user "nonroot" in /etc/passwd, so the container fails to start: use a numeric uid:gid such as 65532:65532, or create the user with adduser',
      output: "FROM alpine:3.20\nCOPY app /app\nUSER 65532:65532\n",
    },
    {
      name: "golang:1.22-alpine build stage, --chown=app:app",
      code: "FROM golang:1.22-alpine AS build\nWORKDIR /src\nCOPY --chown=app:app . .\nRUN go build -o /out/app .\n",
      lines: [3],
      message: '--chown=app:app: golang:1.22-alpine has no user "app" in /etc/passwd and no group "app" in /etc/group, so the build fails',
    },
    {
      name: "debian + USER nonroot:nonroot",
      code: "FROM debian:bookworm-slim\nCOPY --chown=nonroot:nonroot app /app\nUSER nonroot:nonroot\n",
      lines: [2, 3],
      message: "create the user with useradd",
      output: "FROM debian:bookworm-slim\nCOPY --chown=65532:65532 app /app\nUSER 65532:65532\n",
    },
    { name: "ubuntu + USER app", code: "FROM ubuntu:24.04\nUSER app\n", lines: [2], message: 'no user "app"' },
    { name: "a group alpine does not have", code: "FROM alpine:3.20\nUSER 1000:docker\n", lines: [2], message: 'USER 1000:docker: alpine:3.20 has no group "docker" in /etc/group' },
    { name: "a stage FROM an alpine stage", code: "FROM alpine:3.20 AS base\nRUN apk add --no-cache ca-certificates\n\nFROM base\nUSER nonroot\n", lines: [5], output: "FROM alpine:3.20 AS base\nRUN apk add --no-cache ca-certificates\n\nFROM base\nUSER 65532:65532\n" },
    { name: "a user from an ARG default: no fix", code: "FROM alpine:3.20\nARG APP_USER=nonroot\nUSER ${APP_USER}\n", lines: [3], message: "USER nonroot:" },
    { name: "users added in another stage do not count", code: "FROM alpine:3.20 AS users\nRUN adduser -D app\n\nFROM alpine:3.20\nCOPY --from=users /home/app /home/app\nUSER app\n", lines: [6] },
  ],
});
