import { rule } from "../../../src/lint/rules/SG217-exec-form-one-string.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "one string per word", code: 'FROM scratch\nENTRYPOINT ["/app", "--port", "8080"]\nCMD ["serve"]\n' },
    { name: "a script for a shell may hold spaces", code: 'FROM alpine:3.20\nCMD ["/bin/sh", "-c", "exec /app --port $PORT"]\n' },
    { name: "shell form is another rule's business", code: "FROM alpine:3.20\nCMD /app --port 8080\n" },
    { name: "HEALTHCHECK in exec form, one string per word", code: 'FROM scratch\nHEALTHCHECK --interval=30s CMD ["/app", "-health"]\n' },
  ],
  invalid: [
    {
      name: "a command line in one string",
      code: 'FROM scratch\nCMD ["./main --port 8080"]\n',
      lines: [2],
      message: 'CMD runs the program "./main --port 8080" with no shell to split it',
      output: 'FROM scratch\nCMD ["./main", "--port", "8080"]\n',
    },
    {
      name: "the shell and its option in one string",
      code: 'FROM alpine:3.20\nENTRYPOINT ["/bin/sh -c", "echo hi && exec /app"]\n',
      lines: [2],
      output: 'FROM alpine:3.20\nENTRYPOINT ["/bin/sh", "-c", "echo hi && exec /app"]\n',
    },
    {
      name: "RUN in exec form, after its flags",
      code: 'FROM golang:1.22\nRUN --mount=type=cache,target=/root/.cache/go-build ["go build -o /app ."]\n',
      lines: [2],
      message: "the step fails",
      output: 'FROM golang:1.22\nRUN --mount=type=cache,target=/root/.cache/go-build ["go", "build", "-o", "/app", "."]\n',
    },
    {
      name: "HEALTHCHECK CMD",
      code: 'FROM scratch\nHEALTHCHECK --interval=30s CMD ["/app -health"]\n',
      lines: [2],
      output: 'FROM scratch\nHEALTHCHECK --interval=30s CMD ["/app", "-health"]\n',
    },
    {
      name: "a variable assignment and a variable: no fix, the message says how",
      code: 'FROM alpine:3.20\nCMD ["GO_ENV=${GO_ENV} ./main"]\n',
      lines: [2],
      message: "variables set by ENV",
    },
  ],
});
