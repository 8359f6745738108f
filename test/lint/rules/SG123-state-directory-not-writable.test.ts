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
  "app writes its state to /var/lib/app (the default of its -data flag, main.go:9), and the image runs it as 65532:65532 with no such directory: it cannot create it (permission denied); make it in the build stage and copy it over, owned by that user (RUN mkdir -p /out/state/var/lib/app && chown 65532:65532 /out/state/var/lib/app, then COPY --from=build /out/state/ /), or pass -data a mounted directory";

ruleTester(rule, {
  valid: [
    { name: "made in the build stage, owned by the user, and copied as a tree", code: image("RUN mkdir -p /out/state/var/lib/app && chown 65532:65532 /out/state/var/lib/app\n", "COPY --from=build /out/state/ /\nUSER 65532:65532\n"), module },
    { name: "made with a shell before USER", code: image("", "RUN mkdir -p /var/lib/app && chown 65532 /var/lib/app\nUSER 65532\n", "alpine:3.20"), module },
    { name: "a directory above it copied from the build stage", code: image("", "COPY --from=build --chown=65532:65532 /out/var-lib/ /var/lib/\nUSER 65532:65532\n"), module },
    { name: "a VOLUME over it", code: image("", 'VOLUME ["/var/lib/app"]\nUSER 65532:65532\n'), module },
    { name: "the entrypoint moves it with the flag", code: image("", "USER 65532:65532\n").replace('ENTRYPOINT ["/app"]', 'ENTRYPOINT ["/app", "-data=/srv/data"]'), module },
    { name: "ENV moves it", code: image("", "ENV DATA_DIR=/srv/data\nUSER 65532:65532\n"), module: envModule },
    { name: "runs as root: it can create the directory (SG202 says the rest)", code: image("", ""), module },
    { name: "a program that only reads there", code: image("", "USER 65532:65532\n"), module: readsOnly },
    { name: "no module known", code: image("", "USER 65532:65532\n") },
  ],
  invalid: [
    { name: "nothing makes it, and the image runs as 65532", code: image("", "USER 65532:65532\n"), module, lines: [6], message },
    { name: "a WORKDIR creates it owned by root", code: image("", "WORKDIR /var/lib/app\nUSER 65532:65532\n"), module, lines: [6], message },
    {
      name: "distroless :nonroot runs as 65532 without a USER; the variable's default",
      code: image("", "", "gcr.io/distroless/static-debian12:nonroot"),
      module: envModule,
      lines: [6],
      message: "app writes its state to /data (the default of DATA_DIR, main.go:8), and the image runs it as 65532:65532 with no such directory: it cannot create it (permission denied); make it in the build stage and copy it over, owned by that user (RUN mkdir -p /out/state/data && chown 65532:65532 /out/state/data, then COPY --from=build /out/state/ /), or set DATA_DIR to a mounted directory",
    },
  ],
});
