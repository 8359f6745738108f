import { rule } from "../../../src/lint/rules/SG002-unknown-flag.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "the flags each instruction takes", code: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nRUN --mount=type=cache,target=/root/.cache/go-build --network=none go build -o /app .\nFROM scratch\nCOPY --from=b --chown=65532:65532 --chmod=755 --link /app /app\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /a.tgz\nHEALTHCHECK --interval=30s --timeout=5s --start-period=5s --start-interval=1s --retries=3 CMD ["/app", "-health"]\nENTRYPOINT ["/app"]\n' },
    { name: "flags as exec-form arguments", code: 'FROM scratch\nENTRYPOINT ["/app"]\nCMD ["--port", "8080"]\n' },
    { name: "a -- ends the flags", code: "FROM alpine:3.20\nCMD -- --port 8080\n" },
    { name: "a flag after the first word is the command's", code: "FROM alpine:3.20\nCMD /app --port 8080\n" },
  ],
  invalid: [
    {
      name: "a shell-form CMD that starts with the program's flag",
      code: 'FROM scratch\nENTRYPOINT ["/app"]\nCMD --port 8080\n',
      lines: [3],
      message: 'CMD takes no flags, but its line starts with --port: docker build stops with "unknown flag: port", and podman build drops it and keeps "8080"; if these are the ENTRYPOINT\'s arguments, write them in exec form: CMD ["--port", "8080"]',
    },
    { name: "a misspelt COPY flag", code: "FROM alpine:3.20\nCOPY --chwon=65532 app /app\n", lines: [2], message: "COPY has no flag --chwon, so docker build and podman build stop with an error: COPY takes --from, --chown," },
    { name: "a misspelt HEALTHCHECK option", code: 'FROM alpine:3.20\nHEALTHCHECK --intervl=5s CMD ["/app", "-health"]\n', lines: [2], message: "HEALTHCHECK has no flag --intervl" },
    { name: "USER and ENTRYPOINT take none", code: "FROM alpine:3.20\nUSER --uid 65532\nENTRYPOINT --config=/etc/app.yaml\n", lines: [2, 3], message: "takes no flags" },
    { name: "nothing left after the flag", code: "FROM alpine:3.20\nENV --debug=1\n", lines: [2], message: 'and podman build drops it; remove the flag' },
  ],
});
