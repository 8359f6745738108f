import { rule } from "../../../src/lint/rules/SG221-final-user-not-numeric.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

const build = "FROM golang:1.22-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\n";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "numeric uid:gid", code: "FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER 10001:10001\n" },
    { name: "numeric uid, named group", code: "FROM alpine:3.20\nUSER 10001:app\n" },
    { name: "a named user in a build stage only", code: "FROM alpine:3.20 AS tools\nRUN adduser -D app\nUSER app\n\nFROM alpine:3.20\nUSER 10001\n" },
    { name: "root is SG202's", code: "FROM alpine:3.20\nUSER root\n" },
    { name: "scratch is SG107's", code: build + "FROM scratch\nCOPY --from=build /out/app /app\nUSER nonroot\n" },
    { name: "a name alpine lacks and nothing creates is SG218's", code: "FROM alpine:3.20\nUSER nonroot\n" },
    { name: "a user from an ARG with no value", code: "FROM alpine:3.20\nARG APP_USER\nUSER $APP_USER\n" },
    { name: "no USER", code: "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n" },
  ],
  invalid: [
    {
      name: "FROM ${BASE} with an ARG default: a --build-arg may pick a base that has the user, so SG218 says nothing and this rule reports the name",
      code: 'ARG BASE=alpine:3.20\nFROM ${BASE}\nCOPY app /app\nUSER app\nENTRYPOINT ["/app"]\n',
      lines: [4],
      message: "USER app names the user instead of its uid",
    },
    {
      name: "FROM ${BASE} resolved to distroless: nonroot's uid is written",
      code: 'ARG BASE=gcr.io/distroless/static-debian12\nFROM ${BASE}\nUSER nonroot\n',
      lines: [3],
      output: 'ARG BASE=gcr.io/distroless/static-debian12\nFROM ${BASE}\nUSER 65532\n',
    },
    {
      name: "a user a package creates (apk add nginx) is not SG218's: the name is reported",
      code: "FROM alpine:3.20\nRUN apk add --no-cache nginx\nUSER nginx\n",
      lines: [3],
      message: "USER nginx names the user instead of its uid",
    },
    {
      name: "an /etc/passwd copied in: the name is reported",
      code: "FROM alpine:3.20\nCOPY passwd /etc/passwd\nUSER app\n",
      lines: [3],
    },
    {
      name: "docker init's Go template: adduser --uid from an ARG",
      code:
        build +
        'FROM alpine:3.20 AS final\nARG UID=10001\nRUN adduser \\\n    --disabled-password \\\n    --gecos "" \\\n    --home "/nonexistent" \\\n    --shell "/sbin/nologin" \\\n    --no-create-home \\\n    --uid "${UID}" \\\n    appuser\nUSER appuser\nCOPY --from=build /out/app /bin/\nENTRYPOINT [ "/bin/app" ]\n',
      lines: [16],
      message: "USER appuser names the user instead of its uid, so Kubernetes with runAsNonRoot: true cannot verify it is not root and refuses to start the container: write USER ${UID} (appuser's uid from the adduser at line 8, which a --build-arg UID=... changes for both)",
      output:
        build +
        'FROM alpine:3.20 AS final\nARG UID=10001\nRUN adduser \\\n    --disabled-password \\\n    --gecos "" \\\n    --home "/nonexistent" \\\n    --shell "/sbin/nologin" \\\n    --no-create-home \\\n    --uid "${UID}" \\\n    appuser\nUSER ${UID}\nCOPY --from=build /out/app /bin/\nENTRYPOINT [ "/bin/app" ]\n',
    },
    {
      name: "the uid from an ARG of a parent stage, which the final stage does not see: the number",
      code: "FROM alpine:3.20 AS base\nARG UID=10001\nRUN adduser -D -u $UID app\n\nFROM base\nUSER app\n",
      lines: [6],
      message: "write USER 10001 (app's uid from the adduser at line 3)",
      output: "FROM alpine:3.20 AS base\nARG UID=10001\nRUN adduser -D -u $UID app\n\nFROM base\nUSER 10001\n",
    },
    { name: "--uid=$UID, group kept", code: "FROM debian:bookworm-slim\nARG UID=2000\nRUN useradd --uid=$UID -M app\nUSER app:app\n", lines: [4], output: "FROM debian:bookworm-slim\nARG UID=2000\nRUN useradd --uid=$UID -M app\nUSER ${UID}:app\n" },
    {
      name: "useradd -u in a parent stage, group kept",
      code: "FROM debian:bookworm-slim AS base\nRUN groupadd -g 2000 app && useradd --uid=2000 -g app -M -r app\n\nFROM base\nUSER app:app\n",
      lines: [5],
      message: "write USER 2000:app (app's uid from the useradd at line 2)",
      output: "FROM debian:bookworm-slim AS base\nRUN groupadd -g 2000 app && useradd --uid=2000 -g app -M -r app\n\nFROM base\nUSER 2000:app\n",
    },
    {
      name: "distroless nonroot is 65532",
      code: build + "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nUSER nonroot:nonroot\n",
      lines: [8],
      message: "write USER 65532:nonroot (nonroot's uid in distroless/static-debian12)",
      output: build + "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nUSER 65532:nonroot\n",
    },
    {
      // The common Go pattern: create the user in the build stage, copy its /etc/passwd into scratch.
      name: "scratch with /etc/passwd copied from the stage that created the user: that uid is written",
      code: "FROM golang:1.22-alpine AS build\nRUN adduser -D -H -u 10001 app\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\nCOPY --from=build /out/app /app\nUSER app\nENTRYPOINT [\"/app\"]\n",
      lines: [8],
      message: "write USER 10001 (app's uid from the adduser at line 2)",
      output: "FROM golang:1.22-alpine AS build\nRUN adduser -D -H -u 10001 app\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\nCOPY --from=build /out/app /app\nUSER 10001\nENTRYPOINT [\"/app\"]\n",
    },
    {
      name: "scratch with /etc/passwd copied from an alpine stage: nobody's uid there",
      code: "FROM alpine:3.20 AS certs\n\nFROM scratch\nCOPY --from=certs /etc/passwd /etc/group /etc/\nCOPY app /app\nUSER nobody\n",
      lines: [6],
      output: "FROM alpine:3.20 AS certs\n\nFROM scratch\nCOPY --from=certs /etc/passwd /etc/group /etc/\nCOPY app /app\nUSER 65534\n",
    },
    { name: "scratch with a passwd from the build context: reported, uid unknown", code: "FROM scratch\nCOPY passwd /etc/passwd\nCOPY app /app\nUSER app\n", lines: [4], message: "USER app names the user instead of its uid" },
    { name: "alpine's nobody is 65534", code: "FROM alpine:3.20\nUSER nobody\n", lines: [2], output: "FROM alpine:3.20\nUSER 65534\n" },
    {
      name: "adduser without a uid: no fix, the way to give it one",
      code: "FROM alpine:3.20\nRUN addgroup -S app && adduser -S -G app app\nUSER app\n",
      lines: [3],
      message: "give app a fixed uid when creating it (adduser -u 10001 app, or useradd -u 10001 app) and write USER 10001",
    },
    {
      name: "nobody in an image whose users slimgo does not know (prometheus' busybox): the advice names nobody's usual uid, not a user of your own",
      code: 'ARG ARCH="amd64"\nARG OS="linux"\nFROM quay.io/prometheus/busybox-${OS}-${ARCH}:latest\nCOPY prometheus /bin/prometheus\nUSER       nobody\nENTRYPOINT [ "/bin/prometheus" ]\n',
      lines: [5],
      message: "nobody is 65534 in busybox, alpine, debian, ubuntu, distroless and RHEL 8 on, so USER 65534:65534 (check /etc/passwd of prometheus/busybox-linux-amd64)",
    },
    { name: "an image whose users slimgo does not know", code: "FROM node:20\nUSER node\n", lines: [2], message: "write the uid instead" },
    {
      name: "the user from an ARG: reported, not fixed in place",
      code: "FROM alpine:3.20\nARG APP_USER=app\nRUN adduser -D -u 1500 $APP_USER\nUSER $APP_USER\n",
      lines: [4],
      message: "USER app names the user",
    },
  ],
});
