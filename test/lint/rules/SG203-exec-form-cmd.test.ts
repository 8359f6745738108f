import { rule } from "../../../src/lint/rules/SG203-exec-form-cmd.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "exec form", code: "FROM alpine:3.20\nCMD [\"/app\", \"serve\"]\nENTRYPOINT [\"/sbin/tini\", \"--\"]\n" },
  ],
  invalid: [
    { name: "shell-form CMD", code: "FROM alpine:3.20\nCMD /app serve --port 8080\n", lines: [2], message: "exec form", output: "FROM alpine:3.20\nCMD [\"/app\", \"serve\", \"--port\", \"8080\"]\n" },
    { name: "quoted words", code: "FROM alpine:3.20\nENTRYPOINT /app \"hello world\"\n", lines: [2], output: "FROM alpine:3.20\nENTRYPOINT [\"/app\", \"hello world\"]\n" },
    { name: "CRLF line endings", code: "FROM alpine:3.20\r\nCMD /app\r\n", lines: [2], output: "FROM alpine:3.20\r\nCMD [\"/app\"]\r\n" },
    { name: "shell syntax: reported, not rewritten", code: "FROM alpine:3.20\nCMD /app --port $PORT && echo done\n", lines: [2] },
  ],
});
