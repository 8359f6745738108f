import { rule } from "../../../src/lint/rules/SG213-sudo.js";
import { ruleTester } from "../support/rule-tester.js";

ruleTester(rule, {
  valid: [{ code: "FROM debian:12\nRUN echo sudo is only a word here\n" }],
  invalid: [
    { name: "sudo", code: "FROM debian:12\nRUN sudo apt-get update\n", lines: [2], message: "USER root" },
    { name: "sudo behind nice", code: "FROM debian:12\nRUN nice -n 10 sudo apt-get update\n", lines: [2] },
    { name: "sudo behind env -i", code: "FROM debian:12\nRUN env -i sudo apt-get update\n", lines: [2] },
    { name: "sudo named by its path", code: "FROM debian:12\nRUN /usr/bin/sudo apt-get update\n", lines: [2] },
    { name: "sudo behind timeout", code: "FROM debian:12\nRUN timeout 60 sudo apt-get update\n", lines: [2] },
    { name: "sudo in sh -c '...'", code: "FROM debian:12\nRUN sh -c 'sudo apt-get update'\n", lines: [2] },
  ],
});
