import { analyze } from "../../../src/analysis/index.js";
import { rule } from "../../../src/lint/rules/SG122-run-time-file-not-copied.js";
import { ruleTester } from "../support/rule-tester.js";
import { makeContext } from "../support/context.js";

const program =
  'package main\n\nimport (\n\t"html/template"\n\t"log"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tif _, err := os.ReadFile("config.json"); err != nil {\n\t\tlog.Fatal(err)\n\t}\n\ttmpl := template.Must(template.ParseGlob("templates/*.html"))\n\t_ = tmpl\n\t_, _ = os.OpenFile("app.log", os.O_CREATE|os.O_WRONLY, 0o600)\n\tlog.Fatal(http.ListenAndServe(":8080", nil))\n}\n';
const contextDir = makeContext({
  "go.mod": "module example.com/app\n\ngo 1.19\n",
  "main.go": program,
  "config.json": "{}\n",
  "templates/index.html": "<h1>hi</h1>\n",
});
const module = await analyze(contextDir, { engine: "scanner" });
const embedded = await analyze(
  makeContext({ "go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": 'package main\n\nimport "embed"\n\n//go:embed templates\nvar files embed.FS\n\nfunc main() { _, _ = files.ReadFile("templates/index.html") }\n', "templates/index.html": "hi\n" }),
  { engine: "scanner" },
);

const build = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\n";
const image = (final: string, base = "scratch") => `${build}FROM ${base}\nCOPY --from=build /out/app /app\n${final}USER 65532:65532\nENTRYPOINT ["/app"]\n`;

ruleTester(rule, {
  valid: [
    { name: "both copied to the working directory", code: image("COPY config.json /config.json\nCOPY templates /templates\n"), module, contextDir },
    { name: "copied under a WORKDIR", code: image("WORKDIR /srv\nCOPY config.json templates/ ./\n").replace("COPY config.json templates/ ./", "COPY config.json ./\nCOPY templates ./templates"), module, contextDir },
    { name: "directories copied with trailing slashes, as slimgo init writes them", code: image("WORKDIR /srv\nCOPY config.json ./config.json\nCOPY templates/ ./templates/\n"), module, contextDir },
    { name: "the build stage's tree copied", code: image("COPY --from=build /src/ /app-root/\nWORKDIR /app-root\n"), module, contextDir },
    { name: "a single-stage image with the source", code: "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /src/app .\nUSER 65532\nENTRYPOINT [\"/src/app\"]\n", module, contextDir },
    { name: "mounted: a VOLUME over the working directory's files", code: image('WORKDIR /data\nVOLUME ["/data"]\n'), module, contextDir },
    { name: "embedded files are in the binary", code: image(""), module: embedded, contextDir },
    { name: "no build context known", code: image(""), module },
  ],
  invalid: [
    {
      name: "neither the config file nor the templates, reported at the final FROM",
      code: image(""),
      module,
      contextDir,
      lines: [6, 6],
      message: "app reads config.json from disk at run time (main.go:11), relative to its working directory /, and the final stage does not copy config.json there: the program will not find it; COPY config.json /config.json, embed it with //go:embed, or mount it (VOLUME)",
    },
    {
      name: "copied to the wrong directory: the program runs in /srv",
      code: image("COPY config.json /config.json\nCOPY templates /templates\nWORKDIR /srv\n"),
      module,
      contextDir,
      lines: [6, 6],
      message: "app reads config.json from disk at run time (main.go:11), relative to its working directory /srv, and the final stage does not copy config.json there: the program will not find it; COPY config.json /srv/config.json",
    },
    {
      name: "a rootfs skeleton copied to / is not the program's files",
      code: image("COPY --from=build /out/rootfs/ /\nCOPY config.json /config.json\n"),
      module,
      contextDir,
      lines: [6],
      message: "app reads templates/*.html from disk at run time (main.go:14), relative to its working directory /, and the final stage does not copy templates there: the program will not find it; COPY templates /templates,",
    },
  ],
});
