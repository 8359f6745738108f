import { rule } from "../../../src/lint/rules/SG125-program-not-in-image.js";
import { ruleTester } from "../support/rule-tester.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

const build = "FROM golang:1.22-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/server .\n\n";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "the program copied to the path the ENTRYPOINT names", code: build + 'FROM scratch\nCOPY --from=build /out/server /server\nENTRYPOINT ["/server"]\n' },
    { name: "copied into a directory: its name there is not known, so anything under it may be", code: build + 'FROM scratch\nCOPY --from=build /out/ /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/server"]\n' },
    { name: "copied to / : anything may be there", code: build + 'FROM scratch\nCOPY --from=build /out/server /\nENTRYPOINT ["/server"]\n' },
    { name: "a relative path under the WORKDIR", code: build + 'FROM scratch\nWORKDIR /app\nCOPY --from=build /out/server .\nENTRYPOINT ["./server"]\n' },
    { name: "a bare name found on the default PATH", code: build + 'FROM scratch\nCOPY --from=build /out/server /usr/local/bin/server\nENTRYPOINT ["server"]\n' },
    { name: "a bare name on an ENV PATH", code: build + 'FROM scratch\nENV PATH=/app\nCOPY --from=build /out/server /app/server\nENTRYPOINT ["server"]\n' },
    { name: "not scratch: the base image may have it", code: 'FROM alpine:3.20\nENTRYPOINT ["/server"]\n' },
    { name: "a variable in a destination: not known", code: build + 'FROM scratch\nARG BIN=/server\nCOPY --from=build /out/server ${BIN}\nENTRYPOINT ["/server"]\n' },
    { name: "an ADD may unpack anything", code: 'FROM scratch\nADD rootfs.tar /\nENTRYPOINT ["/server"]\n' },
    { name: "a shell-form ENTRYPOINT is SG108's", code: build + "FROM scratch\nCOPY --from=build /out/server /app\nENTRYPOINT /server\n" },
    { name: "the program from a parent scratch stage", code: build + 'FROM scratch AS base\nCOPY --from=build /out/server /server\n\nFROM base\nENTRYPOINT ["/server"]\n' },
  ],
  invalid: [
    {
      name: "the binary copied to /app, the ENTRYPOINT names /server",
      code: build + 'FROM scratch\nCOPY --from=build /out/server /app\nUSER 65532:65532\nENTRYPOINT ["/server"]\n',
      lines: [9],
      message: 'ENTRYPOINT starts /server, but nothing in this scratch image puts a file there, so the container fails with "exec /server: no such file or directory"; the COPY instructions put /app (line 7): COPY the program to that path, or start it where it is',
    },
    { name: "CMD alone", code: build + 'FROM scratch\nCOPY --from=build /out/server /bin/server\nCMD ["/server"]\n', lines: [8], message: "CMD starts /server" },
    { name: "a relative path against the WORKDIR", code: build + 'FROM scratch\nWORKDIR /srv\nCOPY --from=build /out/server /app/server\nENTRYPOINT ["./server"]\n', lines: [9], message: "ENTRYPOINT starts /srv/server" },
    { name: "a bare name on no PATH directory", code: build + 'FROM scratch\nCOPY --from=build /out/server /server\nENTRYPOINT ["server"]\n', lines: [8], message: `ENTRYPOINT starts server, but nothing in this scratch image puts it in a directory of the PATH (/usr/local/sbin, /usr/local/bin, /usr/sbin, /usr/bin, /sbin, /bin), so the container fails with 'exec: "server": executable file not found in $PATH'` },
  ],
});
