import { rule } from "../../../src/lint/rules/SG104-cgo-static-runtime.js";
import { ruleTester } from "../support/rule-tester.js";
import { fakeModule } from "../support/module.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

ruleTester(rule, {
  valid: [
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "ENV CGO_ENABLED=0 in builder", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "ARG default", code: "FROM golang:1.22 AS b\nARG CGO_ENABLED=0\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "export in the same RUN", code: "FROM golang:1.22 AS b\nRUN export CGO_ENABLED=0 && go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "alpine builder to alpine runtime", code: "FROM golang:1.22-alpine AS b\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=b /app /app\n" },
    { name: "glibc runtime", code: "FROM golang:1.22 AS b\nRUN go build -o /app .\nFROM gcr.io/distroless/base-debian12\nCOPY --from=b /app /app\n" },
    { name: "sudo -E keeps CGO_ENABLED=0 set before it", code: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 sudo -E go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "static external link", code: "FROM golang:1.22 AS b\nRUN go build -ldflags '-linkmode external -extldflags -static' -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo -E env: CGO_ENABLED=0 given to env reaches go", code: "FROM golang:1.22 AS b\nRUN sudo -E env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "wrappers nested: sudo -u, nice -n, env", code: "FROM golang:1.22 AS b\nRUN sudo -u builder nice -n 5 env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo --preserve-env keeps ENV CGO_ENABLED=0", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN sudo --preserve-env go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo --preserve-env=NAME,... keeps the variables it names", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN sudo --preserve-env=GOFLAGS,CGO_ENABLED go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo -E keeps ARG CGO_ENABLED=0", code: "FROM golang:1.22 AS b\nARG CGO_ENABLED=0\nRUN sudo -E go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "go env -w CGO_ENABLED=0 under sudo -E counts for later builds", code: "FROM golang:1.22 AS b\nRUN sudo -E go env -w CGO_ENABLED=0\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "bash's time keyword passes VAR=value words on", code: "FROM golang:1.22 AS b\nRUN time CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "su -c runs a script: su is not a wrapper of go", code: "FROM golang:1.22 AS b\nRUN su builder -c \"go build -o /app .\"\nFROM scratch\nCOPY --from=b /app /app\n" },
  ],
  invalid: [
    {
      name: "glibc builder to scratch",
      code: "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n",
      lines: [2],
      message: "CGO_ENABLED=0",
      output: "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n",
    },
    {
      name: "glibc builder to alpine",
      code: "FROM golang:1.22-bookworm AS build\nRUN GOOS=linux go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\n",
      lines: [2],
      output: "FROM golang:1.22-bookworm AS build\nRUN CGO_ENABLED=0 GOOS=linux go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\n",
    },
    { name: "distroless static", code: "FROM golang:1.22 AS b\nRUN cd /src && go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN cd /src && CGO_ENABLED=0 go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=b /app /app\n" },
    {
      name: "sudo go build: CGO_ENABLED=0 goes after sudo, which resets the environment",
      code: "FROM golang:1.22 AS b\nRUN sudo go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n",
      lines: [2],
      output: "FROM golang:1.22 AS b\nRUN sudo CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n",
    },
    {
      name: "sudo -u builder go build: CGO_ENABLED=0 goes after sudo's options",
      code: "FROM golang:1.22 AS b\nRUN sudo -u builder go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n",
      lines: [2],
      output: "FROM golang:1.22 AS b\nRUN sudo -u builder CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n",
    },
    {
      name: "CGO_ENABLED=0 before sudo does not reach go",
      code: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 sudo go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n",
      lines: [2],
      output: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 sudo CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n",
    },
    { name: "sudo -i (login shell) is reported without a fix", code: "FROM golang:1.22 AS b\nRUN sudo -i go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2] },
    { name: "explicit CGO_ENABLED=1 is reported, not rewritten", code: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=1 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2] },
    { name: "module needs cgo", code: "FROM golang:1.22 AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", module: fakeModule({ cgo: true }), lines: [2], message: "needs cgo" },
    { name: "ENV CGO_ENABLED=0 does not reach go through sudo, which resets the environment", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN sudo go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], message: "does not reach go: sudo resets the environment; sudo -E or --preserve-env=CGO_ENABLED keeps it)", output: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN sudo CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo --preserve-env=NAME keeps only NAME", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN sudo --preserve-env=GOFLAGS go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], output: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN sudo --preserve-env=GOFLAGS CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "an export before sudo does not reach go", code: "FROM golang:1.22 AS b\nRUN export CGO_ENABLED=0 && sudo go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN export CGO_ENABLED=0 && sudo CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "go under sudo -E env: CGO_ENABLED=0 goes among env's variables", code: "FROM golang:1.22 AS b\nRUN sudo -E env GOOS=linux go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN sudo -E env CGO_ENABLED=0 GOOS=linux go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "nice -n 10 go build: nice takes a command, so the variable goes through env", code: "FROM golang:1.22 AS b\nRUN nice -n 10 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN nice -n 10 env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "nohup go build", code: "FROM golang:1.22 AS b\nRUN nohup go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN nohup env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "time -p go build: -p is time's option, not the command", code: "FROM golang:1.22 AS b\nRUN time -p go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN time -p env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "exec go build: exec would run a VAR=value word as the command", code: "FROM golang:1.22 AS b\nRUN exec go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN exec env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "env -i drops CGO_ENABLED=0 set before it", code: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 env -i PATH=/usr/local/go/bin:/usr/bin go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 env -i CGO_ENABLED=0 PATH=/usr/local/go/bin:/usr/bin go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "env -u CGO_ENABLED removes the ENV value", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN env -u CGO_ENABLED go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], message: "does not reach go: env -i or -u CGO_ENABLED removes it", output: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN env -u CGO_ENABLED CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "doas resets the environment and takes no VAR=value: reported without a fix", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN doas -u builder go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], message: "does not reach go: doas resets the environment" },
  ],
});
