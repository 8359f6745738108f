import { rule } from "../../../src/lint/rules/SG206-copy-from-stage.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "external image", code: "FROM scratch\nCOPY --from=busybox:1.36 /bin/busybox /bin/\nCOPY --from=gcr.io/distroless/base /etc/passwd /etc/\n" },
    { name: "index of an earlier stage", code: "FROM alpine:3.20\nFROM scratch\nCOPY --from=0 /bin/sh /sh\n" },
  ],
  invalid: [
    { name: "undefined stage", code: "FROM alpine:3.20 AS build\nFROM scratch\nCOPY --from=builder /app /app\n", lines: [3], message: "not a stage" },
    { name: "own stage", code: "FROM alpine:3.20 AS build\nCOPY --from=build /a /b\n", lines: [2], message: "the stage it is in" },
    { name: "later stage", code: "FROM scratch\nCOPY --from=late /a /a\nFROM alpine:3.20 AS late\n", lines: [2], message: "defined later" },
    { name: "RUN --mount from an undefined stage", code: "FROM alpine:3.20\nRUN --mount=type=bind,from=deps,target=/d ls /d\n", lines: [2] },
  ],
});
