import { rule } from "../../../src/lint/rules/SG108-shell-form-without-shell.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "shell form where a shell exists", code: "FROM alpine:3.20\nCMD /app --serve\n" },
    { name: "distroless debug has busybox", code: "FROM gcr.io/distroless/static-debian12:debug\nCMD /app\n" },
  ],
  invalid: [
    { name: "shell-form CMD in scratch", code: "FROM scratch\nCOPY app /app\nCMD /app --port 8080\n", lines: [3], message: "exec form", output: "FROM scratch\nCOPY app /app\nCMD [\"/app\", \"--port\", \"8080\"]\n" },
    { name: "shell-form ENTRYPOINT in distroless", code: "FROM gcr.io/distroless/static-debian12\nENTRYPOINT /app\n", lines: [2], output: "FROM gcr.io/distroless/static-debian12\nENTRYPOINT [\"/app\"]\n" },
    { name: "RUN in scratch", code: "FROM scratch\nRUN mkdir /tmp\n", lines: [2], message: "builder stage" },
    { name: "shell syntax is reported but not rewritten", code: "FROM scratch\nCMD /app --port $PORT\n", lines: [2] },
    { name: "shell-form HEALTHCHECK", code: "FROM scratch\nHEALTHCHECK --interval=5s CMD /app -health\n", lines: [2], output: "FROM scratch\nHEALTHCHECK --interval=5s CMD [\"/app\", \"-health\"]\n" },
  ],
});
