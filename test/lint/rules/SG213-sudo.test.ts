import { rule } from "../../../src/lint/rules/SG213-sudo.js";
import { ruleTester } from "../support/rule-tester.js";

ruleTester(rule, {
  valid: [{ code: "FROM debian:12\nRUN echo sudo is only a word here\n" }],
  invalid: [{ name: "sudo", code: "FROM debian:12\nRUN sudo apt-get update\n", lines: [2], message: "USER root" }],
});
