import { rule } from "../../../src/lint/rules/SG104-cgo-static-runtime.js";
import { ruleTester } from "../support/rule-tester.js";
import { fakeModule } from "../support/module.js";
import { initDockerfile, recipeDockerfile } from "../support/dockerfiles.js";

/** A module whose one program imports these packages (os/user with a user lookup at main.go:14). */
function importing(...imports: string[]) {
  const module = fakeModule();
  const facts = module.mainPackages[0]!.facts;
  facts.imports = imports;
  if (imports.includes("os/user")) facts.needs.user = { needed: true, evidence: [{ file: "main.go", line: 14 }] };
  return module;
}
const netgo = (build: string, env = "") => `FROM golang:1.22 AS b\n${env}RUN ${build}\nFROM scratch\nCOPY --from=b /app /app\n`;

ruleTester(rule, {
  valid: [
    { name: "heredoc given to python, not a shell: its body is no go command", code: "FROM golang:1.19-bookworm AS build\nRUN <<EOT python3\nprint('go build -o /out/notes .')\nEOT\nFROM scratch\n" },
    { code: initDockerfile },
    { code: recipeDockerfile },
    { name: "ENV CGO_ENABLED=0 in builder", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "ARG default", code: "FROM golang:1.22 AS b\nARG CGO_ENABLED=0\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "export in the same RUN", code: "FROM golang:1.22 AS b\nRUN export CGO_ENABLED=0 && go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "alpine builder to alpine runtime", code: "FROM golang:1.22-alpine AS b\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=b /app /app\n" },
    { name: "alpine builder without a C compiler: Go 1.20+ turns cgo off", code: "FROM golang:1.22-alpine AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "golang:alpine (latest) without a C compiler", code: "FROM golang:alpine AS b\nRUN apk add --no-cache git\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=b /app /app\n" },
    { name: "glibc runtime", code: "FROM golang:1.22 AS b\nRUN go build -o /app .\nFROM gcr.io/distroless/base-debian12\nCOPY --from=b /app /app\n" },
    { name: "sudo -E keeps CGO_ENABLED=0 set before it", code: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 sudo -E go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "static external link", code: "FROM golang:1.22 AS b\nRUN go build -ldflags '-linkmode external -extldflags -static' -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "-extldflags -static through a variable exported earlier in the RUN", code: "FROM golang:1.22 AS b\nRUN export LD_EXTRA=\"-extldflags '-static'\" && go build -ldflags=\"${LD_EXTRA} -s -w\" -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo -E env: CGO_ENABLED=0 given to env reaches go", code: "FROM golang:1.22 AS b\nRUN sudo -E env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "wrappers nested: sudo -u, nice -n, env", code: "FROM golang:1.22 AS b\nRUN sudo -u builder nice -n 5 env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo --preserve-env keeps ENV CGO_ENABLED=0", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN sudo --preserve-env go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo --preserve-env=NAME,... keeps the variables it names", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN sudo --preserve-env=GOFLAGS,CGO_ENABLED go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sudo -E keeps ARG CGO_ENABLED=0", code: "FROM golang:1.22 AS b\nARG CGO_ENABLED=0\nRUN sudo -E go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "go env -w CGO_ENABLED=0 under sudo -E counts for later builds", code: "FROM golang:1.22 AS b\nRUN sudo -E go env -w CGO_ENABLED=0\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "bash's time keyword passes VAR=value words on", code: "FROM golang:1.22 AS b\nRUN time CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "go env -w CGO_ENABLED=0 in an exec-form sh -c counts for later builds", code: 'FROM golang:1.22 AS b\nRUN ["/bin/sh", "-c", "go env -w CGO_ENABLED=0"]\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n' },
    { name: "-tags netgo: net is pure Go, and the program uses no other cgo package", code: netgo("go build -tags netgo -trimpath -ldflags='-s -w' -o /app ."), module: importing("net/http", "fmt") },
    { name: "-tags=netgo in GOFLAGS", code: netgo("go build -o /app .", 'ENV GOFLAGS="-tags=netgo"\n'), module: importing("net/http") },
    { name: "netgo and osusergo for a program that uses os/user", code: netgo("go build -tags netgo,osusergo -o /app ."), module: importing("net/http", "os/user") },
    { name: "the old space-separated tag list", code: netgo("go build -tags 'netgo osusergo' -o /app ."), module: importing("os/user") },
  ],
  invalid: [
    { name: "heredoc RUN <<EOT bash: the body is bash's script", code: "FROM golang:1.19-bookworm AS build\nRUN <<EOT bash\ngo build -o /out/notes .\nEOT\nFROM scratch\nCOPY --from=build /out/notes /notes\n", output: "FROM golang:1.19-bookworm AS build\nRUN <<EOT bash\nCGO_ENABLED=0 go build -o /out/notes .\nEOT\nFROM scratch\nCOPY --from=build /out/notes /notes\n", lines: [2] },
    { name: "heredoc RUN <<EOT sh -e", code: "FROM golang:1.19-bookworm AS build\nRUN <<EOT sh -e\ngo build -o /out/notes .\nEOT\nFROM scratch\nCOPY --from=build /out/notes /notes\n", output: "FROM golang:1.19-bookworm AS build\nRUN <<EOT sh -e\nCGO_ENABLED=0 go build -o /out/notes .\nEOT\nFROM scratch\nCOPY --from=build /out/notes /notes\n", lines: [2] },
    { name: "heredoc RUN <<-EOT /bin/bash", code: "FROM golang:1.19-bookworm AS build\nRUN <<-EOT /bin/bash\n\tgo build -o /out/notes .\n\tEOT\nFROM scratch\nCOPY --from=build /out/notes /notes\n", output: "FROM golang:1.19-bookworm AS build\nRUN <<-EOT /bin/bash\n\tCGO_ENABLED=0 go build -o /out/notes .\n\tEOT\nFROM scratch\nCOPY --from=build /out/notes /notes\n", lines: [2] },
    { name: "FROM ${BASE:-scratch} with ARG BASE and no default: scratch in a build without --build-arg", code: "ARG BASE\nFROM golang:1.19-bookworm AS build\nRUN go build -o /out/notes .\nFROM ${BASE:-scratch}\nCOPY --from=build /out/notes /notes\n", output: "ARG BASE\nFROM golang:1.19-bookworm AS build\nRUN CGO_ENABLED=0 go build -o /out/notes .\nFROM ${BASE:-scratch}\nCOPY --from=build /out/notes /notes\n", lines: [3], message: "fails to start in scratch" },
    { name: "FROM ${BASE} with ARG BASE=scratch", code: "ARG BASE=scratch\nFROM golang:1.19-bookworm AS build\nRUN go build -o /out/notes .\nFROM ${BASE}\nCOPY --from=build /out/notes /notes\n", output: "ARG BASE=scratch\nFROM golang:1.19-bookworm AS build\nRUN CGO_ENABLED=0 go build -o /out/notes .\nFROM ${BASE}\nCOPY --from=build /out/notes /notes\n", lines: [3], message: "fails to start in scratch" },
    {
      name: "-tags netgo, but os/user without osusergo still links glibc",
      code: netgo("go build -tags netgo -o /app ."),
      module: importing("net/http", "os/user"),
      lines: [2],
      message: "-tags netgo keeps net off the C library, but app uses os/user (main.go:14), which links it unless osusergo is among the tags too, so the binary links glibc dynamically and fails to start in scratch (line 3): add osusergo to the tags (-tags netgo,osusergo) or set CGO_ENABLED=0",
      output: netgo("CGO_ENABLED=0 go build -tags netgo -o /app ."),
    },
    { name: "-tags netgo for a module that needs cgo", code: netgo("go build -tags netgo -o /app ."), module: fakeModule({ cgo: true }), lines: [2], message: "the module needs cgo" },
    { name: "-tags netgo without the module analysis: reported, saying what it cannot tell", code: netgo("go build -tags netgo -o /app ."), lines: [2], message: "without the module analysis slimgo cannot tell whether the program uses os/user", output: netgo("CGO_ENABLED=0 go build -tags netgo -o /app .") },
    { name: "-race needs cgo whatever the tags", code: netgo("go build -race -tags netgo -o /app ."), module: importing("net/http"), lines: [2], message: "-race needs cgo whatever the tags, so the binary links glibc dynamically and fails to start in scratch (line 3): drop -race from this build and set CGO_ENABLED=0" },
    { name: "-race without netgo: no CGO_ENABLED=0 fix, with which -race does not build", code: netgo("go build -race -o /app ."), lines: [2], message: "drop -race from this build and set CGO_ENABLED=0" },
    { name: "-tags on the command line replaces the tags of GOFLAGS", code: netgo("go build -tags jsoniter -o /app .", "ENV GOFLAGS=-tags=netgo\n"), module: importing("net/http"), lines: [3], output: netgo("CGO_ENABLED=0 go build -tags jsoniter -o /app .", "ENV GOFLAGS=-tags=netgo\n") },
    { name: "alpine builder with gcc installed", code: "FROM golang:1.22-alpine AS b\nRUN apk add --no-cache gcc musl-dev\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], message: "musl", output: "FROM golang:1.22-alpine AS b\nRUN apk add --no-cache gcc musl-dev\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "alpine builder before Go 1.20 (cgo on without a C compiler)", code: "FROM golang:1.19-alpine AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.19-alpine AS b\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "alpine builder with CGO_ENABLED=1", code: "FROM golang:1.22-alpine AS b\nENV CGO_ENABLED=1\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3] },
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
    { name: "timeout 300 go build: the duration is timeout's, the variable goes through env", code: "FROM golang:1.22 AS b\nRUN timeout 300 go build ./...\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN timeout 300 env CGO_ENABLED=0 go build ./...\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "gosu builder go build", code: "FROM golang:1.22 AS b\nRUN gosu builder go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN gosu builder env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "runuser -u builder -- go build", code: "FROM golang:1.22 AS b\nRUN runuser -u builder -- go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN runuser -u builder -- env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "chroot and stdbuf in front of go", code: "FROM golang:1.22 AS b\nRUN chroot --userspec=1000:1000 / stdbuf -oL go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN chroot --userspec=1000:1000 / stdbuf -oL env CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sh -c 'go build': the fix goes inside the quotes", code: "FROM golang:1.22 AS b\nRUN sh -c 'go build -o /app .'\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN sh -c 'CGO_ENABLED=0 go build -o /app .'\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "su -c \"go build\": the fix goes inside the double quotes", code: "FROM golang:1.22 AS b\nRUN su builder -c \"go build -o /app .\"\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN su builder -c \"CGO_ENABLED=0 go build -o /app .\"\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "an export inside one sh -c does not reach the script of the next", code: "FROM golang:1.22 AS b\nRUN sh -c 'export CGO_ENABLED=0' && sh -c 'go build -o /app .'\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN sh -c 'export CGO_ENABLED=0' && sh -c 'CGO_ENABLED=0 go build -o /app .'\nFROM scratch\nCOPY --from=b /app /app\n" },
    // Pairs: the first build is fine, the second, alike but for one thing, is reported.
    { name: "CGO_ENABLED=0 inside the su - script counts; without it, the build is reported", code: "FROM golang:1.22 AS b\nRUN su - builder -c 'CGO_ENABLED=0 go build -o /app .'\nRUN su - builder -c 'go build -o /app2 .'\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], output: "FROM golang:1.22 AS b\nRUN su - builder -c 'CGO_ENABLED=0 go build -o /app .'\nRUN su - builder -c 'CGO_ENABLED=0 go build -o /app2 .'\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "CGO_ENABLED=0 on sh -c reaches the script, on su - it does not", code: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 sh -c 'go build -o /app .'\nRUN CGO_ENABLED=0 su - builder -c 'go build -o /app2 .'\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], output: "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 sh -c 'go build -o /app .'\nRUN CGO_ENABLED=0 su - builder -c 'CGO_ENABLED=0 go build -o /app2 .'\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "an export in the script reaches its later commands, not its earlier ones", code: "FROM golang:1.22 AS b\nRUN sh -c 'export CGO_ENABLED=0 && go build -o /app .'\nRUN sh -c 'go build -o /app2 . && export CGO_ENABLED=0'\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], output: "FROM golang:1.22 AS b\nRUN sh -c 'export CGO_ENABLED=0 && go build -o /app .'\nRUN sh -c 'CGO_ENABLED=0 go build -o /app2 . && export CGO_ENABLED=0'\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "ENV CGO_ENABLED=0 reaches bash -c, not sudo bash -c", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN bash -euxo pipefail -c 'go build -o /app .'\nRUN sudo bash -c 'go build -o /app2 .'\nFROM scratch\nCOPY --from=b /app /app\n", lines: [4], message: "sudo resets the environment", output: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN bash -euxo pipefail -c 'go build -o /app .'\nRUN sudo bash -c 'CGO_ENABLED=0 go build -o /app2 .'\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "gosu keeps ENV CGO_ENABLED=0, env -u after it does not", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN gosu builder go build -o /app .\nRUN gosu builder env -u CGO_ENABLED go build -o /app2 .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [4], output: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN gosu builder go build -o /app .\nRUN gosu builder env -u CGO_ENABLED CGO_ENABLED=0 go build -o /app2 .\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "sh -c \"...\" is read, but not with a $ inside, which the RUN's shell expands first", code: "FROM golang:1.22 AS b\nRUN sh -c \"go build -o /app .\"\nRUN sh -c \"go build -o $OUT .\"\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN sh -c \"CGO_ENABLED=0 go build -o /app .\"\nRUN sh -c \"go build -o $OUT .\"\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "ENV CGO_ENABLED=0 does not reach the script of su -", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN su - builder -c 'go build .'\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], message: "does not reach go: su - resets the environment; su without -, or with -w CGO_ENABLED, keeps it)", output: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN su - builder -c 'CGO_ENABLED=0 go build .'\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "an export before sudo sh -c does not reach the script", code: "FROM golang:1.22 AS b\nRUN export CGO_ENABLED=0 && sudo sh -c 'go build -o /app .'\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], message: "sudo resets the environment", output: "FROM golang:1.22 AS b\nRUN export CGO_ENABLED=0 && sudo sh -c 'CGO_ENABLED=0 go build -o /app .'\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "ENV CGO_ENABLED=0 does not reach go through runuser -l", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN runuser -l builder -c \"go build -o /app .\"\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], message: "runuser -l resets the environment; runuser without -l, or with -w CGO_ENABLED, keeps it", output: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN runuser -l builder -c \"CGO_ENABLED=0 go build -o /app .\"\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "doas resets the environment and takes no VAR=value: reported without a fix", code: "FROM golang:1.22 AS b\nENV CGO_ENABLED=0\nRUN doas -u builder go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", lines: [3], message: "does not reach go: doas resets the environment" },
    { name: 'exec form ["/bin/sh", "-c", "go build"]: the fix goes inside the JSON string', code: 'FROM golang:1.22 AS b\nRUN ["/bin/sh", "-c", "go build -o /app ."]\nFROM scratch\nCOPY --from=b /app /app\n', lines: [2], output: 'FROM golang:1.22 AS b\nRUN ["/bin/sh", "-c", "CGO_ENABLED=0 go build -o /app ."]\nFROM scratch\nCOPY --from=b /app /app\n' },
    { name: "exec form running su - -c '...': the fix goes inside the inner quotes", code: "FROM golang:1.22 AS b\nRUN [\"sh\", \"-c\", \"su - builder -c 'go build -o /app .'\"]\nFROM scratch\nCOPY --from=b /app /app\n", lines: [2], output: "FROM golang:1.22 AS b\nRUN [\"sh\", \"-c\", \"su - builder -c 'CGO_ENABLED=0 go build -o /app .'\"]\nFROM scratch\nCOPY --from=b /app /app\n" },
    { name: "exec form with an escape in the JSON string: reported, no fix", code: 'FROM golang:1.22 AS b\nRUN ["sh", "-c", "go build -o \\"/app\\" ."]\nFROM scratch\nCOPY --from=b /app /app\n', lines: [2], message: "set CGO_ENABLED=0" },
  ],
});
