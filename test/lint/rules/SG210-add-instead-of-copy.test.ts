import { rule } from "../../../src/lint/rules/SG210-add-instead-of-copy.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "archive and URL", code: "FROM alpine:3.20\nADD rootfs.tar.gz /\nADD https://example.com/x.txt /x.txt\n" },
  ],
  invalid: [
    { name: "local file", code: "FROM alpine:3.20\nADD main.go /src/\n", lines: [2], message: "use COPY", output: "FROM alpine:3.20\nCOPY main.go /src/\n" },
    { name: "ADD --checksum is reported but kept", code: "FROM alpine:3.20\nADD --checksum=sha256:00 app.bin /app\n", lines: [2] },
  ],
});
