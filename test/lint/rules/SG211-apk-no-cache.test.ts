import { rule } from "../../../src/lint/rules/SG211-apk-no-cache.js";
import { ruleTester } from "../support/rule-tester.js";

ruleTester(rule, {
  valid: [
    { code: "FROM alpine:3.20\nRUN apk add --no-cache ca-certificates\n" },
    { name: "cache mount", code: "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add git\n" },
    { name: "cache mount with dst=, BuildKit's other name for target=", code: "FROM alpine:3.20\nRUN --mount=type=cache,dst=/var/cache/apk apk add git\n" },
  ],
  invalid: [
    { name: "several apk add in one RUN: one finding, every one fixed", code: "FROM alpine:3.20\nRUN apk update && apk add wget && apk add git\n", lines: [2], output: "FROM alpine:3.20\nRUN apk update && apk add --no-cache wget && apk add --no-cache git\n" },
    { name: "in a build stage the final image only copies from: its index is not shipped, and the message does not say it is", code: "FROM alpine:3.20 AS build\nRUN apk add git\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\n", lines: [2], message: "keeps the package index in this build stage's layer (not shipped", output: "FROM alpine:3.20 AS build\nRUN apk add --no-cache git\nFROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\n" },
    { name: "in a stage the final one starts FROM: shipped", code: "FROM alpine:3.20 AS base\nRUN apk add git\nFROM base\nUSER 65532\n", lines: [2], message: "keeps the package index in the image:", output: "FROM alpine:3.20 AS base\nRUN apk add --no-cache git\nFROM base\nUSER 65532\n" },
    { name: "apk add", code: "FROM alpine:3.20\nRUN apk update && apk add git\n", lines: [2], message: "--no-cache", output: "FROM alpine:3.20\nRUN apk update && apk add --no-cache git\n" },
    { name: "sudo with an option", code: "FROM alpine:3.20\nRUN sudo -E apk add git\n", lines: [2], output: "FROM alpine:3.20\nRUN sudo -E apk add --no-cache git\n" },
    { name: "apk add in su -c \"...\"", code: "FROM alpine:3.20\nRUN su root -c \"apk add git\"\n", lines: [2], output: "FROM alpine:3.20\nRUN su root -c \"apk add --no-cache git\"\n" },
    { name: "apk add in sh -c '...' behind ionice", code: "FROM alpine:3.20\nRUN sh -c 'apk update && ionice -c 3 apk add git'\n", lines: [2], output: "FROM alpine:3.20\nRUN sh -c 'apk update && ionice -c 3 apk add --no-cache git'\n" },
    { name: "doas, nice and env wrappers", code: "FROM alpine:3.20\nRUN doas -u root nice -n 5 env -i PATH=/sbin:/bin apk add git\n", lines: [2], output: "FROM alpine:3.20\nRUN doas -u root nice -n 5 env -i PATH=/sbin:/bin apk add --no-cache git\n" },
    { name: 'apk add in exec form ["sh", "-c", "..."]', code: 'FROM alpine:3.20\nRUN ["sh", "-c", "apk update && apk add git"]\n', lines: [2], output: 'FROM alpine:3.20\nRUN ["sh", "-c", "apk update && apk add --no-cache git"]\n' },
  ],
});
