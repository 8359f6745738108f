import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG124-undefined-program-flag.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const moduleWith = async (files: Record<string, string>) => analyze(makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n", ...files }), { engine: "scanner" });
const serve = (flags: string, imports = "") =>
  `package main\n\nimport (\n\t"flag"\n\t"net/http"${imports}\n)\n\nfunc main() {\n${flags}\tflag.Parse()\n\t_ = http.ListenAndServe(":8080", nil)\n}\n`;

const addrAndDebug = await moduleWith({ "main.go": serve('\taddr := flag.String("addr", ":8080", "listen address")\n\tdebug := flag.Bool("debug", false, "debug")\n\t_, _ = addr, debug\n') });
const inInternalPackage = await moduleWith({
  "main.go": serve("\tconfig.Register()\n", '\n\t"example.com/app/internal/config"'),
  "internal/config/config.go": 'package config\n\nimport "flag"\n\nvar level string\n\nfunc Register() { flag.StringVar(&level, "log-level", "info", "log level") }\n',
});
const noFlags = await moduleWith({ "main.go": serve("") });
const flagSet = await moduleWith({ "main.go": serve('\tfs := flag.NewFlagSet("serve", flag.ExitOnError)\n\t_ = fs.String("addr", ":8080", "")\n') });
const computedName = await moduleWith({ "main.go": serve('\tname := "addr"\n\t_ = flag.String(name, ":8080", "")\n') });
const neverParsed = await moduleWith({ "main.go": 'package main\n\nimport (\n\t"flag"\n\t"net/http"\n)\n\nvar addr = flag.String("addr", ":8080", "")\n\nfunc main() { _ = http.ListenAndServe(":8080", nil) }\n' });

const image = (args: string, module = "") =>
  `FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n${args}${module}`;

ruleTester(rule, {
  valid: [
    { name: "defined flags, in each form Go reads", code: image('CMD ["-addr", ":9090", "--debug", "-addr=:9091", "-debug=false"]\n'), module: addrAndDebug },
    { name: "a flag defined in one of the program's own packages", code: image('CMD ["-log-level=debug"]\n'), module: inInternalPackage },
    { name: "after the first non-flag argument, words are arguments", code: image('CMD ["serve", "-port", "1"]\n'), module: addrAndDebug },
    { name: "after --", code: image('CMD ["--", "-port"]\n'), module: addrAndDebug },
    { name: "a non-boolean flag's value that looks like a flag", code: image('CMD ["-addr", "-weird"]\n'), module: addrAndDebug },
    { name: "-h is always there", code: image('CMD ["-h"]\n'), module: noFlags },
    { name: "a FlagSet of its own (subcommands): not read", code: image('CMD ["-port", "1"]\n'), module: flagSet },
    { name: "a flag name that is not a literal: not read", code: image('CMD ["-port", "1"]\n'), module: computedName },
    { name: "flag.Parse never called: flags are never refused", code: image('CMD ["-port", "1"]\n'), module: neverParsed },
    { name: "no module known", code: image('CMD ["-port", "1"]\n') },
  ],
  invalid: [
    {
      name: "a binary built by xx-go build is traced to the final stage's ENTRYPOINT",
      code: 'FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nCOPY --from=xx / /\nARG TARGETPLATFORM\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 xx-go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\nCMD ["-port", "9090"]\n',
      module: addrAndDebug,
      lines: [12],
      message: "-port is not a flag of app",
    },
    {
      name: "a flag the program does not define",
      code: image('CMD ["-port", "9090"]\n'),
      module: addrAndDebug,
      lines: [10],
      message: '-port is not a flag of app, which defines -addr, -debug (main.go:9, main.go:10): it stops with "flag provided but not defined: -port" and exit status 2 before it serves; pass one of its flags, or define -port',
    },
    { name: "in the ENTRYPOINT, after defined ones", code: image("").replace('ENTRYPOINT ["/app"]', 'ENTRYPOINT ["/app", "-debug", "--listen=:80"]'), module: addrAndDebug, lines: [9], message: "--listen=:80 is not a flag of app" },
    { name: "a program with no flags at all", code: image('CMD ["-v"]\n'), module: noFlags, lines: [10], message: "which defines no flags" },
  ],
});
