import { rule } from "../../../src/lint/rules/SG203-exec-form-cmd.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "exec form", code: "FROM alpine:3.20\nCMD [\"/app\", \"serve\"]\nENTRYPOINT [\"/sbin/tini\", \"--\"]\n" },
  ],
  invalid: [
    { name: "the message names the command's own exec form", code: "FROM alpine:3.20\nWORKDIR /srv\nENTRYPOINT ./server -v\n", lines: [3], message: 'use exec form ["./server", "-v"]', output: "FROM alpine:3.20\nWORKDIR /srv\nENTRYPOINT [\"./server\", \"-v\"]\n" },
    { name: "not rewritable: the message does not invent a command", code: "FROM golang:1.22-alpine\nCMD CGO_ENABLED=1 go run main.go\n", lines: [2], message: /use exec form \(a JSON array/ },
    { name: "shell-form CMD", code: "FROM alpine:3.20\nCMD /app serve --port 8080\n", lines: [2], message: "exec form", output: "FROM alpine:3.20\nCMD [\"/app\", \"serve\", \"--port\", \"8080\"]\n" },
    { name: "quoted words", code: "FROM alpine:3.20\nENTRYPOINT /app \"hello world\"\n", lines: [2], output: "FROM alpine:3.20\nENTRYPOINT [\"/app\", \"hello world\"]\n" },
    { name: "CRLF line endings", code: "FROM alpine:3.20\r\nCMD /app\r\n", lines: [2], output: "FROM alpine:3.20\r\nCMD [\"/app\"]\r\n" },
    { name: "shell syntax: reported, not rewritten", code: "FROM alpine:3.20\nCMD /app --port $PORT && echo done\n", lines: [2] },
  ],
});
