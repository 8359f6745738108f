import { rule } from "../../../src/lint/rules/SG212-apt-get-install.js";
import { ruleTester } from "../support/rule-tester.js";

ruleTester(rule, {
  valid: [{ code: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\n" }],
  invalid: [
    { name: "in a build stage: the recommended packages bloat the stage, not the image", code: "FROM debian:12 AS build\nRUN apt-get install -y make\nFROM scratch\nCOPY --from=build /usr/bin/make /make\n", lines: [2], message: "recommended packages bloat this build stage (not shipped", output: "FROM debian:12 AS build\nRUN apt-get install --no-install-recommends -y make\nFROM scratch\nCOPY --from=build /usr/bin/make /make\n" },
    { name: "in the final stage: the image", code: "FROM debian:12\nRUN apt-get install -y make\n", lines: [2], message: "recommended packages bloat the image", output: "FROM debian:12\nRUN apt-get install --no-install-recommends -y make\n" },
    { name: "neither flag: git only recommends ca-certificates, so the fix adds it", code: "FROM debian:12\nRUN apt-get update && apt-get install git\n", lines: [2], message: "-y", output: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git\n" },
    { name: "-y only", code: "FROM debian:12\nRUN apt-get install -y git\n", lines: [2], message: "--no-install-recommends", output: "FROM debian:12\nRUN apt-get install --no-install-recommends ca-certificates -y git\n" },
    {
      name: "curl: the message says why ca-certificates is added",
      code: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
      lines: [2],
      message: "also install ca-certificates, which curl only recommends, or https fails with a certificate error",
      output: "FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends ca-certificates -y curl\n",
    },
    { name: "ca-certificates already in the list", code: "FROM debian:12\nRUN apt-get install -y wget ca-certificates\n", lines: [2], output: "FROM debian:12\nRUN apt-get install --no-install-recommends -y wget ca-certificates\n" },
    { name: "no package that needs it for https", code: "FROM debian:12\nRUN apt-get install -y make gcc\n", lines: [2], output: "FROM debian:12\nRUN apt-get install --no-install-recommends -y make gcc\n" },
    { name: "only -y missing: recommends stay, nothing else added", code: "FROM debian:12\nRUN apt-get install --no-install-recommends curl\n", lines: [2], output: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n" },
    { name: "an option's value is not a package; a pinned version is", code: "FROM debian:12\nRUN apt-get install -y -t bookworm-backports git=1:2.39.2-1\n", lines: [2], output: "FROM debian:12\nRUN apt-get install --no-install-recommends ca-certificates -y -t bookworm-backports git=1:2.39.2-1\n" },
    {
      name: "git with an ssh remote: openssh-client, which git only recommends, is added too",
      code: "FROM debian:12\nRUN apt-get update && apt-get install -y git\nRUN --mount=type=ssh git clone git@github.com:example/private.git /src\n",
      lines: [2],
      message: "openssh-client",
      output: "FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends ca-certificates openssh-client -y git\nRUN --mount=type=ssh git clone git@github.com:example/private.git /src\n",
    },
    { name: "sudo with an option", code: "FROM debian:12\nRUN sudo -E apt-get install git\n", lines: [2], output: "FROM debian:12\nRUN sudo -E apt-get install -y --no-install-recommends ca-certificates git\n" },
    { name: "in bash -c '...'", code: "FROM debian:12\nRUN bash -euxc 'apt-get update && apt-get install git'\n", lines: [2], output: "FROM debian:12\nRUN bash -euxc 'apt-get update && apt-get install -y --no-install-recommends ca-certificates git'\n" },
    { name: "behind timeout", code: "FROM debian:12\nRUN timeout 600 apt-get install -y git\n", lines: [2], output: "FROM debian:12\nRUN timeout 600 apt-get install --no-install-recommends ca-certificates -y git\n" },
    { name: "env with a variable, then nice", code: "FROM debian:12\nRUN env DEBIAN_FRONTEND=noninteractive nice apt-get install -y git\n", lines: [2], message: "--no-install-recommends", output: "FROM debian:12\nRUN env DEBIAN_FRONTEND=noninteractive nice apt-get install --no-install-recommends ca-certificates -y git\n" },
    { name: 'exec form ["bash", "-c", "..."]: the flags go inside the JSON string', code: 'FROM debian:12\nRUN ["bash", "-c", "apt-get update && apt-get install git"]\n', lines: [2], output: 'FROM debian:12\nRUN ["bash", "-c", "apt-get update && apt-get install -y --no-install-recommends ca-certificates git"]\n' },
    { name: "exec form with an escape in the JSON string: reported, no fix", code: 'FROM debian:12\nRUN ["sh", "-c", "apt-get update && apt-get install git && echo \\"done\\""]\n', lines: [2], message: "without -y and --no-install-recommends" },
  ],
});
