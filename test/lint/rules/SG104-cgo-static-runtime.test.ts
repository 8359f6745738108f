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
  ],
});
