import { rule } from "../../../src/lint/rules/SG212-apt-get-install.js";
import { ruleTester } from "../support/rule-tester.js";

ruleTester(rule, {
  valid: [{ code: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\n" }],
  invalid: [
    { name: "neither flag", code: "FROM debian:12\nRUN apt-get update && apt-get install git\n", lines: [2], message: "-y", output: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends git\n" },
    { name: "-y only", code: "FROM debian:12\nRUN apt-get install -y git\n", lines: [2], message: "--no-install-recommends", output: "FROM debian:12\nRUN apt-get install --no-install-recommends -y git\n" },
    { name: "sudo with an option", code: "FROM debian:12\nRUN sudo -E apt-get install git\n", lines: [2], output: "FROM debian:12\nRUN sudo -E apt-get install -y --no-install-recommends git\n" },
    { name: "in bash -c '...'", code: "FROM debian:12\nRUN bash -euxc 'apt-get update && apt-get install git'\n", lines: [2], output: "FROM debian:12\nRUN bash -euxc 'apt-get update && apt-get install -y --no-install-recommends git'\n" },
    { name: "behind timeout", code: "FROM debian:12\nRUN timeout 600 apt-get install -y git\n", lines: [2], output: "FROM debian:12\nRUN timeout 600 apt-get install --no-install-recommends -y git\n" },
    { name: "env with a variable, then nice", code: "FROM debian:12\nRUN env DEBIAN_FRONTEND=noninteractive nice apt-get install -y git\n", lines: [2], message: "--no-install-recommends", output: "FROM debian:12\nRUN env DEBIAN_FRONTEND=noninteractive nice apt-get install --no-install-recommends -y git\n" },
    { name: 'exec form ["bash", "-c", "..."]: the flags go inside the JSON string', code: 'FROM debian:12\nRUN ["bash", "-c", "apt-get update && apt-get install git"]\n', lines: [2], output: 'FROM debian:12\nRUN ["bash", "-c", "apt-get update && apt-get install -y --no-install-recommends git"]\n' },
    { name: "exec form with an escape in the JSON string: reported, no fix", code: 'FROM debian:12\nRUN ["sh", "-c", "apt-get update && apt-get install git && echo \\"done\\""]\n', lines: [2], message: "without -y and --no-install-recommends" },
  ],
});
