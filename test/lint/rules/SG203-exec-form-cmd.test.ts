import { rule } from "../../../src/lint/rules/SG203-exec-form-cmd.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { name: "exec form", code: "FROM alpine:3.20\nCMD [\"/app\", \"serve\"]\nENTRYPOINT [\"/sbin/tini\", \"--\"]\n" },
    { name: "sh -c on Alpine: busybox sh runs the last command in its place", code: 'FROM alpine:3.20\nENTRYPOINT ["sh", "-c", "/app migrate && /app serve"]\n' },
    { name: "sh -c that ends in exec, on Debian", code: 'FROM debian:bookworm-slim\nENTRYPOINT ["/bin/sh", "-c", "/app migrate && exec /app serve"]\n' },
    { name: "shell form that starts with exec: the shell replaces itself with the program", code: "FROM alpine:3.20\nUSER 65532\nCMD exec echo hello from app\n" },
    { name: "shell form that ends in exec, on Debian, whose dash also execs what exec names", code: "FROM debian:bookworm-slim\nCMD /app migrate && exec /app serve\n" },
    { name: "sh -c on an image whose sh is not known", code: 'FROM registry.example.com/base:1\nENTRYPOINT ["sh", "-c", "/app serve"]\n' },
    { name: "CMD exec ... behind an entrypoint script, which runs it as a command: the shell replaces itself", code: 'FROM alpine:3.20\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD exec /app serve\n' },
  ],
  invalid: [
    { name: "the message names the command's own exec form", code: "FROM alpine:3.20\nWORKDIR /srv\nENTRYPOINT ./server -v\n", lines: [3], message: 'use exec form ["./server", "-v"]', output: "FROM alpine:3.20\nWORKDIR /srv\nENTRYPOINT [\"./server\", \"-v\"]\n" },
    { name: "not rewritable: the message does not invent a command", code: "FROM golang:1.22-alpine\nCMD CGO_ENABLED=1 go run main.go\n", lines: [2], message: /use exec form \(a JSON array/ },
    { name: "an array in single quotes, mixed with double quotes: the fix makes it JSON", code: "FROM alpine:3.20\nCMD [\"/app\", 'serve', '--port=8080']\n", lines: [2], message: "(['...'] with single quotes is not JSON, so the builder took it for a shell command)", output: 'FROM alpine:3.20\nCMD ["/app", "serve", "--port=8080"]\n' },
    {
      name: "single-quoted CMD under an exec-form ENTRYPOINT: written as the JSON arguments it meant",
      code: "FROM alpine:3.20\nENTRYPOINT [\"/app\"]\nCMD ['serve']\n",
      lines: [3],
      message: 'write the arguments as a JSON array: CMD ["serve"]',
      output: 'FROM alpine:3.20\nENTRYPOINT ["/app"]\nCMD ["serve"]\n',
    },
    { name: "shell-form CMD", code: "FROM alpine:3.20\nCMD /app serve --port 8080\n", lines: [2], message: "exec form", output: "FROM alpine:3.20\nCMD [\"/app\", \"serve\", \"--port\", \"8080\"]\n" },
    { name: "quoted words", code: "FROM alpine:3.20\nENTRYPOINT /app \"hello world\"\n", lines: [2], output: "FROM alpine:3.20\nENTRYPOINT [\"/app\", \"hello world\"]\n" },
    { name: "CRLF line endings", code: "FROM alpine:3.20\r\nCMD /app\r\n", lines: [2], output: "FROM alpine:3.20\r\nCMD [\"/app\"]\r\n" },
    {
      name: "sh -c on Debian: dash keeps itself in front even of a lone command",
      code: 'FROM golang:1.22-bookworm\nENTRYPOINT ["sh", "-c", "/app serve"]\n',
      lines: [2],
      message: 'ENTRYPOINT ["sh","-c","/app serve"] keeps sh as PID 1 with the service as its child (dash forks the command), and a shell as PID 1 does not pass on SIGTERM, so the service is killed instead of shutting down: run the program itself, ["/app", "serve"]',
      output: 'FROM golang:1.22-bookworm\nENTRYPOINT ["/app", "serve"]\n',
    },
    { name: "a pipeline at the end keeps any shell in front: reported, not rewritten", code: 'FROM alpine:3.20\nCMD ["sh", "-c", "/app serve 2>&1 | tee /tmp/log"]\n', lines: [2], message: "the string ends in a pipeline" },
    { name: "bash -c with a redirection", code: 'FROM ubuntu:24.04\nCMD ["/bin/bash", "-c", "/app serve > /tmp/log"]\n', lines: [2], message: "bash forks a command that has redirections" },
    { name: "exec that is not the last command keeps the shell: reported", code: "FROM debian:bookworm-slim\nCMD exec /app serve || echo failed\n", lines: [2] },
    {
      name: "a shell-form ENTRYPOINT while a CMD is in effect: reported with advice, not rewritten (exec form would get the CMD as arguments)",
      code: 'FROM alpine:3.20\nENTRYPOINT echo serving\nCMD ["--help"]\n',
      lines: [2],
      message: 'use exec form ["echo", "serving"], but mind the CMD (line 3)',
    },
    { name: "the CMD before the ENTRYPOINT counts too", code: 'FROM debian:bookworm-slim\nCMD ["--help"]\nENTRYPOINT /app serve\n', lines: [3], message: "mind the CMD (line 2)" },
    { name: "a CMD in a later stage built FROM this one counts too", code: 'FROM alpine:3.20 AS base\nENTRYPOINT /app serve\n\nFROM base\nCMD ["--verbose"]\n', lines: [2], message: "mind the CMD (line 5)" },
    { name: "the base image's CMD does not count: an ENTRYPOINT resets it", code: "FROM debian:bookworm-slim\nENTRYPOINT /app serve\n", lines: [2], output: 'FROM debian:bookworm-slim\nENTRYPOINT ["/app", "serve"]\n' },
    { name: "shell syntax: reported, not rewritten", code: "FROM alpine:3.20\nCMD /app --port $PORT && echo done\n", lines: [2] },
    {
      name: "a shell-form CMD under an exec-form ENTRYPOINT is its arguments: the program gets /bin/sh -c and the string; the fix writes the words as the arguments",
      code: 'FROM alpine:3.20\nENTRYPOINT ["/app"]\nCMD serve -port 8080\n',
      lines: [3],
      message: 'CMD in shell form is ["/bin/sh", "-c", "serve -port 8080"], and the exec-form ENTRYPOINT ["/app"] (line 2) gets it as arguments: no shell runs it, the program is passed "/bin/sh", "-c" and "serve -port 8080"; write the arguments as a JSON array: CMD ["serve", "-port", "8080"]',
      output: 'FROM alpine:3.20\nENTRYPOINT ["/app"]\nCMD ["serve", "-port", "8080"]\n',
    },
    { name: "the ENTRYPOINT after the CMD, on Debian: the same", code: 'FROM debian:bookworm-slim\nCMD --port 8080\nENTRYPOINT ["/usr/local/bin/app", "-v"]\n', lines: [2], message: 'the program is passed "/bin/sh", "-c" and "--port 8080"', output: 'FROM debian:bookworm-slim\nCMD ["--port", "8080"]\nENTRYPOINT ["/usr/local/bin/app", "-v"]\n' },
    { name: "the ENTRYPOINT of the stage it starts FROM", code: 'FROM alpine:3.20 AS base\nENTRYPOINT ["/app"]\n\nFROM base\nCMD serve\n', lines: [5], message: "ENTRYPOINT [\"/app\"] (line 2) gets it as arguments", output: 'FROM alpine:3.20 AS base\nENTRYPOINT ["/app"]\n\nFROM base\nCMD ["serve"]\n' },
    { name: "a variable in the arguments: nothing expands it, so no fix", code: 'FROM alpine:3.20\nENV PORT=8080\nENTRYPOINT ["/app"]\nCMD serve -port $PORT\n', lines: [4], message: "nothing expands variables or runs shell syntax in arguments" },
    { name: "CMD exec ... as arguments: still /bin/sh -c passed to the program, and what was meant is not known", code: 'FROM alpine:3.20\nENTRYPOINT ["/app"]\nCMD exec serve\n', lines: [3], message: 'the program is passed "/bin/sh", "-c" and "exec serve"' },
    { name: "behind tini the CMD is a command, run by /bin/sh -c: the shell-form message and fix", code: 'FROM debian:bookworm-slim\nENTRYPOINT ["/usr/bin/tini", "--"]\nCMD /app serve\n', lines: [3], message: "CMD in shell form runs under /bin/sh -c", output: 'FROM debian:bookworm-slim\nENTRYPOINT ["/usr/bin/tini", "--"]\nCMD ["/app", "serve"]\n' },
    { name: "ENTRYPOINT [] resets it: the CMD is the command", code: 'FROM alpine:3.20\nENTRYPOINT []\nCMD /app serve\n', lines: [3], message: "CMD in shell form runs under /bin/sh -c", output: 'FROM alpine:3.20\nENTRYPOINT []\nCMD ["/app", "serve"]\n' },
  ],
});
