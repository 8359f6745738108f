import { rule } from "../../../src/lint/rules/SG209-expose.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [{ code: initDockerfile }, { name: "ranges and protocols", code: "FROM alpine:3.20\nEXPOSE 80/tcp 53/udp 8000-8010 $PORT\n" }],
  invalid: [
    { name: "out of range", code: "FROM alpine:3.20\nEXPOSE 80000\n", lines: [2], message: "0 to 65535" },
    { name: "host mapping", code: "FROM alpine:3.20\nEXPOSE 8080:80\n", lines: [2], message: "host port" },
    { name: "bad protocol and casing", code: "FROM alpine:3.20\nEXPOSE 80/http 81/TCP\n", lines: [2, 2] },
  ],
});
