import { rule } from "../../../src/lint/rules/SG109-healthcheck-without-tool.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "wget exists on alpine", code: "FROM alpine:3.20\nHEALTHCHECK CMD wget -q -O- http://localhost:8080/ || exit 1\n" },
    { name: "busybox copied in", code: "FROM busybox:1.36 AS bb\nFROM scratch\nCOPY --from=bb /bin/busybox /bin/wget\nHEALTHCHECK CMD [\"/bin/wget\", \"-q\", \"http://localhost/\"]\n" },
  ],
  invalid: [
    { name: "wget health check in scratch", code: "FROM scratch\nCOPY app /app\nHEALTHCHECK CMD wget -q -O- http://localhost:8080/healthz || exit 1\n", lines: [3], message: "wget" },
    { name: "curl in exec form in distroless", code: "FROM gcr.io/distroless/static-debian12\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n", lines: [2], message: "curl" },
    { name: "sh -c in scratch", code: "FROM scratch\nHEALTHCHECK CMD [\"/bin/sh\", \"-c\", \"true\"]\n", lines: [2] },
    { name: "curl behind nice in exec form", code: "FROM gcr.io/distroless/static-debian12\nHEALTHCHECK CMD [\"nice\", \"curl\", \"-f\", \"http://localhost/\"]\n", lines: [2], message: "curl" },
    { name: "wget behind env in shell form", code: "FROM scratch\nCOPY app /app\nHEALTHCHECK CMD env -i wget -q -O- http://localhost:8080/healthz || exit 1\n", lines: [3], message: "wget" },
  ],
});
