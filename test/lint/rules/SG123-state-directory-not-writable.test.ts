import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG123-state-directory-not-writable.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const gomod = "module example.com/app\n\ngo 1.19\n";
const flagProgram =
  'package main\n\nimport (\n\t"flag"\n\t"os"\n)\n\nfunc main() {\n\tdir := flag.String("data", "/var/lib/app", "data directory")\n\tflag.Parse()\n\tif err := os.MkdirAll(*dir, 0o755); err != nil {\n\t\tpanic(err)\n\t}\n}\n';
const envProgram =
  'package main\n\nimport "os"\n\nfunc main() {\n\tdir := os.Getenv("DATA_DIR")\n\tif dir == "" {\n\t\tdir = "/data"\n\t}\n\t_ = os.WriteFile(dir+"/x", nil, 0o600)\n}\n';
const module = await analyze(makeContext({ "go.mod": gomod, "main.go": flagProgram }), { engine: "scanner" });
const envModule = await analyze(makeContext({ "go.mod": gomod, "main.go": envProgram }), { engine: "scanner" });
const readsOnly = await analyze(makeContext({ "go.mod": gomod, "main.go": 'package main\n\nimport "os"\n\nfunc main() { _, _ = os.ReadFile("/var/lib/app/x") }\n' }), { engine: "scanner" });

const build = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n";
const image = (extraBuild: string, final: string, base = "scratch") => `${build}${extraBuild}\nFROM ${base}\nCOPY --from=build /out/app /app\n${final}ENTRYPOINT ["/app"]\n`;
const message =
  "app writes its state to /var/lib/app (the default of its -data flag, main.go:9), and the image runs it as 65532:65532 with no such directory: it cannot create it (permission denied); make it in the build stage and copy it over, owned by that user (RUN mkdir -p /rootfs/var/lib/app && chown 65532:65532 /rootfs/var/lib/app, then COPY --from=build /rootfs/ /), or pass -data a mounted directory";

