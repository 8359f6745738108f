import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG116-dockerignore-drops-build-input.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const moduleFiles = {
  "go.mod": "module example.com/app\n\ngo 1.19\n",
  "go.sum": "example.com/dep v1.0.0 h1:AAAA=\n",
  "cmd/api/main.go": [
    "package main",
    "",
    'import (',
    '\t"embed"',
    "",
    '\t"example.com/app/internal/store"',
    ")",
    "",
    "//go:embed static",
    "var static embed.FS",
    "",
    "func main() { store.Open(); _ = static }",
    "",
  ].join("\n"),
  "cmd/api/static/index.html": "<h1>hi</h1>\n",
  "cmd/api/static/app.js": "console.log(1)\n",
  "cmd/api/static/app.js.map": "{}\n",
  "cmd/api/static/_draft.html": "not embedded: Go skips names starting with _\n",
  "cmd/tool/main.go": "package main\n\nfunc main() {}\n",
  "internal/store/store.go": "package store\n\nfunc Open() {}\n",
  "internal/store/store_test.go": "package store\n",
  "internal/store/store_windows.go": "package store\n",
};

const ctx = makeContext(moduleFiles);
const module = await analyze(ctx, { engine: "scanner" });
// The module in a directory of a larger build context (a monorepo built from its root).
const monorepo = makeContext(Object.fromEntries(Object.entries(moduleFiles).map(([p, text]) => [`services/app/${p}`, text])));
const nested = await analyze(`${monorepo}/services/app`, { engine: "scanner" });

const api = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/api ./cmd/api\n\nFROM scratch\nCOPY --from=build /out/api /api\nENTRYPOINT [\"/api\"]\n";
const all = api.replace("./cmd/api", "./...");
const onlyCmd = api.replace("COPY . .", "COPY cmd/ cmd/");
const mounted = "FROM golang:1.22\nWORKDIR /src\nRUN --mount=type=bind,target=. go build -o /out/api ./cmd/api\n";
const fromMonorepoRoot = api.replace("COPY go.mod go.sum ./", "COPY services/app/go.mod services/app/go.sum ./").replace("COPY . .", "COPY services/app/ .");
const prebuilt = "FROM scratch\nCOPY . /\nENTRYPOINT [\"/api\"]\n";

ruleTester(rule, {
  valid: [
    { name: "no .dockerignore", code: api, contextDir: ctx, module },
    { name: "secrets and history only", code: api, contextDir: ctx, module, dockerignore: [".git", ".env", "bin/"] },
    { name: "a whitelist that keeps every input", code: api, contextDir: ctx, module, dockerignore: ["*", "!go.mod", "!go.sum", "!**/*.go", "!cmd/api/static"] },
    { name: "tests, other systems' files and names embed skips", code: api, contextDir: ctx, module, dockerignore: ["**/*_test.go", "**/*_windows.go", "**/_*"] },
    { name: "another program than the one built", code: api, contextDir: ctx, module, dockerignore: ["cmd/tool"] },
    { name: "a package the COPY does not bring in anyway", code: onlyCmd, contextDir: ctx, module, dockerignore: ["internal"] },
    { name: "no go build in the Dockerfile", code: prebuilt, contextDir: ctx, module, dockerignore: ["internal"] },
    { name: "no module known", code: api, contextDir: ctx, dockerignore: ["internal"] },
  ],
  invalid: [
    {
      name: "a whitelist whose !*.go keeps only the root's Go files",
      code: api,
      contextDir: ctx,
      module,
      dockerignore: ["*", "!go.mod", "!go.sum", "!*.go", "!cmd"],
      lines: [6],
      message: ".dockerignore line 1 (*) excludes internal/store/store.go of package example.com/app/internal/store, which go build compiles for ./cmd/api",
      dockerignoreAdditions: ["!internal/store/*.go"],
    },
    { name: "go.sum", code: api, contextDir: ctx, module, dockerignore: [".git", "*.sum"], lines: [6], message: ".dockerignore line 2 (*.sum) excludes go.sum", dockerignoreAdditions: ["!go.sum"] },
    {
      name: "the embedded directory",
      code: api,
      contextDir: ctx,
      module,
      dockerignore: ["cmd/api/static/"],
      lines: [6],
      message: 'cmd/api/static/app.js and 2 more files that //go:embed static (cmd/api/main.go:9) embeds, so it matches nothing in the image\'s build and go build fails ("pattern static: no matching files found")',
      dockerignoreAdditions: ["!cmd/api/static"],
    },
    {
      name: "some embedded files: the build works and the binary lacks them",
      code: api,
      contextDir: ctx,
      module,
      dockerignore: ["**/*.map"],
      lines: [6],
      message: ".dockerignore line 1 (**/*.map) excludes cmd/api/static/app.js.map that //go:embed static (cmd/api/main.go:9) embeds, so the binary in the image lacks them",
      dockerignoreAdditions: ["!cmd/api/static"],
    },
    { name: "./... builds every program", code: all, contextDir: ctx, module, dockerignore: ["cmd/tool/*.go"], lines: [6], message: "cmd/tool/main.go of package example.com/app/cmd/tool, which go build compiles for ./cmd/api, ./cmd/tool", dockerignoreAdditions: ["!cmd/tool/*.go"] },
    { name: "a bind mount of the context", code: mounted, contextDir: ctx, module, dockerignore: ["internal/"], lines: [3], message: "internal/store/store.go", dockerignoreAdditions: ["!internal/store/*.go"] },
    {
      name: "each input once, in the order go needs them",
      code: api,
      contextDir: ctx,
      module,
      dockerignore: ["go.sum", "internal", "**/*.html"],
      lines: [6, 6, 6],
      message: "go.sum",
      dockerignoreAdditions: ["!go.sum", "!internal/store/*.go", "!cmd/api/static"],
    },
    {
      name: "a module inside the build context",
      code: fromMonorepoRoot,
      contextDir: monorepo,
      module: nested,
      dockerignore: ["**/internal"],
      lines: [6],
      message: "excludes services/app/internal/store/store.go of package example.com/app/internal/store",
      dockerignoreAdditions: ["!services/app/internal/store/*.go"],
    },
  ],
});
