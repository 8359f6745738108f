import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG121-loopback-listen.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const moduleWith = async (main: string) => analyze(makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": main }), { engine: "scanner" });

const literal = await moduleWith('package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe("localhost:8080", nil) }\n');
const everywhere = await moduleWith('package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":8080", nil) }\n');
const fromFlag = await moduleWith(
  'package main\n\nimport (\n\t"flag"\n\t"net/http"\n)\n\nfunc main() {\n\taddr := flag.String("addr", "127.0.0.1:8080", "listen address")\n\tflag.Parse()\n\t_ = http.ListenAndServe(*addr, nil)\n}\n',
);
const fromEnv = await moduleWith(
  'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\taddr := os.Getenv("LISTEN_ADDR")\n\tif addr == "" {\n\t\taddr = "localhost:8080"\n\t}\n\t_ = http.ListenAndServe(addr, nil)\n}\n',
);

const pprofBeside = await moduleWith(
  'package main\n\nimport (\n\t"net/http"\n\t_ "net/http/pprof"\n)\n\nfunc main() {\n\tgo func() { _ = http.ListenAndServe("localhost:6060", nil) }()\n\t_ = http.ListenAndServe(":8080", http.NewServeMux())\n}\n',
);

const image = (runtime: string, args = "") =>
  `FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\n${runtime}ENTRYPOINT ["/app"${args}]\n`;

ruleTester(rule, {
  valid: [
    { name: "listens on every interface", code: image("EXPOSE 8080\n"), module: everywhere },
    { name: "the flag is given another address", code: image("EXPOSE 8080\n", ', "-addr=:8080"'), module: fromFlag },
    { name: "the flag as two words", code: image("", ', "--addr", ":8080"'), module: fromFlag },
    { name: "ENV sets the variable", code: image("ENV LISTEN_ADDR=:8080\nEXPOSE 8080\n"), module: fromEnv },
    { name: "the entrypoint runs something else", code: image("EXPOSE 8080\n").replace('ENTRYPOINT ["/app"', 'ENTRYPOINT ["/entrypoint.sh"'), module: literal },
    { name: "no module known", code: image("EXPOSE 8080\n") },
    { name: "pprof on loopback, started first, beside the service on every interface", code: image("EXPOSE 8080\n"), module: pprofBeside },
  ],
  invalid: [
    {
      name: "a literal localhost address, reported at the EXPOSE",
      code: image("EXPOSE 8080\n"),
      module: literal,
      lines: [9],
      message: "app listens on localhost:8080 (main.go:5), the container's own loopback: docker run -p, compose ports and other containers reach nothing there, while a health check run inside passes; listen on :8080 (every interface)",
    },
    { name: "a 127.0.0.1 flag default the entrypoint leaves, reported at the FROM without EXPOSE", code: image(""), module: fromFlag, lines: [6], message: "or pass -addr=:8080 in the ENTRYPOINT" },
    { name: "a variable's localhost default the image does not set", code: image("EXPOSE 8080\n"), module: fromEnv, lines: [9], message: "or set ENV LISTEN_ADDR=:8080" },
  ],
});
