import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG120-missing-healthcheck.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const moduleWith = async (main: string) => analyze(makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": main }), { engine: "scanner" });

const withFlag = await moduleWith(
  'package main\n\nimport (\n\t"flag"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\thealth := flag.Bool("health", false, "probe /healthz")\n\tflag.Parse()\n\tif *health {\n\t\tr, err := http.Get("http://127.0.0.1:8080/healthz")\n\t\tif err != nil || r.StatusCode != 200 {\n\t\t\tos.Exit(1)\n\t\t}\n\t\tos.Exit(0)\n\t}\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})\n\t_ = http.ListenAndServe(":8080", nil)\n}\n',
);
const withEndpoint = await moduleWith('package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})\n\t_ = http.ListenAndServe(":8080", nil)\n}\n');
const noHealth = await moduleWith('package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":8080", nil) }\n');

const image = (runtime: string, entrypoint = 'ENTRYPOINT ["/app"]') =>
  `FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532:65532\n${runtime}${entrypoint}\n`;
const check = 'HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["/app", "-health"]\n';

ruleTester(rule, {
  valid: [
    { name: "a HEALTHCHECK is there", code: image('HEALTHCHECK CMD ["/app", "-health"]\n'), module: withFlag },
    { name: "HEALTHCHECK NONE is a decision", code: image("HEALTHCHECK NONE\n"), module: withFlag },
    { name: "a program with no health endpoint or flag", code: image(""), module: noHealth },
    { name: "no module known", code: image("") },
    { name: "the entrypoint runs something else", code: image("", 'ENTRYPOINT ["/docker-entrypoint.sh"]'), module: withFlag },
    { name: "the base image's own HEALTHCHECK is inherited by a stage FROM it", code: `FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM scratch AS base\nHEALTHCHECK CMD ["/app", "-health"]\n\nFROM base\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n`, module: withFlag },
  ],
  invalid: [
    {
      name: "the binary has -health: the fix adds the HEALTHCHECK before the ENTRYPOINT",
      code: image(""),
      module: withFlag,
      lines: [6],
      message: 'app probes its own health with -health (main.go:10), but the image has no HEALTHCHECK, so docker, podman and compose\'s depends_on: service_healthy cannot tell when it is ready: add HEALTHCHECK CMD ["/app", "-health"]',
      output: image(check),
    },
    {
      name: "no ENTRYPOINT line in the stage (CMD): before the CMD",
      code: image("", 'CMD ["/app"]'),
      module: withFlag,
      lines: [6],
      output: image(check, 'CMD ["/app"]'),
    },
    {
      name: "only an endpoint: reported, no fix (scratch has no curl or wget)",
      code: image(""),
      module: withEndpoint,
      lines: [6],
      message: "app serves /healthz (main.go:6), but the image has no HEALTHCHECK",
    },
    {
      name: "a single-stage build runs the binary it built",
      code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\nENTRYPOINT [\"app\"]\n",
      module: withFlag,
      lines: [1],
      output: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\nHEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["/usr/local/bin/app", "-health"]\nENTRYPOINT ["app"]\n',
    },
  ],
});
