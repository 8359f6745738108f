import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG119-copy-misses-build-input.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const ctx = makeContext({
  "go.mod": "module example.com/app\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n",
  "go.sum": "example.com/dep v1.0.0 h1:AAAA=\n",
  "cmd/api/main.go": 'package main\n\nimport (\n\t"embed"\n\n\t"example.com/app/internal/store"\n)\n\n//go:embed templates\nvar templates embed.FS\n\nfunc main() { store.Open(); _ = templates }\n',
  "cmd/api/templates/page.html": "<p>hi</p>\n",
  "internal/store/store.go": "package store\n\nfunc Open() {}\n",
  "internal/store/store_test.go": "package store\n",
  "tools/tools.go": "//go:build tools\n\npackage tools\n",
});
const module = await analyze(ctx, { engine: "scanner" });

const stage = (copies: string, run = "RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api") => `FROM golang:1.22 AS build\nWORKDIR /src\n${copies}\n${run}\n`;
const modFiles = "COPY go.mod go.sum ./\nRUN go mod download";

ruleTester(rule, {
  valid: [
    { name: "COPY . .", code: stage(`${modFiles}\nCOPY . .`), contextDir: ctx, module },
    { name: "every directory the program needs", code: stage(`${modFiles}\nCOPY cmd/ cmd/\nCOPY internal/ internal/`), contextDir: ctx, module },
    { name: "a bind mount of the context", code: stage(modFiles, "RUN --mount=type=bind,target=. go build -o /out/api ./cmd/api"), contextDir: ctx, module },
    { name: "sources from another stage", code: `FROM scratch AS src\nCOPY cmd/ /src/cmd/\n\n${stage(`${modFiles}\nCOPY --from=src /src /src`)}`, contextDir: ctx, module },
    { name: "sources from git", code: stage("RUN git clone https://example.com/app.git ."), contextDir: ctx, module },
    { name: "nothing copied from the context at all", code: stage("RUN echo no sources"), contextDir: ctx, module },
    { name: "tests and tools are not build input", code: stage(`${modFiles}\nCOPY cmd/ cmd/\nCOPY internal/store/store.go internal/store/`), contextDir: ctx, module },
    { name: "no build context known", code: stage(`${modFiles}\nCOPY cmd/ cmd/`), module },
    { name: "directories copied without trailing slashes land where they are in the module", code: stage(`${modFiles}\nCOPY cmd cmd\nCOPY internal internal`), contextDir: ctx, module },
    { name: "the module copied to /app, built there", code: stage("COPY . /app", "WORKDIR /app\nRUN CGO_ENABLED=0 go build -o /out/api ./cmd/api"), contextDir: ctx, module },
    { name: "built in a package directory below the module root", code: stage(`${modFiles}\nCOPY . .`, "WORKDIR /src/cmd/api\nRUN CGO_ENABLED=0 go build -o /out/api ."), contextDir: ctx, module },
    { name: "a bind mount of the context at the WORKDIR", code: stage("", "RUN --mount=type=bind,target=/src go build -o /out/api ./cmd/api"), contextDir: ctx, module },
    { name: "go install of a tool at a version needs no go.mod where it runs", code: stage("COPY . /app", "RUN go install example.com/tool@v1.2.3"), contextDir: ctx, module },
    { name: "a glob of directories copies each one's contents where the fix would", code: stage(`${modFiles}\nCOPY cmd/api/*.go cmd/api/\nCOPY cmd/api/templates cmd/api/templates\nCOPY internal/store/*.go internal/store/`), contextDir: ctx, module },
  ],
  invalid: [
    {
      name: "an imported package never copied",
      code: stage(`${modFiles}\nCOPY cmd/ cmd/`),
      contextDir: ctx,
      module,
      lines: [6],
      message: "go build compiles package example.com/app/internal/store for ./cmd/api, but no COPY before it brings in internal/store/store.go: the build cannot find the package; COPY internal/store/ internal/store/",
      output: stage(`${modFiles}\nCOPY cmd/ cmd/\nCOPY internal/store/ internal/store/`),
    },
    {
      name: "COPY cmd/api/ ./ puts the program's package (and its templates) in /src, where go build ./cmd/api does not look; the fix copies it to cmd/api/, and the missing package beside it",
      code: stage(`${modFiles}\nCOPY cmd/api/ ./`, "RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api"),
      contextDir: ctx,
      module,
      lines: [6, 6, 6],
      message: '//go:embed templates (cmd/api/main.go:9) embeds cmd/api/templates/page.html, but the COPY at line 5 puts cmd/api/templates/page.html at /src/templates/page.html, not /src/cmd/api/templates/page.html: go build fails ("pattern templates: no matching files found"); copy it to /src/cmd/api/templates/page.html (COPY cmd/api/ cmd/api/)',
      output: stage(`${modFiles}\nCOPY cmd/api/ cmd/api/\nCOPY internal/store/ internal/store/`),
    },
    {
      name: "COPY cmd . copies the directory's contents, so cmd/api lands at /src/api",
      code: stage(`${modFiles}\nCOPY cmd .\nCOPY internal internal`),
      contextDir: ctx,
      module,
      lines: [7, 7],
      message: "the COPY at line 5 puts cmd/api/templates/page.html at /src/api/templates/page.html, not /src/cmd/api/templates/page.html",
      output: stage(`${modFiles}\nCOPY cmd cmd/\nCOPY internal internal`),
    },
    {
      name: "an imported package's contents copied into the module root",
      code: stage(`${modFiles}\nCOPY cmd cmd\nCOPY internal/ ./`),
      contextDir: ctx,
      module,
      lines: [7],
      message: "go build compiles package example.com/app/internal/store for ./cmd/api from /src/internal/store, but the COPY at line 6 puts internal/store/store.go at /src/store/store.go: the build cannot find the package; copy it to /src/internal/store/store.go (COPY internal/ internal/)",
      output: stage(`${modFiles}\nCOPY cmd cmd\nCOPY internal/ internal/`),
    },
    {
      name: "a file copied to a path without a trailing slash becomes that file",
      code: stage(`${modFiles}\nCOPY cmd/api/main.go ./cmd/api\nCOPY cmd/api/templates/ cmd/api/templates/\nCOPY internal internal`),
      contextDir: ctx,
      module,
      lines: [8],
      message: "but the COPY at line 5 puts cmd/api/main.go at /src/cmd/api: the build cannot find the package; copy it to /src/cmd/api/main.go (COPY cmd/api/main.go cmd/api/)",
      output: stage(`${modFiles}\nCOPY cmd/api/main.go cmd/api/\nCOPY cmd/api/templates/ cmd/api/templates/\nCOPY internal internal`),
    },
    {
      name: "the module copied to /app while go build runs in /src: go finds no go.mod",
      code: stage("COPY . /app"),
      contextDir: ctx,
      module,
      lines: [4],
      message: 'the COPY at line 3 puts go.mod at /app/go.mod, but go build runs in /src and looks for go.mod there and in the directories above: it stops with "go.mod file not found"; run it where the module is (WORKDIR /app before it), or copy the module into /src',
    },
    {
      name: "COPY go.mod go.sum without a destination copies go.mod to a file named go.sum",
      code: stage("COPY go.mod go.sum\nCOPY cmd cmd\nCOPY internal internal"),
      contextDir: ctx,
      module,
      lines: [6],
      message: 'the COPY at line 3 puts go.mod at /src/go.sum, but go build runs in /src and looks for go.mod there and in the directories above: it stops with "go.mod file not found"; copy go.mod by its name into /src (COPY go.mod ./; a COPY\'s last word is where it copies to)',
    },
    {
      name: "git config for private modules is not a source of files",
      code: stage(`RUN git config --global url."https://x@example.com/".insteadOf "https://example.com/"\n${modFiles}\nCOPY cmd/ cmd/`),
      contextDir: ctx,
      module,
      lines: [7],
      message: "internal/store/store.go",
      output: stage(`RUN git config --global url."https://x@example.com/".insteadOf "https://example.com/"\n${modFiles}\nCOPY cmd/ cmd/\nCOPY internal/store/ internal/store/`),
    },
    {
      name: "the embedded directory left behind by a COPY of the Go files",
      code: stage(`${modFiles}\nCOPY cmd/api/*.go cmd/api/\nCOPY internal/ internal/`),
      contextDir: ctx,
      module,
      lines: [7],
      message: '//go:embed templates (cmd/api/main.go:9) embeds cmd/api/templates/page.html, which no COPY before this go build brings in: go build fails ("pattern templates: no matching files found"); COPY cmd/api/templates/ cmd/api/templates/',
      output: stage(`${modFiles}\nCOPY cmd/api/*.go cmd/api/\nCOPY internal/ internal/\nCOPY cmd/api/templates/ cmd/api/templates/`),
    },
    {
      name: "go.sum left out",
      code: stage("COPY go.mod ./\nCOPY cmd/ cmd/\nCOPY internal/ internal/"),
      contextDir: ctx,
      module,
      lines: [6],
      message: "no COPY before this go build brings in go.sum: go stops on a missing go.sum entry; COPY go.sum ./",
      output: stage("COPY go.mod ./\nCOPY cmd/ cmd/\nCOPY internal/ internal/\nCOPY go.sum ./"),
    },
  ],
});
