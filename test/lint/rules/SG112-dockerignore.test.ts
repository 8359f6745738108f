import { rule } from "../../../src/lint/rules/SG112-dockerignore.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";
import { fakeModule } from "../support/module.js";
import { initDockerfile } from "../support/dockerfiles.js";

const ctx = makeContext({ "go.mod": "module example.com/app\n", "main.go": "package main\n" });
const copyAll = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build .\n";

ruleTester(rule, {
  valid: [
    { code: initDockerfile, contextDir: ctx },
    { name: "good .dockerignore", code: copyAll, contextDir: ctx, dockerignore: [".git", ".env", "bin/"] },
    { name: "exclude everything, re-include Go files", code: copyAll, contextDir: ctx, dockerignore: ["*", "!go.mod", "!go.sum", "!**/*.go"] },
    { name: "no context known", code: copyAll },
    { name: "vendored module keeping vendor", code: copyAll, contextDir: ctx, dockerignore: [".git", ".env"], module: fakeModule({ vendored: true }) },
  ],
  invalid: [
    { name: "no .dockerignore", code: copyAll, contextDir: ctx, lines: [3], message: "no .dockerignore", dockerignoreAdditions: [".git", ".env"] },
    { name: ".env let through", code: copyAll, contextDir: ctx, dockerignore: [".git", "bin"], lines: [3], message: ".env", dockerignoreAdditions: [".env"] },
    { name: "vendor excluded in a vendored module", code: copyAll, contextDir: ctx, dockerignore: [".git", ".env", "vendor/"], module: fakeModule({ vendored: true }), lines: [3], message: "vendored" },
  ],
});
