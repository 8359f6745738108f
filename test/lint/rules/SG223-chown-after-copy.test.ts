import { rule } from "../../../src/lint/rules/SG223-chown-after-copy.js";
import { makeContext } from "../support/context.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";
import { ruleTester } from "../support/rule-tester.js";

// A build context: a 3000-byte program, a bin/ of two 1024-byte tools, a config file and an entrypoint script.
const contextDir = makeContext({
  app: "x".repeat(3000),
  "bin/tool": "t".repeat(1024),
  "bin/helper": "h".repeat(1024),
  "bin/tool.debug": "d".repeat(4096),
  "config.yml": "port: 8080\n",
  "entrypoint.sh": "#!/bin/sh\nexec /app \"$@\"\n",
  ".dockerignore": "bin/*.debug\n",
});
const c = { contextDir, dockerignore: ["bin/*.debug"] };
const builder = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/server .\n\n";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "the owner set on the COPY", code: "FROM alpine:3.20\nCOPY --chown=65532:65532 app /app\nUSER 65532\n", ...c },
    { name: "a path the COPY did not write", code: "FROM alpine:3.20\nCOPY app /app\nRUN mkdir /data && chown 65532:65532 /data\n", ...c },
    { name: "chown of a parent directory without -R changes only that directory", code: "FROM alpine:3.20\nCOPY app /srv/app/app\nRUN chown 65532:65532 /srv/app\n", ...c },
    { name: "chmod of a copied directory without -R changes only the directory", code: "FROM alpine:3.20\nCOPY bin/ /opt/tools/\nRUN chmod 755 /opt/tools\n", ...c },
    { name: "a RUN before the COPY", code: "FROM alpine:3.20\nRUN mkdir /app && chown 65532:65532 /app\nCOPY app /app/\n", ...c },
    { name: "in a build stage the image only copies a binary out of: the second copy is not shipped", code: `${builder.replace("COPY . .\n", "COPY . .\nRUN chmod +x ./entrypoint.sh\n")}FROM scratch\nCOPY --from=build /out/server /server\n`, ...c },
    { name: "a destination a variable with no value hides", code: "FROM alpine:3.20\nARG DIR\nCOPY app $DIR/app\nRUN chmod 755 $DIR/app\n", ...c },
    { name: "a directory copied from a stage, chowned without -R", code: `${builder}FROM alpine:3.20\nCOPY --from=build /src/static /srv/static\nRUN chown 65532:65532 /srv/static\n` },
    { name: "a directory a mkdir makes below a tree copied from a stage", code: `${builder}FROM alpine:3.20\nCOPY --from=build /src /app\nRUN mkdir -p /app/data && chown -R 65532:65532 /app/data\n` },
    { name: "a glob is not read", code: "FROM alpine:3.20\nCOPY . /app\nRUN chmod +x /app/*.sh\n", ...c },
  ],
  invalid: [
    {
      name: "a file from the context: its size, and the fix moves the owner onto the COPY",
      code: 'FROM alpine:3.20\nCOPY app /app\nRUN chown 65532:65532 /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
      ...c,
      lines: [3],
      message: "chown 65532:65532 /app changes what the COPY at line 2 wrote (/app), and a layer cannot record just a new owner or mode: this RUN's layer holds each changed file whole again, so the image stores the 2.93 KiB of app twice: set it on the COPY with --chown=65532:65532 and drop this RUN",
      output: 'FROM alpine:3.20\nCOPY --chown=65532:65532 app /app\nUSER 65532\nENTRYPOINT ["/app"]\n',
    },
    {
      name: "chmod -R 755 of a directory the COPY made (what the ignore file leaves out is not counted)",
      code: "FROM alpine:3.20\nCOPY bin /app/bin\nRUN chmod -R 755 /app/bin\n",
      ...c,
      lines: [3],
      message: "stores the 2.00 KiB of bin twice: set it on the COPY with --chmod=755 and drop this RUN",
      output: "FROM alpine:3.20\nCOPY --chmod=755 bin /app/bin\n",
    },
    {
      name: "COPY --from=build of the go build output, then chown: no size (not in the context), fixed",
      code: `${builder}FROM alpine:3.20\nCOPY --from=build /out/server /server\nRUN chown 65532:65532 /server\nUSER 65532\n`,
      lines: [8],
      message: "stores every byte of /out/server a second time: set it on the COPY with --chown=65532:65532 and drop this RUN",
      output: `${builder}FROM alpine:3.20\nCOPY --chown=65532:65532 --from=build /out/server /server\nUSER 65532\n`,
    },
    {
      name: "several paths, each what one COPY wrote: both COPYs get --chown",
      code: "FROM alpine:3.20\nCOPY app /usr/local/bin/app\nCOPY config.yml /etc/app.yml\nRUN chown 65532:65532 /usr/local/bin/app /etc/app.yml\n",
      ...c,
      lines: [4],
      message: "changes what the COPY at lines 2, 3 wrote (/usr/local/bin/app, /etc/app.yml)",
      output: "FROM alpine:3.20\nCOPY --chown=65532:65532 app /usr/local/bin/app\nCOPY --chown=65532:65532 config.yml /etc/app.yml\n",
    },
    {
      name: "COPY . . into the WORKDIR, then chown -R of it: not fixed, as COPY --chown leaves the WORKDIR itself root's under BuildKit",
      code: "FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nRUN chown -R app:app /app\n",
      ...c,
      lines: [4],
      message: "set it on the COPY with --chown=app:app instead; COPY --chown leaves /app itself as it was under BuildKit, so if the program writes there, keep a chown app:app /app without -R, which copies no file",
    },
    {
      name: "a relative destination and path under the WORKDIR",
      code: "FROM alpine:3.20\nWORKDIR /app\nCOPY bin/ ./bin/\nRUN chmod -R 755 bin\n",
      ...c,
      lines: [4],
      output: "FROM alpine:3.20\nWORKDIR /app\nCOPY --chmod=755 bin/ ./bin/\n",
    },
    {
      name: "ARG and ENV in the paths",
      code: "FROM alpine:3.20\nARG BIN=/usr/local/bin\nENV LIBEXEC=/usr/local/bin/libexec\nCOPY app ${BIN}/app\nCOPY entrypoint.sh $LIBEXEC/\nRUN chmod 0755 $BIN/app ${LIBEXEC}/entrypoint.sh\n",
      ...c,
      lines: [6],
      message: "chmod 0755 $BIN/app ${LIBEXEC}/entrypoint.sh changes what the COPY at lines 4, 5 wrote (/usr/local/bin/app, /usr/local/bin/libexec/entrypoint.sh)",
      output: "FROM alpine:3.20\nARG BIN=/usr/local/bin\nENV LIBEXEC=/usr/local/bin/libexec\nCOPY --chmod=0755 app ${BIN}/app\nCOPY --chmod=0755 entrypoint.sh $LIBEXEC/\n",
    },
    {
      name: "chown -R of a directory above the destination: the copied file is stored twice; not fixed (it changes what else is there)",
      code: "FROM alpine:3.20\nCOPY app /srv/app/bin/app\nRUN chown -R 65532:65532 /srv/app\n",
      ...c,
      lines: [3],
      message: "(/srv/app/bin/app), and a layer cannot record just a new owner or mode: this RUN's layer holds each changed file whole again, so the image stores the 2.93 KiB of app twice: set it on the COPY with --chown=65532:65532 instead",
    },
    {
      name: "chmod +x of a script copied into a directory: symbolic, so no fix",
      code: 'FROM alpine:3.20\nCOPY entrypoint.sh app /usr/local/bin/\nRUN chmod +x /usr/local/bin/entrypoint.sh\nENTRYPOINT ["entrypoint.sh"]\n',
      ...c,
      lines: [3],
      message: "stores the 25 B of entrypoint.sh twice: set it on the COPY with --chmod=<octal mode> (+x is usually 755) instead",
    },
    {
      name: "a RUN that also does other work: reported, not fixed",
      code: "FROM alpine:3.20\nCOPY app /app\nRUN apk add --no-cache tzdata && chown 65532:65532 /app\n",
      ...c,
      lines: [3],
      message: "set it on the COPY with --chown=65532:65532 instead, and take it out of this RUN",
    },
    {
      name: "behind sudo, and in sh -c '...': reported, not fixed",
      code: "FROM alpine:3.20\nCOPY app /app\nCOPY config.yml /etc/app.yml\nRUN sudo chown 65532:65532 /app\nRUN sh -c 'chmod 640 /etc/app.yml'\n",
      ...c,
      lines: [4, 5],
      message: /set it on the COPY with --chown=65532:65532 instead$/,
    },
    {
      name: "chown with no group keeps the file's group, where --chown=65532 sets it too: not fixed",
      code: "FROM alpine:3.20\nCOPY app /app\nRUN chown 65532 /app\n",
      ...c,
      lines: [3],
      message: "--chown=65532:<group> (chown 65532 keeps the group; --chown=65532 alone also sets it)",
    },
    {
      name: "a user the RUN between them creates: moving --chown before it would fail, so not fixed",
      code: "FROM alpine:3.20\nCOPY app /app\nRUN adduser -D -H -u 10001 app\nRUN chown app:app /app\n",
      ...c,
      lines: [4],
    },
    {
      name: "in a stage the final one starts FROM: shipped",
      code: "FROM alpine:3.20 AS base\nCOPY app /app\nRUN chmod 755 /app\nFROM base\nUSER 65532\n",
      ...c,
      lines: [3],
      output: "FROM alpine:3.20 AS base\nCOPY --chmod=755 app /app\nFROM base\nUSER 65532\n",
    },
    {
      name: "a COPY that already has --chown gets --chmod beside it",
      code: "FROM alpine:3.20\nCOPY --chown=65532:65532 config.yml /etc/app.yml\nRUN chmod 640 /etc/app.yml\n",
      ...c,
      lines: [3],
      output: "FROM alpine:3.20\nCOPY --chmod=640 --chown=65532:65532 config.yml /etc/app.yml\n",
    },
    {
      name: "a file into a directory the COPY creates: chown not fixed (--chown would give that directory the owner too)",
      code: "FROM alpine:3.20\nCOPY app /srv/app/app\nRUN chown 65532:65532 /srv/app/app\n",
      ...c,
      lines: [3],
    },
    {
      name: "a file into a directory the COPY creates: chmod 600 not fixed (the BuildKit of Docker 28.1 and later gives that directory the mode too)",
      code: "FROM alpine:3.20\nCOPY config.yml /etc/app/config.yml\nRUN chmod 600 /etc/app/config.yml\n",
      ...c,
      lines: [3],
    },
    {
      name: "a heredoc COPY, then chmod: reported, not fixed (podman 4.3 has no heredocs)",
      code: "FROM alpine:3.20\nCOPY <<EOF /entrypoint.sh\n#!/bin/sh\nexec /app \"$@\"\nEOF\nRUN chmod 755 /entrypoint.sh\n",
      lines: [6],
      message: "stores every byte of <<EOF a second time: set it on the COPY with --chmod=755 instead",
    },
    {
      name: "ADD of a local file: reported, not fixed",
      code: "FROM alpine:3.20\nADD app /app\nRUN chmod 755 /app\n",
      ...c,
      lines: [3],
    },
    {
      name: "chgrp and chown in one RUN: one finding naming both",
      code: "FROM alpine:3.20\nCOPY app /app\nCOPY config.yml /etc/app.yml\nRUN chgrp 65532 /etc/app.yml && chown -R 65532:65532 /app\n",
      ...c,
      lines: [4],
      message: "chgrp 65532 /etc/app.yml and chown -R 65532:65532 /app changes what the COPY at lines 3, 2 wrote",
    },
  ],
});
