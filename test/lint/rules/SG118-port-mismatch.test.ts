import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG118-port-mismatch.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const moduleWith = async (main: string) => analyze(makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": main }), { engine: "scanner" });

const literal = await moduleWith('package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":3000", nil) }\n');
const fromEnv = await moduleWith(
  'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "8080"\n\t}\n\t_ = http.ListenAndServe(":"+port, nil)\n}\n',
);
const fromFlag = await moduleWith(
  'package main\n\nimport (\n\t"flag"\n\t"net/http"\n)\n\nfunc main() {\n\taddr := flag.String("addr", ":8080", "listen address")\n\tflag.Parse()\n\t_ = http.ListenAndServe(*addr, nil)\n}\n',
);
// The port comes from a config file; ":8080" is only the fallback when it names none.
const fromConfig = await moduleWith(
  'package main\n\nimport (\n\t"encoding/json"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tvar cfg struct{ Addr string }\n\tf, _ := os.Open("/etc/app.json")\n\t_ = json.NewDecoder(f).Decode(&cfg)\n\taddr := cfg.Addr\n\tif addr == "" {\n\t\taddr = ":8080"\n\t}\n\t_ = http.ListenAndServe(addr, nil)\n}\n',
);

/** A two-stage Dockerfile whose runtime stage runs the program as `app` from /usr/local/bin, with `runtime` lines before the ENTRYPOINT. */
const image = (runtime: string, args = "") =>
  `FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM alpine:3.20\nCOPY --from=build /out/app /usr/local/bin/app\nUSER 65532:65532\n${runtime}\nENTRYPOINT ["app"${args}]\n`;
const wget = (port: number) => `HEALTHCHECK CMD wget -q -O /dev/null http://127.0.0.1:${port}/healthz || exit 1`;

ruleTester(rule, {
  valid: [
    { name: "EXPOSE and HEALTHCHECK on the literal port", code: image(`EXPOSE 3000\n${wget(3000)}`), module: literal },
    { name: "the PORT default", code: image(`EXPOSE 8080/tcp\n${wget(8080)}`), module: fromEnv },
    { name: "ENV PORT sets the port", code: image(`ENV PORT=9090\nEXPOSE 9090\n${wget(9090)}`), module: fromEnv },
    { name: "the -addr flag sets the port", code: image(`EXPOSE 9000\n${wget(9000)}`, ', "-addr", ":9000"'), module: fromFlag },
    { name: "-addr=... form", code: image("EXPOSE 9000", ', "-addr=:9000"'), module: fromFlag },
    { name: "ENV PORT from a variable is not known", code: image(`ARG P=1\nENV PORT=\${P}\nEXPOSE 9090`), module: fromEnv },
    { name: "a probe that follows PORT at run time (slimgo init's)", code: image('ENV PORT=9090\nHEALTHCHECK CMD ["/usr/local/libexec/slimgo/healthcheck", "127.0.0.1:8080", "/healthz", "PORT"]'), module: fromEnv },
    { name: "the entrypoint runs something else", code: image("EXPOSE 8080").replace('ENTRYPOINT ["app"', 'ENTRYPOINT ["/docker-entrypoint.sh"'), module: literal },
    { name: "no module known", code: image("EXPOSE 8080") },
    { name: "a context file not named as the module's program is not taken for it", code: 'FROM scratch\nCOPY server-linux /usr/bin/app\nEXPOSE 8080\nENTRYPOINT ["/usr/bin/app"]\n', module: literal },
    {
      name: "a Dockerfile that builds Go: a context file named as the program is not taken for the one it builds",
      code: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/tool ./tool\n\nFROM scratch\nCOPY app /usr/bin/app\nEXPOSE 8080\nENTRYPOINT ["/usr/bin/app"]\n',
      module: literal,
    },
    {
      name: "go install cross-compiling with GOARCH writes elsewhere: not traced",
      code: 'FROM golang:1.22 AS build\nARG TARGETARCH\nWORKDIR /src\nCOPY . .\nRUN GOARCH=$TARGETARCH go install .\n\nFROM alpine:3.20\nCOPY --from=build /go/bin/app /usr/local/bin/\nEXPOSE 8080\nENTRYPOINT ["app"]\n',
      module: literal,
    },
    { name: "a literal that is only the fallback of a configured address", code: image(`EXPOSE 9000\n${wget(9000)}`), module: fromConfig },
    { name: "a probe with no local port", code: image('HEALTHCHECK CMD ["app", "-health"]'), module: literal },
    { name: "a single-stage build that runs another binary than the one it built", code: "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nEXPOSE 8080\nCMD [\"./other\"]\n", module: literal },
  ],
  invalid: [
    {
      name: "a binary built outside the Dockerfile (goreleaser's COPY from the context), named as the module's program",
      code: 'FROM scratch\nCOPY app /usr/bin/app\nEXPOSE 8080\nENTRYPOINT ["/usr/bin/app"]\n',
      module: literal,
      lines: [3],
      message: "EXPOSE 8080, but app listens on 3000",
      output: 'FROM scratch\nCOPY app /usr/bin/app\nEXPOSE 3000\nENTRYPOINT ["/usr/bin/app"]\n',
    },
    {
      name: "a prebuilt binary copied from a platform directory into a directory",
      code: 'FROM alpine:3.20\nARG TARGETPLATFORM\nCOPY $TARGETPLATFORM/app /usr/local/bin/\nEXPOSE 8080\nENTRYPOINT ["app"]\n',
      module: literal,
      lines: [4],
      message: "EXPOSE 8080, but app listens on 3000",
      output: 'FROM alpine:3.20\nARG TARGETPLATFORM\nCOPY $TARGETPLATFORM/app /usr/local/bin/\nEXPOSE 3000\nENTRYPOINT ["app"]\n',
    },
    {
      name: "EXPOSE a port the program does not listen on",
      code: image("EXPOSE 8080"),
      module: literal,
      lines: [9],
      message: "EXPOSE 8080, but app listens on 3000 (main.go:5): expose the port the program listens on",
      output: image("EXPOSE 3000"),
    },
    {
      name: "a health check on the wrong port",
      code: image(wget(8080)),
      module: literal,
      lines: [9],
      message: "the HEALTHCHECK probes port 8080, but app listens on 3000 (main.go:5): the container never becomes healthy",
      output: image(wget(3000)),
    },
    {
      name: "ENV PORT moved the program, EXPOSE and the probe stayed",
      code: image(`ENV PORT=9090\nEXPOSE 8080\n${wget(8080)}`),
      module: fromEnv,
      lines: [10, 11],
      message: "EXPOSE 8080, but app listens on 9090 (ENV PORT=9090)",
      output: image(`ENV PORT=9090\nEXPOSE 9090\n${wget(9090)}`),
    },
    {
      name: "the PORT default when ENV does not set it",
      code: image('HEALTHCHECK CMD ["/probe", "http://localhost:3000/healthz"]'),
      module: fromEnv,
      lines: [9],
      message: "app listens on 8080 (PORT unset, main.go:11)",
      output: image('HEALTHCHECK CMD ["/probe", "http://localhost:8080/healthz"]'),
    },
    {
      name: "a relative -o, COPY into the WORKDIR with ., and CMD [\"./main\"]",
      code: 'FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nRUN go build -o main .\n\nFROM alpine:3.20\nWORKDIR /root/\nCOPY --from=build /app/main .\nEXPOSE 8080\nCMD ["./main"]\n',
      module: literal,
      lines: [9],
      message: "EXPOSE 8080, but app listens on 3000",
      output: 'FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nRUN go build -o main .\n\nFROM alpine:3.20\nWORKDIR /root/\nCOPY --from=build /app/main .\nEXPOSE 3000\nCMD ["./main"]\n',
    },
    {
      name: "a binary go install wrote to /go/bin",
      code: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go install .\n\nFROM alpine:3.20\nCOPY --from=build /go/bin/app /usr/local/bin/\nEXPOSE 8080\nENTRYPOINT ["app"]\n',
      module: literal,
      lines: [8],
      message: "EXPOSE 8080, but app listens on 3000",
      output: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go install .\n\nFROM alpine:3.20\nCOPY --from=build /go/bin/app /usr/local/bin/\nEXPOSE 3000\nENTRYPOINT ["app"]\n',
    },
    {
      name: "go build without -o writes the binary to the WORKDIR",
      code: 'FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nRUN go build .\n\nFROM alpine:3.20\nCOPY --from=build /app/app /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n',
      module: literal,
      lines: [8],
      message: "EXPOSE 8080, but app listens on 3000",
      output: 'FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nRUN go build .\n\nFROM alpine:3.20\nCOPY --from=build /app/app /app\nEXPOSE 3000\nENTRYPOINT ["/app"]\n',
    },
    {
      name: "go install into $GOBIN",
      code: 'FROM golang:1.22 AS build\nENV GOBIN=/out\nWORKDIR /src\nCOPY . .\nRUN go install .\n\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n',
      module: literal,
      lines: [9],
      message: "EXPOSE 8080, but app listens on 3000",
      output: 'FROM golang:1.22 AS build\nENV GOBIN=/out\nWORKDIR /src\nCOPY . .\nRUN go install .\n\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nEXPOSE 3000\nENTRYPOINT ["/app"]\n',
    },
    {
      name: "an -o directory",
      code: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/ .\n\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n',
      module: literal,
      lines: [8],
      message: "EXPOSE 8080, but app listens on 3000",
      output: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/ .\n\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nEXPOSE 3000\nENTRYPOINT ["/app"]\n',
    },
    {
      name: "a single-stage build: the binary go build wrote in the image itself, run in shell form",
      code: "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nEXPOSE 8080\nCMD ./server\n",
      module: literal,
      lines: [5],
      message: "EXPOSE 8080, but app listens on 3000",
      output: "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nEXPOSE 3000\nCMD ./server\n",
    },
    {
      name: "built in a stage the final stage starts FROM",
      code: 'FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nRUN go build -o /usr/local/bin/app .\n\nFROM build\nEXPOSE 8080\nENTRYPOINT ["app"]\n',
      module: literal,
      lines: [7],
      message: "EXPOSE 8080, but app listens on 3000",
      output: 'FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nRUN go build -o /usr/local/bin/app .\n\nFROM build\nEXPOSE 3000\nENTRYPOINT ["app"]\n',
    },
    {
      name: "an -addr flag in the entrypoint",
      code: image("EXPOSE 8080", ', "-addr", ":9000"'),
      module: fromFlag,
      lines: [9],
      message: "app listens on 9000 (-addr :9000)",
      output: image("EXPOSE 9000", ', "-addr", ":9000"'),
    },
  ],
});
