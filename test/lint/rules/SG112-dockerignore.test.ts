import { rule } from "../../../src/lint/rules/SG112-dockerignore.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";
import { fakeModule } from "../support/module.js";
import { initDockerfile } from "../support/dockerfiles.js";

const ctx = makeContext({ "go.mod": "module example.com/app\n", "main.go": "package main\n" });
const copyAll = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build .\n";
/** docker init's Go template: the source is bind-mounted, not copied. */
const bindAll = "FROM golang:1.22\nWORKDIR /src\nRUN --mount=type=cache,target=/root/.cache/go-build \\\n    --mount=type=bind,target=. \\\n    go build -o /bin/server .\n";

ruleTester(rule, {
  valid: [
    { name: "init's Dockerfile binds the whole context, beside the .dockerignore init writes", code: initDockerfile, contextDir: ctx, dockerignore: [".git", ".env"] },
    { name: "good .dockerignore", code: copyAll, contextDir: ctx, dockerignore: [".git", ".env", "bin/"] },
    { name: "exclude everything, re-include Go files", code: copyAll, contextDir: ctx, dockerignore: ["*", "!go.mod", "!go.sum", "!**/*.go"] },
    { name: "no context known", code: copyAll },
    { name: "bind mount with a good .dockerignore", code: bindAll, contextDir: ctx, dockerignore: [".git", ".env"] },
    { name: "bind mount of go.mod only", code: "FROM golang:1.22\nRUN --mount=type=bind,source=go.mod,target=go.mod go mod download\n", contextDir: ctx },
    { name: "bind mount from a stage", code: "FROM golang:1.22 AS b\nFROM alpine:3.20\nRUN --mount=type=bind,from=b,target=/b ls /b\n", contextDir: ctx },
    { name: "vendored module keeping vendor", code: copyAll, contextDir: ctx, dockerignore: [".git", ".env"], module: fakeModule({ vendored: true }) },
  ],
  invalid: [
    { name: "no .dockerignore", code: copyAll, contextDir: ctx, lines: [3], message: "no .dockerignore", dockerignoreAdditions: [".git", ".env"] },
    { name: "bind mount of the whole context, no .dockerignore", code: bindAll, contextDir: ctx, lines: [3], message: "RUN --mount=type=bind of the whole context with no .dockerignore gives the build .git, .env and build output, and any commit busts its cache", dockerignoreAdditions: [".git", ".env"] },
    { name: "bind mount with source=., .git let through", code: "FROM golang:1.22\nRUN --mount=type=bind,source=.,target=/src go build /src\n", contextDir: ctx, dockerignore: [".env"], lines: [2], message: "does not exclude .git, so RUN --mount=type=bind of the whole context gives it to the build", dockerignoreAdditions: [".git"] },
    { name: "a mount with no type is a bind mount", code: "FROM golang:1.22\nRUN --mount=target=/src go build /src\n", contextDir: ctx, lines: [2], message: "RUN --mount=type=bind of the whole context with no .dockerignore" , dockerignoreAdditions: [".git", ".env"] },
    { name: "ADD of the whole context is named ADD", code: "FROM golang:1.22\nWORKDIR /src\nADD . .\nRUN go build .\n", contextDir: ctx, lines: [3], message: "ADD of the whole context with no .dockerignore", dockerignoreAdditions: [".git", ".env"] },
    { name: ".env let through", code: copyAll, contextDir: ctx, dockerignore: [".git", "bin"], lines: [3], message: ".env", dockerignoreAdditions: [".env"] },
    { name: "vendor excluded in a vendored module", code: copyAll, contextDir: ctx, dockerignore: [".git", ".env", "vendor/"], module: fakeModule({ vendored: true }), lines: [3], message: "vendored" },
  ],
});
