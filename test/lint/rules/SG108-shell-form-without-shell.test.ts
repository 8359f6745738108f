import { rule } from "../../../src/lint/rules/SG108-shell-form-without-shell.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";
import { makeContext } from "../support/context.js";

const scriptDockerfile = (base: string) => `FROM ${base}\nCOPY app /app\nCOPY docker-entrypoint.sh /\nUSER 65532:65532\nENTRYPOINT ["/docker-entrypoint.sh"]\n`;
const withScript = (script: string) => makeContext({ app: "", "docker-entrypoint.sh": script });

ruleTester(rule, {
  valid: [
    { name: "the same entrypoint script where the image has a shell", code: scriptDockerfile("alpine:3.20"), contextDir: withScript('#!/bin/sh\nexec /app "$@"\n') },
    { name: "an entrypoint that is no script (an ELF program named like one)", code: scriptDockerfile("scratch"), contextDir: withScript("\u007fELF\u0002\u0001") },
    { name: "busybox copied into scratch as /bin/sh", code: scriptDockerfile("scratch").replace("COPY app /app", "COPY busybox /bin/sh"), contextDir: withScript("#!/bin/sh\nexec /app\n") },
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "shell form where a shell exists", code: "FROM alpine:3.20\nCMD /app --serve\n" },
    { name: "distroless debug has busybox", code: "FROM gcr.io/distroless/static-debian12:debug\nCMD /app\n" },
    { name: "exec form that starts a shell where one exists", code: "FROM alpine:3.20\nENTRYPOINT [\"/bin/sh\", \"-c\", \"/app serve\"]\n" },
    { name: "exec form of the program itself", code: "FROM scratch\nENTRYPOINT [\"/app\", \"serve\"]\n" },
  ],
  invalid: [
    { name: "entrypoint script whose #!/bin/sh scratch lacks", code: scriptDockerfile("scratch"), contextDir: withScript('#!/bin/sh\nexec /app "$@"\n'), lines: [5], message: 'docker-entrypoint.sh, whose #!/bin/sh needs sh, which scratch does not have, so the container cannot start ("exec /docker-entrypoint.sh: no such file or directory")' },
    { name: "#!/usr/bin/env bash on distroless, started through CMD", code: "FROM gcr.io/distroless/static-debian12:nonroot\nWORKDIR /srv\nCOPY run.sh .\nCMD [\"./run.sh\", \"serve\"]\n", contextDir: makeContext({ "run.sh": "#!/usr/bin/env bash\nexec /app\n" }), lines: [4], message: "run.sh, whose #!/usr/bin/env bash needs bash" },
    {
      name: "an array in single quotes is not JSON, so it is shell form: the fix writes it with double quotes",
      code: "FROM scratch\nCOPY app /app\nENTRYPOINT ['/app', 'serve']\n",
      lines: [3],
      message: `use exec form ["/app", "serve"] (['...'] with single quotes is not JSON, so the builder took it for a shell command)`,
      output: 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app", "serve"]\n',
    },
    { name: "shell-form CMD in scratch", code: "FROM scratch\nCOPY app /app\nCMD /app --port 8080\n", lines: [3], message: "exec form", output: "FROM scratch\nCOPY app /app\nCMD [\"/app\", \"--port\", \"8080\"]\n" },
    { name: "shell-form ENTRYPOINT in distroless", code: "FROM gcr.io/distroless/static-debian12\nENTRYPOINT /app\n", lines: [2], output: "FROM gcr.io/distroless/static-debian12\nENTRYPOINT [\"/app\"]\n" },
    { name: "RUN in scratch", code: "FROM scratch\nRUN mkdir /tmp\n", lines: [2], message: "builder stage" },
    { name: "shell syntax is reported but not rewritten", code: "FROM scratch\nCMD /app --port $PORT\n", lines: [2] },
    { name: "exec-form ENTRYPOINT that starts sh in distroless", code: "FROM gcr.io/distroless/static-debian12:nonroot\nENTRYPOINT [\"sh\", \"-c\", \"exec /app serve --port 8080\"]\n", lines: [2], message: "starts sh", output: "FROM gcr.io/distroless/static-debian12:nonroot\nENTRYPOINT [\"/app\", \"serve\", \"--port\", \"8080\"]\n" },
    { name: "exec-form CMD with /bin/bash in scratch", code: "FROM scratch\nCMD [\"/bin/bash\", \"-c\", \"/app\"]\n", lines: [2], output: "FROM scratch\nCMD [\"/app\"]\n" },
    { name: "a script with shell syntax is reported but not rewritten", code: "FROM scratch\nCMD [\"sh\", \"-c\", \"/app --port $PORT\"]\n", lines: [2] },
    {
      name: "a shell-form CMD under an exec-form ENTRYPOINT: the container starts, but the program gets /bin/sh -c and the string as its arguments",
      code: 'FROM scratch\nENTRYPOINT ["/app"]\nCMD --port 8080\n',
      lines: [3],
      message: 'the program is passed "/bin/sh", "-c" and "--port 8080"',
      output: 'FROM scratch\nENTRYPOINT ["/app"]\nCMD ["--port", "8080"]\n',
    },
    { name: "an ENTRYPOINT while a CMD is in effect is reported but not rewritten (sh -c ignores CMD)", code: "FROM scratch\nENTRYPOINT [\"/bin/sh\", \"-c\", \"/app\"]\nCMD [\"--debug\"]\n", lines: [2] },
    {
      name: "a shell-form ENTRYPOINT while a CMD is in effect is reported but not rewritten (exec form would get the CMD as arguments)",
      code: 'FROM scratch\nCOPY app /app\nENTRYPOINT /app serve\nCMD ["--verbose"]\n',
      lines: [3],
      message: 'use exec form ["/app", "serve"], but mind the CMD (line 4)',
    },
    { name: "a leading exec is dropped: there is no program called exec", code: "FROM scratch\nCMD exec /app serve\n", lines: [2], output: 'FROM scratch\nCMD ["/app", "serve"]\n' },
    { name: "exec with an option is not rewritten", code: "FROM scratch\nCMD exec -a server /app\n", lines: [2] },
    { name: "exec-form RUN that starts sh in scratch", code: "FROM scratch\nRUN [\"/bin/sh\", \"-c\", \"mkdir /tmp\"]\n", lines: [2], message: "builder stage" },
    { name: "shell-form HEALTHCHECK", code: "FROM scratch\nHEALTHCHECK --interval=5s CMD /app -health\n", lines: [2], output: "FROM scratch\nHEALTHCHECK --interval=5s CMD [\"/app\", \"-health\"]\n" },
  ],
});