ruleTester(rule, {
  valid: [
    { name: "made in the build stage, owned by the user, and copied as a tree", code: image("RUN mkdir -p /out/state/var/lib/app && chown 65532:65532 /out/state/var/lib/app\n", "COPY --from=build /out/state/ /\nUSER 65532:65532\n"), module },
    { name: "made with a shell before USER", code: image("", "RUN mkdir -p /var/lib/app && chown 65532 /var/lib/app\nUSER 65532\n", "alpine:3.20"), module },
    { name: "a directory above it copied from the build stage", code: image("", "COPY --from=build --chown=65532:65532 /out/var-lib/ /var/lib/\nUSER 65532:65532\n"), module },
    { name: "made owned by the user, then a VOLUME over it (a new volume takes that owner)", code: image("", 'RUN mkdir -p /var/lib/app && chown 65532:65532 /var/lib/app\nVOLUME ["/var/lib/app"]\nUSER 65532:65532\n', "alpine:3.20"), module },
    { name: "a recursive chown of the staging tree", code: image("RUN mkdir -p /out/state/var/lib/app && chown -R 65532:65532 /out/state\n", "COPY --from=build /out/state/ /\nUSER 65532:65532\n"), module },
    { name: "chmod 1777, as /tmp has", code: image("", "RUN mkdir -p /var/lib/app && chmod 1777 /var/lib/app\nUSER 65532\n", "alpine:3.20"), module },
    { name: "chmod o+w", code: image("", "RUN mkdir -p /var/lib/app && chmod o+w /var/lib/app\nUSER 65532\n", "alpine:3.20"), module },
    { name: "mkdir -m 777", code: image("", "RUN mkdir -p -m 777 /var/lib/app\nUSER 65532\n", "alpine:3.20"), module },
    { name: "install -d -o the user", code: image("", "RUN install -d -o 65532 -g 65532 /var/lib/app\nUSER 65532\n", "alpine:3.20"), module },
    { name: "the user's own directory, copied in with COPY --chown", code: image("", "COPY --chown=65532:65532 state/ /var/lib/app/\nUSER 65532:65532\n"), module },
    { name: "the user's home directory, made by adduser", code: image("", "RUN adduser -D -u 10001 -h /var/lib/app app\nUSER app\n", "alpine:3.20"), module },
    { name: "a WORKDIR after USER: BuildKit and buildah make it as that user", code: image("", "USER 65532:65532\nWORKDIR /var/lib/app\n"), module },
    { name: "a chown to a name, USER the uid the Dockerfile gave it", code: image("", "RUN adduser -D -H -u 10001 app && mkdir -p /var/lib/app && chown app /var/lib/app\nUSER 10001\n", "alpine:3.20"), module },
    { name: "the entrypoint moves it with the flag", code: image("", "USER 65532:65532\n").replace('ENTRYPOINT ["/app"]', 'ENTRYPOINT ["/app", "-data=/srv/data"]'), module },
    { name: "ENV moves it", code: image("", "ENV DATA_DIR=/srv/data\nUSER 65532:65532\n"), module: envModule },
    { name: "runs as root: it can create the directory (SG202 says the rest)", code: image("", ""), module },
    { name: "a program that only reads there", code: image("", "USER 65532:65532\n"), module: readsOnly },
    { name: "no module known", code: image("", "USER 65532:65532\n") },
  ],
  invalid: [
    { name: "nothing makes it, and the image runs as 65532", code: image("", "USER 65532:65532\n"), module, lines: [6], message },
    {
      name: "a WORKDIR before USER makes it owned by root",
      code: image("", "WORKDIR /var/lib/app\nUSER 65532:65532\n"),
      module,
      lines: [6],
      message: "app writes its state to /var/lib/app (the default of its -data flag, main.go:9), and the image runs it as 65532:65532, but the WORKDIR at line 8 makes that directory owned by root",
    },
    {
      name: "RUN mkdir -p makes it owned by root",
      code: image("", "RUN mkdir -p /var/lib/app\nUSER 65532\n", "alpine:3.20"),
      module,
      lines: [6],
      message:
        "app writes its state to /var/lib/app (the default of its -data flag, main.go:9), and the image runs it as 65532, but the directory the RUN at line 8 makes is owned by root: it cannot write there (permission denied); chown it to that user where it is made (chown 65532 /var/lib/app), or make it in the build stage",
    },
    { name: "chowned to another user", code: image("", "RUN mkdir -p /var/lib/app && chown 1000:1000 /var/lib/app\nUSER 65532\n", "alpine:3.20"), module, lines: [6], message: "the directory the RUN at line 8 makes is owned by root" },
    { name: "chmod that lets only the owner write", code: image("", "RUN mkdir -p /var/lib/app && chmod 755 /var/lib/app\nUSER 65532\n", "alpine:3.20"), module, lines: [6] },
    { name: "made in the build stage without chown, copied as a tree", code: image("RUN mkdir -p /out/state/var/lib/app\n", "COPY --from=build /out/state/ /\nUSER 65532:65532\n"), module, lines: [7], message: "the directory the COPY at line 9 puts there is owned by root" },
    { name: "COPY --chown to another user", code: image("", "COPY --chown=1000:1000 state/ /var/lib/app/\nUSER 65532:65532\n"), module, lines: [6] },
    {
      name: "a VOLUME where the image has no directory: Docker makes the volume root's (podman gives it to the user)",
      code: image("", 'VOLUME ["/var/lib/app"]\nUSER 65532:65532\n'),
      module,
      lines: [6],
      message: "but only the VOLUME at line 8 makes it, and Docker mounts a new volume there owned by root",
    },
    {
      name: "distroless :nonroot runs as 65532 without a USER; the variable's default",
      code: image("", "", "gcr.io/distroless/static-debian12:nonroot"),
      module: envModule,
      lines: [6],
      message: "app writes its state to /data (the default of DATA_DIR, main.go:8), and the image runs it as 65532:65532 with no such directory: it cannot create it (permission denied); make it in the build stage and copy it over, owned by that user (RUN mkdir -p /rootfs/data && chown 65532:65532 /rootfs/data, then COPY --from=build /rootfs/ /), or set DATA_DIR to a mounted directory",
    },
  ],
});
