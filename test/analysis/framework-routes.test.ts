/**
 * Health routes under web frameworks' route groups, in a module that vendors stand-ins of Gin, Echo,
 * chi and gorilla/mux (enough to parse: the analysis never builds them). Each program registers its
 * health route on a group of its framework, so a probe of the route's own path would get a 404.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { analyze, type ModuleAnalysis } from "../../src/analysis/index.js";
import { runSlimgo } from "../support/cli.js";
import { tempDirs } from "../support/temp-dirs.js";
import { skipUnless } from "../support/tools.js";

const temps = tempDirs();

const FRAMEWORKS = {
  "github.com/gin-gonic/gin": { version: "v1.9.1", files: { "gin.go": "package gin\n\ntype HandlerFunc func(*Context)\n\ntype Context struct{}\n\ntype RouterGroup struct{}\n\ntype Engine struct{ RouterGroup }\n\nfunc Default() *Engine { return &Engine{} }\n\nfunc (g *RouterGroup) Group(path string, h ...HandlerFunc) *RouterGroup { return g }\n\nfunc (g *RouterGroup) GET(path string, h ...HandlerFunc) {}\n\nfunc (e *Engine) Run(addr ...string) error { return nil }\n" } },
  "github.com/labstack/echo/v4": { version: "v4.11.4", files: { "echo.go": "package echo\n\ntype Context interface{}\n\ntype HandlerFunc func(Context) error\n\ntype Group struct{}\n\ntype Echo struct{}\n\nfunc New() *Echo { return &Echo{} }\n\nfunc (e *Echo) Group(prefix string) *Group { return &Group{} }\n\nfunc (g *Group) GET(path string, h HandlerFunc) {}\n\nfunc (e *Echo) Start(addr string) error { return nil }\n" } },
  "github.com/go-chi/chi/v5": { version: "v5.0.12", files: { "chi.go": "package chi\n\nimport \"net/http\"\n\ntype Router interface {\n\thttp.Handler\n\tRoute(pattern string, fn func(r Router)) Router\n\tGet(pattern string, h http.HandlerFunc)\n\tMount(pattern string, h http.Handler)\n}\n\nfunc NewRouter() Router { return nil }\n" } },
  "github.com/gorilla/mux": { version: "v1.8.1", files: { "mux.go": "package mux\n\nimport \"net/http\"\n\ntype Router struct{ http.Handler }\n\ntype Route struct{}\n\nfunc NewRouter() *Router { return &Router{} }\n\nfunc (r *Router) PathPrefix(tpl string) *Route { return &Route{} }\n\nfunc (r *Route) Subrouter() *Router { return &Router{} }\n\nfunc (r *Router) HandleFunc(path string, f func(http.ResponseWriter, *http.Request)) *Route { return &Route{} }\n" } },
};

const PROGRAMS: Record<string, string> = {
  gin: 'package main\n\nimport "github.com/gin-gonic/gin"\n\nfunc main() {\n\tr := gin.Default()\n\tapi := r.Group("/api")\n\tapi.GET("/healthz", func(c *gin.Context) {})\n\tr.Run(":8080")\n}\n',
  echo: 'package main\n\nimport "github.com/labstack/echo/v4"\n\nfunc main() {\n\te := echo.New()\n\tg := e.Group("/api")\n\tg.GET("/healthz", func(c echo.Context) error { return nil })\n\te.Start(":8080")\n}\n',
  chi: 'package main\n\nimport (\n\t"net/http"\n\n\t"github.com/go-chi/chi/v5"\n)\n\nfunc main() {\n\tr := chi.NewRouter()\n\tr.Route("/api", func(r chi.Router) {\n\t\tr.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {})\n\t})\n\tops := chi.NewRouter()\n\tops.Get("/readyz", func(w http.ResponseWriter, _ *http.Request) {})\n\tr.Mount("/ops", ops)\n\thttp.ListenAndServe(":8080", r)\n}\n',
  mux: 'package main\n\nimport (\n\t"net/http"\n\t"os"\n\n\t"github.com/gorilla/mux"\n)\n\nfunc main() {\n\tr := mux.NewRouter()\n\tapi := r.PathPrefix("/api").Subrouter()\n\tapi.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {})\n\tv2 := r.PathPrefix(os.Getenv("V2_PREFIX")).Subrouter()\n\tv2.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {})\n\thttp.ListenAndServe(":8080", r)\n}\n',
};

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
}

async function frameworksModule(): Promise<string> {
  const dir = await temps.make("slimgo-frameworks-");
  const modules = Object.entries(FRAMEWORKS);
  await writeTree(dir, {
    "go.mod": `module example.com/frameworks\n\ngo 1.19\n\nrequire (\n${modules.map(([p, m]) => `\t${p} ${m.version}\n`).join("")})\n`,
    "vendor/modules.txt": modules.map(([p, m]) => `# ${p} ${m.version}\n## explicit; go 1.19\n${p}\n`).join(""),
    ...Object.fromEntries(modules.flatMap(([p, m]) => Object.entries(m.files).map(([name, text]) => [`vendor/${p}/${name}`, text]))),
    ...Object.fromEntries(Object.entries(PROGRAMS).map(([name, text]) => [`cmd/${name}/main.go`, text])),
  });
  return dir;
}

function routes(a: ModuleAnalysis): Record<string, { endpoints: string[]; unresolved: string[] }> {
  return Object.fromEntries(
    a.mainPackages.map((m) => [
      m.binary,
      {
        endpoints: m.facts.healthEndpoints.map((h) => `${h.path} @ ${h.evidence.file}:${h.evidence.line}`),
        unresolved: (m.facts.unresolvedHealthRoutes ?? []).map((u) => `${u.path} @ ${u.evidence.file}:${u.evidence.line} (${u.mount.file}:${u.mount.line}: ${u.why})`),
      },
    ]),
  );
}

const EXPECTED = {
  chi: { endpoints: ["/api/healthz @ cmd/chi/main.go:12", "/ops/readyz @ cmd/chi/main.go:15"], unresolved: [] },
  echo: { endpoints: ["/api/healthz @ cmd/echo/main.go:8"], unresolved: [] },
  gin: { endpoints: ["/api/healthz @ cmd/gin/main.go:8"], unresolved: [] },
  mux: {
    endpoints: ["/api/healthz @ cmd/mux/main.go:13"],
    unresolved: ["/readyz @ cmd/mux/main.go:15 (cmd/mux/main.go:14: the prefix of the route group is not a string literal)"],
  },
};

describe("health routes on web framework route groups, in a module vendoring the frameworks", () => {
  test("the scanner serves each route at its group's prefix, and keeps one whose prefix is not a literal unresolved", async () => {
    const a = await analyze(await frameworksModule(), { engine: "scanner" });
    assert.deepEqual(routes(a), EXPECTED);
  });

  test("go list gives the same routes", { skip: skipUnless("go") }, async () => {
    const a = await analyze(await frameworksModule(), { engine: "go-list" });
    assert.equal(a.engine, "go-list", a.warnings.join("\n"));
    assert.deepEqual(routes(a), EXPECTED);
  });

  test("init's health check probes the route under the group", async () => {
    const dir = await frameworksModule();
    const r = await runSlimgo(["init", "--stdout", "--runtime", "distroless", "--engine", "scanner", "./cmd/gin"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^HEALTHCHECK .* CMD \["\/usr\/local\/libexec\/slimgo\/healthcheck", "127\.0\.0\.1:8080", "\/api\/healthz"\]$/m);
  });
});
