import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { scanGoSource, type GoSourceFile } from "../../src/analysis/index.js";
import { runtimeNeeds } from "../../src/analysis/runtime-needs.js";
import { environmentVariables, healthEndpoints, healthFlag, healthRoutes, isServer, listeningPorts, serveSubcommand, tlsServer } from "../../src/analysis/server.js";
import { buildConfigVersionVariables, versionVariables } from "../../src/analysis/version-vars.js";
import { dataDirectories, embedDirectives } from "../../src/analysis/embeds.js";
import { cgoFacts } from "../../src/analysis/cgo.js";
import { readBuildConfigLines, timetzdataTagEvidence } from "../../src/analysis/build-config.js";

/** A main.go from lines, so tests can name evidence lines directly. */
const go = (...lines: string[]): GoSourceFile[] => [scanGoSource("main.go", lines.join("\n"))];
const lines = (list: { evidence: { line: number } }[] | { line: number }[]) =>
  list.map((e) => ("evidence" in e ? e.evidence.line : e.line));

describe("runtime needs", () => {
  test("TLS roots: HTTPS literals, outbound requests, tls.Dial, x509 pools and HTTPS SDKs", () => {
    const files = go(
      "package main",
      'import (\n\t"crypto/tls"\n\t"crypto/x509"\n\t"net/http"\n\t"cloud.google.com/go/storage"\n)', // lines 2-7
      "func main() {",
      '\thttp.Get(url)', // 9
      '\ttls.Dial("tcp", "db:5432", nil)', // 10
      "\tx509.SystemCertPool()", // 11
      '\t_ = "https://api.example.com"', // 12
      "\t_ = storage.NewClient", // 13
      "}",
    );
    assert.deepEqual(lines(runtimeNeeds(files).tlsRoots.evidence), [6, 9, 10, 11, 12]);
  });

  test("a plain-http probe still links Go's TLS client: tlsClientCode records it, tlsRoots does not", () => {
    const files = go(
      "package main",
      'import "net/http"',
      "func main() {",
      '\thttp.Get("http://127.0.0.1:8080/healthz")', // 4
      "}",
    );
    const needs = runtimeNeeds(files);
    assert.equal(needs.tlsRoots.needed, false);
    assert.deepEqual(lines(needs.tlsClientCode!.evidence), [4]);
    assert.equal(runtimeNeeds(go("package main", 'import "net/http"', 'func main() { http.ListenAndServe(":8080", nil) }')).tlsClientCode!.needed, false);
  });

  test("templates with net/http keep multipart parsing linked, so /tmp is needed; either alone is not", () => {
    const both = go("package main", 'import (\n\t"html/template"\n\t"net/http"\n)', "func main() {}"); // template on line 3
    assert.deepEqual(lines(runtimeNeeds(both).tmp.evidence), [3]);
    assert.equal(runtimeNeeds(go("package main", 'import "text/template"', "func main() {}")).tmp.needed, false);
    assert.equal(runtimeNeeds(go("package main", 'import "net/http"', "func main() {}")).tmp.needed, false);
  });

  test("a server that only listens, or probes itself over http://, needs no roots", () => {
    const files = go(
      "package main",
      'import "net/http"',
      "func main() {",
      '\thttp.ListenAndServe(":8080", nil)',
      "}",
      "func probe() {",
      "\tc := &http.Client{}",
      '\tc.Get("http://127.0.0.1:8080/healthz")',
      '\thttp.Get("http://localhost:" + port)',
      "}",
      "func check(port string) int {",
      '\treturn get("http://127.0.0.1:" + port + "/healthz", 3)',
      "}",
      "func get(url string, tries int) int {",
      "\tc := http.Client{}",
      "\tc.Get(url)",
      "\treturn 0",
      "}",
    );
    assert.deepEqual(runtimeNeeds(files).tlsRoots, { needed: false, evidence: [] });
  });

  test("a client in a function without a local URL needs roots", () => {
    const files = go(
      "package main",
      'import "net/http"',
      "func newClient() *http.Client {",
      "\treturn &http.Client{}", // 4
      "}",
      "var c = http.DefaultClient", // 6
      "func fetch(url string) {",
      "\thttp.DefaultClient.Get(url)", // 8
      "}",
      'func main() { fetch("http://127.0.0.1/"); fetch(os.Args[1]) }',
    );
    assert.deepEqual(lines(runtimeNeeds(files).tlsRoots.evidence), [4, 6, 8]);
  });

  test("zoneinfo, embedded tzdata, temp files and os/user", () => {
    const files = go(
      "package main",
      'import (\n\t"io/ioutil"\n\t"os"\n\tu "os/user"\n\t"time"\n\t_ "time/tzdata"\n)', // 2-8
      "func main() {",
      '\ttime.LoadLocation("Europe/Madrid")', // 10
      '\tos.Getenv("TZ")', // 11
      "\tos.MkdirTemp(\"\", \"x\")", // 12
      "\tioutil.TempFile(\"\", \"y\")", // 13
      "\tu.Current()", // 14
      "\tr.ParseMultipartForm(32 << 20)", // 15
      "}",
    );
    const needs = runtimeNeeds(files);
    assert.deepEqual(lines(needs.zoneinfo.evidence), [7, 10, 11]);
    const tagOnly = runtimeNeeds(go("package main", 'import "time"', 'var l, _ = time.LoadLocation("UTC")'), [{ file: "Makefile", line: 4 }]);
    assert.deepEqual(tagOnly.zoneinfo, { needed: true, embeddedTzdata: true, evidence: [{ file: "Makefile", line: 4 }, { file: "main.go", line: 3, text: 'var l, _ = time.LoadLocation("UTC")' }] });
    assert.equal(needs.zoneinfo.needed, true);
    assert.equal(needs.zoneinfo.embeddedTzdata, true);
    assert.deepEqual(lines(needs.tmp.evidence), [12, 13, 15]);
    assert.deepEqual(lines(needs.user.evidence), [5, 14]);
  });

  test("calls through a shadowing local name do not count", () => {
    const files = go("package main", "func main() {", "\ttime := clock{}", "\ttime.LoadLocation(\"UTC\")", "}");
    assert.equal(runtimeNeeds(files).zoneinfo.needed, false);
  });
});

describe("server facts", () => {
  test("ports from listen literals, Addr fields, address variables, flags and env defaults", () => {
    const files = go(
      "package main",
      'import (\n\t"flag"\n\t"net"\n\t"net/http"\n\t"os"\n)', // 2-7
      'const metricsAddr = "127.0.0.1:9090"', // 8
      "func main() {",
      '\taddr := flag.String("listen", ":8443", "address")', // 10
      '\tdebug := flag.Int("debug-port", 6060, "pprof port")', // 11
      '\tflag.Parse()',
      '\tgo http.ListenAndServe(":8080", nil)', // 13
      '\tsrv := &http.Server{Addr: "0.0.0.0:8081"}', // 14
      '\tnet.Listen("tcp", ":7000")', // 15
      '\tgrpcPort, ok := os.LookupEnv("GRPC_PORT")', // 16
      "\tif !ok {",
      '\t\tgrpcPort = "50051"', // 18
      "\t}",
      '\t_ = "not an address:80"',
      "}",
    );
    assert.deepEqual(
      listeningPorts(files).map((p) => [p.port, p.source, p.envVar, p.evidence.line]),
      [
        [9090, "literal", undefined, 8],
        [8443, "flag", undefined, 10],
        [6060, "flag", undefined, 11],
        [8080, "literal", undefined, 13],
        [8081, "literal", undefined, 14],
        [7000, "literal", undefined, 15],
        [50051, "env", "GRPC_PORT", 18],
      ],
    );
    assert.equal(isServer(files), true);
  });

  test("environment variables with defaults from helpers, cmp.Or and reassignment", () => {
    const files = go(
      "package main",
      'import (\n\t"cmp"\n\t"os"\n)', // 2-5
      "func getenv(key, fallback string) string {",
      "\tif v := os.Getenv(key); v != \"\" {",
      "\t\treturn v",
      "\t}",
      "\treturn fallback",
      "}",
      "func main() {",
      '\tdb := getenv("DATABASE_URL", "postgres://localhost/app")', // 13
      '\tlevel := cmp.Or(os.Getenv("LOG_LEVEL"), "info")', // 14
      '\tport := os.Getenv("PORT")', // 15
      '\tif port == "" {',
      '\t\tport = "3000"',
      "\t}",
      '\ttoken := os.Getenv("API_TOKEN")', // 19
      '\tport = os.Getenv("PORT")', // 20
      "}",
    );
    assert.deepEqual(
      environmentVariables(files).map((e) => [e.name, e.default, e.evidence.line]),
      [
        ["DATABASE_URL", "postgres://localhost/app", 13],
        ["LOG_LEVEL", "info", 14],
        ["PORT", "3000", 15],
        ["API_TOKEN", undefined, 19],
      ],
    );
    assert.deepEqual(listeningPorts(files).map((p) => [p.port, p.envVar, p.evidence.line]), [[3000, "PORT", 17]]);
    assert.equal(isServer(files), false);
  });

  test("the default of a port or address the program connects to (DB_PORT, REDIS_ADDR) is not a port it listens on", () => {
    const files = go(
      "package main",
      'import (\n\t"flag"\n\t"net/http"\n\t"os"\n)', // 2-6
      "func env(k, d string) string { if v := os.Getenv(k); v != \"\" { return v }; return d }", // 7
      "func main() {",
      '\tdb := env("DB_PORT", "5432")', // 9
      '\tcache := env("REDIS_ADDR", "localhost:6379")', // 10
      '\tport := env("HTTP_PORT", "8080")', // 11
      '\tadmin := env("ADMIN_ADDR", ":9090")', // 12
      '\tredisAddr := "localhost:6379"', // 13
      '\tdbPort := flag.Int("db-port", 5432, "database port")', // 14
      '\tmetrics := flag.String("metrics-addr", ":9100", "metrics listen address")', // 15
      '\t_ = http.ListenAndServe(":"+port, nil)',
      "}",
    );
    assert.deepEqual(
      listeningPorts(files).map((p) => [p.port, p.envVar ?? p.flag, p.evidence.line]),
      [
        [8080, "HTTP_PORT", 11],
        [9090, "ADMIN_ADDR", 12],
        [9100, "metrics-addr", 15],
      ],
    );
  });

  test("a listen address on the loopback interface only is marked, as written", () => {
    const files = go(
      "package main",
      'import (\n\t"flag"\n\t"net/http"\n)', // 2-5
      "func main() {",
      '\tdebug := flag.String("debug-addr", "127.0.0.1:6060", "pprof")', // 7
      '\t_ = http.ListenAndServe("localhost:8080", nil)', // 8
      '\t_ = http.ListenAndServe(":9090", nil)', // 9
      "}",
    );
    assert.deepEqual(listeningPorts(files).map((p) => [p.port, p.loopback]), [[6060, "127.0.0.1:6060"], [8080, "localhost:8080"], [9090, undefined]]);
  });

  test("TLS servers: ListenAndServeTLS, ServeTLS and crypto/tls.Listen serve TLS; tls.Dial does not", () => {
    const served = go("package main", 'import (\n\t"crypto/tls"\n\t"net/http"\n)', "func main() {", '\t_, _ = tls.Dial("tcp", "db:5432", nil)', '\t_ = http.ListenAndServeTLS(":8443", "c", "k", nil)', "}");
    assert.equal(tlsServer(served)?.line, 8);
    const listener = go("package main", 'import (\n\t"crypto/tls"\n)', "func main() {", '\tl, _ := tls.Listen("tcp", ":8443", cfg)', "\t_ = srv.Serve(l)", "}");
    assert.equal(tlsServer(listener)?.line, 6);
    assert.equal(tlsServer(go("package main", 'import "net/http"', "func main() {", '\t_ = http.ListenAndServe(":8080", nil)', "}")), undefined);
  });

  test("Gin, Echo and Fiber engines that listen serve; Gin's Run() with no address reads PORT, else 8080", () => {
    const gin = go("package main", 'import "github.com/gin-gonic/gin"', "func main() {", "\tr := gin.Default()", '\tr.GET("/healthz", ok)', "\tr.Run()", "}");
    assert.equal(isServer(gin), true);
    assert.deepEqual(listeningPorts(gin).map((p) => [p.port, p.source, p.envVar, p.evidence.line]), [[8080, "env", "PORT", 6]]);
    const echo = go("package main", 'import "github.com/labstack/echo/v4"', "func main() { serve(echo.New()) }", "func serve(e *echo.Echo) {", '\te.Logger.Fatal(e.Start(":1323"))', "}");
    assert.equal(isServer(echo), true);
    assert.deepEqual(listeningPorts(echo).map((p) => p.port), [1323]);
    const fiber = go("package main", 'import fiber "github.com/gofiber/fiber/v2"', "func main() {", "\tapp := fiber.New()", '\tapp.Listen(":3000")', "}");
    assert.equal(isServer(fiber), true);
    // Run and Start of other types do not listen: a job runner, and a receiver bound to no framework.
    assert.equal(isServer(go("package main", 'import "example.com/app/jobs"', "func main() {", "\tr := jobs.New()", "\tr.Run()", "}")), false);
    assert.equal(isServer(go("package main", 'import "github.com/gin-gonic/gin"', "func main() {", "\tgin.SetMode(gin.ReleaseMode)", "\tw := newWorker()", "\tw.Run()", "}")), false);
  });

  test("health endpoints on ServeMux, Go 1.22 patterns and routers; a health flag via BoolVar", () => {
    const files = go(
      "package main",
      'import "flag"',
      "func main() {",
      '\tvar probe bool',
      '\tflag.BoolVar(&probe, "healthcheck", false, "probe and exit")', // 5
      '\tmux.HandleFunc("GET /livez", live)', // 6
      '\tr.Get("/api/readyz", ready)', // 7
      '\te.GET("/ping", ping)', // 8
      '\tmux.HandleFunc("/users", users)',
      '\tq.Get("status")',
      "}",
    );
    assert.deepEqual(healthEndpoints(files).map((h) => [h.path, h.evidence.line]), [["/livez", 6], ["/api/readyz", 7], ["/ping", 8]]);
    assert.deepEqual(healthFlag(files), { name: "healthcheck", evidence: { file: "main.go", line: 5, text: 'flag.BoolVar(&probe, "healthcheck", false, "probe and exit")' } });
  });
});

describe("health route beside a second listener", () => {
  test("the route's port is the HTTP server started in the same function, not the gRPC-style listener", () => {
    const files = go(
      "package main",
      'import ("net"; "net/http"; "os")',
      "func main() {",
      '\taddr := os.Getenv("GRPC_ADDR")',
      '\tif addr == "" { addr = ":50051" }',
      '\tlis, _ := net.Listen("tcp", addr)',
      "\tgo func() {",
      "\t\tmux := http.NewServeMux()",
      '\t\tmux.HandleFunc("/healthz", ok)',
      '\t\thttp.ListenAndServe(":8081", mux)',
      "\t}()",
      "\tserve(lis)",
      "}",
    );
    assert.deepEqual(healthEndpoints(files).map((h) => [h.path, h.port]), [["/healthz", 8081]]);
  });

  test("no port from a server on another mux (pprof on DefaultServeMux) or in another function", () => {
    const files = go(
      "package main",
      'import ("net/http"; "os")',
      "func main() {",
      '\tgo http.ListenAndServe("localhost:6060", nil)',
      "\tmux := http.NewServeMux()",
      '\tmux.HandleFunc("/healthz", ok)',
      '\thttp.ListenAndServe(":"+os.Getenv("PORT"), mux)',
      "}",
      "func debug() {",
      '\thttp.ListenAndServe(":6061", nil)',
      "}",
    );
    assert.deepEqual(healthEndpoints(files).map((h) => [h.path, h.port]), [["/healthz", undefined]]);
  });
});

describe("health route on a handler mounted under a prefix", () => {
  const at = (h: { path: string; port?: number; evidence: { line: number } }) => [h.path, h.evidence.line, h.port];

  test("http.StripPrefix of a mux variable: the route is served, and probed, at the prefix plus its path", () => {
    const files = go(
      "package main",
      'import "net/http"',
      "func main() {",
      "\tapi := http.NewServeMux()",
      '\tapi.HandleFunc("/healthz", ok)', // 5
      "\tmux := http.NewServeMux()",
      '\tmux.Handle("/api/", http.StripPrefix("/api", api))',
      '\thttp.ListenAndServe(":8080", mux)',
      "}",
    );
    assert.deepEqual(healthRoutes(files), { endpoints: [{ path: "/api/healthz", port: 8080, evidence: { file: "main.go", line: 5, text: 'api.HandleFunc("/healthz", ok)' } }], unresolved: [] });
  });

  test("through a variable, a middleware, two prefixes, a mux a function returns and a mux passed to the function that registers the route", () => {
    const chained = go(
      "package main",
      'import "net/http"',
      "func main() {",
      "\tapi := http.NewServeMux()",
      '\tapi.HandleFunc("/healthz", ok)', // 5
      '\tv1 := http.StripPrefix("/v1", logging(api))',
      "\tmux := http.NewServeMux()",
      '\tmux.Handle("/v1/", v1)',
      "\troot := http.NewServeMux()",
      '\troot.Handle("/svc/", http.StripPrefix("/svc", mux))',
      '\tsrv := &http.Server{Addr: ":9000", Handler: root}',
      "\tsrv.ListenAndServe()",
      "}",
    );
    assert.deepEqual(healthEndpoints(chained).map(at), [["/svc/v1/healthz", 5, undefined]]);
    const returned = go(
      "package main",
      'import "net/http"',
      "func main() {",
      "\tmux := http.NewServeMux()",
      '\tmux.Handle("/internal/", http.StripPrefix("/internal", internalRoutes()))',
      '\thttp.ListenAndServe(":8080", mux)',
      "}",
      "func internalRoutes() http.Handler {",
      "\tm := http.NewServeMux()",
      '\tm.HandleFunc("/readyz", ok)', // 10
      "\treturn m",
      "}",
    );
    assert.deepEqual(healthEndpoints(returned).map(at), [["/internal/readyz", 10, 8080]]);
    const passed = go(
      "package main",
      'import "net/http"',
      "func main() {",
      "\tops := http.NewServeMux()",
      "\tregister(ops)",
      '\tgo http.ListenAndServe(":8081", http.StripPrefix("/ops", ops))',
      "}",
      "func register(m *http.ServeMux) {",
      '\tm.HandleFunc("/livez", ok)', // 9
      "}",
    );
    assert.deepEqual(healthEndpoints(passed).map(at), [["/ops/livez", 9, 8081]], "the server's own port, as for a route beside it");
  });

  test("a route beside a StripPrefix mount (a file server) keeps its own path", () => {
    const files = go(
      "package main",
      'import "net/http"',
      "func main() {",
      "\tmux := http.NewServeMux()",
      '\tmux.HandleFunc("/healthz", ok)',
      '\tmux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("public"))))',
      '\thttp.ListenAndServe(":8080", mux)',
      "}",
    );
    assert.deepEqual(healthEndpoints(files).map(at), [["/healthz", 5, 8080]]);
  });

  test("a prefix that is not a literal, or one stripped with its trailing slash: no endpoint, the route kept as unresolved with the mount's line", () => {
    const variable = go(
      "package main",
      'import ("net/http"; "os")',
      "func main() {",
      "\tapi := http.NewServeMux()",
      '\tapi.HandleFunc("/healthz", ok)', // 5
      '\tprefix := os.Getenv("PREFIX")',
      '\thttp.Handle(prefix+"/", http.StripPrefix(prefix, api))', // 7
      '\thttp.ListenAndServe(":8080", nil)',
      "}",
    );
    const variableRoutes = healthRoutes(variable);
    assert.deepEqual(variableRoutes.endpoints, []);
    assert.deepEqual(variableRoutes.unresolved.map((u) => [u.path, u.evidence.line, u.mount.line, u.why]), [["/healthz", 5, 7, "the prefix http.StripPrefix removes is not a string literal"]]);
    const slash = go(
      "package main",
      'import "net/http"',
      "func main() {",
      "\tapi := http.NewServeMux()",
      '\tapi.HandleFunc("/health", ok)', // 5
      '\thttp.Handle("/api/", http.StripPrefix("/api/", api))', // 6
      '\thttp.ListenAndServe(":8080", nil)',
      "}",
    );
    const slashRoutes = healthRoutes(slash);
    assert.deepEqual(slashRoutes.endpoints, []);
    assert.deepEqual(slashRoutes.unresolved.map((u) => [u.path, u.mount.line, u.why]), [["/health", 6, "http.StripPrefix removes /api/ with its trailing slash, so the handler never sees /health"]]);
  });
});

describe("health route on a web framework's route group", () => {
  const at = (h: { path: string; port?: number; evidence: { line: number } }) => [h.path, h.evidence.line, h.port];
  const unresolved = (files: GoSourceFile[]) => healthRoutes(files).unresolved.map((u) => [u.path, u.evidence.line, u.mount.line, u.why]);

  test("Gin: r.Group(\"/api\") and a group of it, in a block, chained, and from var", () => {
    const files = go(
      "package main",
      'import "github.com/gin-gonic/gin"',
      "var ops = router.Group(\"/ops/\")",
      "func main() {",
      "\tr := gin.Default()",
      '\tapi := r.Group("/api", auth())',
      '\tapi.GET("/healthz", ok)', // 7
      '\tv1 := api.Group("/v1")',
      "\t{",
      '\t\tv1.GET("/readyz", ok)', // 10
      "\t}",
      '\tr.Group("/internal").GET("/livez", ok)', // 12
      '\tops.HEAD("/ping", ok)', // 13
      "\tr.Run()",
      "}",
    );
    assert.deepEqual(healthEndpoints(files).map(at), [["/api/healthz", 7, undefined], ["/api/v1/readyz", 10, undefined], ["/internal/livez", 12, undefined], ["/ops/ping", 13, undefined]]);
  });

  test("Echo: e.Group(\"/api\") joins as Echo does, by concatenation", () => {
    const files = go(
      "package main",
      'import "github.com/labstack/echo/v4"',
      "func main() {",
      "\te := echo.New()",
      '\tg := e.Group("/api")',
      '\tg.GET("/healthz", ok)', // 6
      '\tadmin := g.Group("/admin/")',
      '\tadmin.GET("/status", ok)', // 8
      '\te.Start(":1323")',
      "}",
    );
    assert.deepEqual(healthEndpoints(files).map(at), [["/api/healthz", 6, undefined], ["/api/admin//status", 8, undefined]]);
  });

  test("chi: r.Route(\"/api\", func(r chi.Router) {…}) nested with Group, r.Mount of a router (made here or returned by a function)", () => {
    const files = go(
      "package main",
      'import ("net/http"; "github.com/go-chi/chi/v5")',
      "func main() {",
      "\tr := chi.NewRouter()",
      '\tr.Route("/api/", func(r chi.Router) {',
      '\t\tr.Route("/v1", func(r chi.Router) {',
      "\t\t\tr.Group(func(r chi.Router) {",
      '\t\t\t\tr.Get("/healthz", ok)', // 8
      "\t\t\t})",
      "\t\t})",
      "\t})",
      "\tsub := chi.NewRouter()",
      '\tsub.Get("/readyz", ok)', // 13
      '\tr.Mount("/ops", sub)',
      '\tr.Mount("/debug", debugRoutes())',
      '\thttp.ListenAndServe(":8080", r)',
      "}",
      "func debugRoutes() http.Handler {",
      "\td := chi.NewRouter()",
      '\td.Get("/livez", ok)', // 20
      "\treturn d",
      "}",
    );
    assert.deepEqual(healthEndpoints(files).map(at), [["/api/v1/healthz", 8, 8080], ["/ops/readyz", 13, 8080], ["/debug/livez", 20, 8080]]);
  });

  test("gorilla/mux: r.PathPrefix(\"/api\").Subrouter(), assigned, chained, and a subrouter of one", () => {
    const files = go(
      "package main",
      'import ("net/http"; "github.com/gorilla/mux")',
      "func main() {",
      "\tr := mux.NewRouter()",
      '\tapi := r.PathPrefix("/api/").Subrouter()',
      '\tapi.HandleFunc("/healthz", ok).Methods("GET")', // 6
      '\tv1 := api.PathPrefix("/v1").Subrouter()',
      '\tv1.Path("/readyz").HandlerFunc(ok)', // 8
      '\tr.PathPrefix("/ops").Subrouter().HandleFunc("/livez", ok)', // 9
      '\thttp.ListenAndServe(":8080", r)',
      "}",
    );
    assert.deepEqual(healthEndpoints(files).map(at), [["/api/healthz", 6, 8080], ["/api/v1/readyz", 8, 8080], ["/ops/livez", 9, 8080]]);
  });

  test("a prefix that is not a literal, a ServeMux mounted in chi, a Group slimgo cannot tell Gin's from Echo's: no endpoint, the route kept as unresolved with the group's line", () => {
    const gin = go("package main", 'import ("os"; "github.com/gin-gonic/gin")', "func main() {", "\tr := gin.Default()", '\tapi := r.Group(os.Getenv("PREFIX"))', '\tapi.GET("/healthz", ok)', "\tr.Run()", "}");
    assert.deepEqual(healthEndpoints(gin), []);
    assert.deepEqual(unresolved(gin), [["/healthz", 6, 5, "the prefix of the route group is not a string literal"]]);
    const route = go("package main", 'import "github.com/go-chi/chi/v5"', "func routes(r chi.Router, base string) {", "\tr.Route(base, func(r chi.Router) {", '\t\tr.Get("/healthz", ok)', "\t})", "}");
    assert.deepEqual(unresolved(route), [["/healthz", 5, 4, "the prefix of the route group is not a string literal"]]);
    const mounted = go("package main", 'import ("net/http"; "github.com/go-chi/chi/v5")', "func main() {", "\tr := chi.NewRouter()", "\tsub := chi.NewRouter()", '\tsub.Get("/readyz", ok)', "\tr.Mount(prefix, sub)", '\thttp.ListenAndServe(":8080", r)', "}");
    assert.deepEqual(unresolved(mounted), [["/readyz", 6, 7, "the pattern chi's Mount mounts it at is not a string literal"]]);
    const serveMux = go(
      "package main",
      'import ("net/http"; "github.com/go-chi/chi/v5")',
      "func main() {",
      "\tr := chi.NewRouter()",
      "\tops := http.NewServeMux()",
      '\tops.HandleFunc("/healthz", ok)', // 6
      '\tr.Mount("/ops", ops)', // 7
      '\thttp.ListenAndServe(":8080", r)',
      "}",
    );
    assert.deepEqual(healthEndpoints(serveMux), []);
    assert.deepEqual(unresolved(serveMux), [["/healthz", 6, 7, "chi's Mount passes the whole path to a handler that is not a chi router, so it sees /ops/healthz, not /healthz"]]);
    const neither = go("package routes", 'import "example.com/web"', "func Register(r *web.Engine) {", '\tapi := r.Group("/api/")', '\tapi.GET("/healthz", ok)', "}");
    assert.deepEqual(unresolved(neither), [["/healthz", 5, 4, "Gin and Echo would serve /healthz under the group /api/ at different paths, and slimgo cannot tell which this Group is"]]);
    // Where the two agree, the join is the same whichever it is.
    const agreed = go("package routes", 'import "example.com/web"', "func Register(r *web.Engine) {", '\tapi := r.Group("/api")', '\tapi.GET("/healthz", ok)', "}");
    assert.deepEqual(healthEndpoints(agreed).map(at), [["/api/healthz", 5, undefined]]);
  });
});

describe("serve subcommand", () => {
  test("the case of a switch on os.Args[1] or flag.Arg(0) that starts a listener; none when the default serves or nothing listens", () => {
    const cli = (on: string, serveCase: string) =>
      go("package main", 'import ("net/http"; "os"; "flag")', "func main() {", `\tswitch ${on} {`, '\tcase "migrate":', "\t\tmigrate()", `\t${serveCase}`, '\t\thttp.ListenAndServe(":8080", nil)', "\t}", "}");
    assert.deepEqual(serveSubcommand(cli("os.Args[1]", 'case "serve":')), { name: "serve", evidence: { file: "main.go", line: 7, text: 'case "serve":' } });
    assert.equal(serveSubcommand(cli("flag.Arg(0)", 'case "server", "run":'))?.name, "server");
    assert.equal(serveSubcommand(cli("os.Args[1]", "default:")), undefined);
    assert.equal(serveSubcommand(go("package main", "func main() {", '\tswitch os.Args[1] {', '\tcase "version":', '\t\tprintln("v1")', "\t}", "}")), undefined);
  });
});

describe("serve subcommand: Cobra", () => {
  /** One file of a Cobra program from lines, named by its path in the module. */
  const file = (name: string, ...lines: string[]): GoSourceFile => scanGoSource(name, lines.join("\n"));
  const main = file("main.go", "package main", 'import "example.com/app/cmd"', "func main() { cmd.Execute() }");
  const root = file(
    "cmd/root.go",
    "package cmd",
    'import "github.com/spf13/cobra"',
    'var rootCmd = &cobra.Command{Use: "app", Short: "the app"}',
    "func init() { rootCmd.AddCommand(serveCmd) }",
    "func Execute() { _ = rootCmd.Execute() }",
  );
  /** cmd/serve.go: `serveCmd` with this Use and this RunE body. */
  const serve = (use: string, ...body: string[]) =>
    file(
      "cmd/serve.go",
      "package cmd",
      'import (\n\t"net/http"\n\n\t"example.com/app/internal/server"\n\t"github.com/spf13/cobra"\n)', // lines 2-7
      "var serveCmd = &cobra.Command{", // 8
      `\tUse:   ${JSON.stringify(use)},`, // 9
      '\tShort: "Run the HTTP server",',
      "\tRunE: func(cmd *cobra.Command, args []string) error {",
      ...body.map((l) => `\t\t${l}`),
      "\t},",
      "}",
    );
  /** The subcommand for a program of these files, main.go its main package. */
  const sub = (...files: GoSourceFile[]) => serveSubcommand([main], [main, ...files]);

  test("a subcommand whose RunE serves directly: the first word of Use, the Use line as evidence", () => {
    assert.deepEqual(sub(root, serve("serve", 'return http.ListenAndServe(":8080", nil)')), {
      name: "serve",
      evidence: { file: "cmd/serve.go", line: 9, text: 'Use:   "serve",' },
    });
    assert.equal(sub(root, serve("serve", "srv := &http.Server{}", "return srv.ListenAndServe()"))?.name, "serve");
    // Run instead of RunE, the literal without &, passed as &serveCmd; the import under another name.
    const plain = file(
      "cmd/serve.go",
      "package cmd",
      'import (\n\t"net"\n\tcc "github.com/spf13/cobra"\n)',
      'var serveCmd = cc.Command{Use: "api", Run: func(cmd *cc.Command, args []string) { net.Listen("tcp", ":9000") }}',
      "func init() { rootCmd.AddCommand(&serveCmd) }",
    );
    assert.equal(sub(root, plain)?.name, "api");
    // Not Cobra's Command: another package's type with the same name.
    assert.equal(sub(root, file("cmd/serve.go", "package cmd", 'import ("net/http"; cobra "example.com/app/internal/cli")', 'var serveCmd = &cobra.Command{Use: "serve", RunE: func() error { return http.ListenAndServe(":8080", nil) }}')), undefined);
  });

  test("a subcommand that serves through a function of another package or its own, one or two calls deep", () => {
    const server = file(
      "internal/server/server.go",
      "package server",
      'import ("context"; "net/http")',
      "func Run(ctx context.Context) error { return listen(ctx) }",
      "func listen(ctx context.Context) error {",
      '\tsrv := &http.Server{Addr: ":8080"}',
      "\treturn srv.ListenAndServe()",
      "}",
    );
    assert.deepEqual(sub(root, serve("serve [flags]", "return server.Run(cmd.Context())"), server)?.evidence, { file: "cmd/serve.go", line: 9, text: 'Use:   "serve [flags]",' });
    const run = file("cmd/run.go", "package cmd", 'import "net/http"', "func runServer() error {", '\treturn http.ListenAndServe(":8080", nil)', "}");
    assert.equal(sub(root, serve("serve", "return runServer()"), run)?.name, "serve");
    // The function named as the RunE value, and a constructor passed to AddCommand.
    const built = file(
      "cmd/serve.go",
      "package cmd",
      'import ("example.com/app/internal/server"; "github.com/spf13/cobra")',
      "func newServeCmd() *cobra.Command {",
      '\treturn &cobra.Command{Use: "serve", RunE: runServe}',
      "}",
      "func runServe(cmd *cobra.Command, args []string) error { return server.Run(cmd.Context()) }",
    );
    const newRoot = file("cmd/root.go", "package cmd", 'import "github.com/spf13/cobra"', "func Execute() {", '\troot := &cobra.Command{Use: "app"}', "\troot.AddCommand(newServeCmd())", "\t_ = root.Execute()", "}");
    assert.equal(sub(newRoot, built, server)?.name, "serve");
  });

  test("a root command that serves is not a subcommand: never added, it gives nothing", () => {
    const servingRoot = file(
      "cmd/root.go",
      "package cmd",
      'import ("net/http"; "github.com/spf13/cobra")',
      'var rootCmd = &cobra.Command{Use: "app", RunE: func(cmd *cobra.Command, args []string) error { return http.ListenAndServe(":8080", nil) }}',
      "func Execute() { _ = rootCmd.Execute() }",
    );
    assert.equal(sub(servingRoot), undefined);
    // Found first, the root still does not count: its added subcommand does.
    const withServe = file("cmd/root.go", ...servingRoot.lines, "func init() { rootCmd.AddCommand(serveCmd) }");
    assert.equal(sub(withServe, serve("serve", 'return http.ListenAndServe(":8080", nil)'))?.name, "serve");
  });

  test("a subcommand that does not serve gives nothing, even when it calls the program's functions", () => {
    const migrate = file(
      "cmd/migrate.go",
      "package cmd",
      'import ("fmt"; "example.com/app/internal/db"; "github.com/spf13/cobra")',
      'var migrateCmd = &cobra.Command{Use: "migrate", RunE: func(cmd *cobra.Command, args []string) error { fmt.Println("migrating"); return db.Migrate() }}',
      "func init() { rootCmd.AddCommand(migrateCmd) }",
    );
    const db = file("internal/db/db.go", "package db", "func Migrate() error { return apply() }", "func apply() error { return nil }");
    const onlyMigrate = file("cmd/root.go", "package cmd", 'import "github.com/spf13/cobra"', 'var rootCmd = &cobra.Command{Use: "app"}');
    assert.equal(sub(onlyMigrate, migrate, db), undefined);
    // Beside it (found first), the subcommand that serves.
    assert.equal(sub(root, migrate, db, serve("serve", 'return http.ListenAndServe(":8080", nil)'))?.name, "serve");
  });

  test("a subcommand declared with its type: var serveCmd *cobra.Command = &cobra.Command{…}", () => {
    const typed = file(
      "cmd/serve.go",
      "package cmd",
      'import ("net/http"; "github.com/spf13/cobra")',
      'var serveCmd *cobra.Command = &cobra.Command{Use: "serve", RunE: func(cmd *cobra.Command, args []string) error { return http.ListenAndServe(":8080", nil) }}',
    );
    assert.equal(sub(root, typed)?.name, "serve");
  });

  test("a subcommand that serves with a Gin engine", () => {
    const ginServe = file(
      "cmd/serve.go",
      "package cmd",
      'import ("github.com/gin-gonic/gin"; "github.com/spf13/cobra")',
      'var serveCmd = &cobra.Command{Use: "serve", RunE: func(cmd *cobra.Command, args []string) error { return runGin() }}',
      "func runGin() error {",
      "\tr := gin.New()",
      '\treturn r.Run(":8080")',
      "}",
    );
    assert.equal(sub(root, ginServe)?.name, "serve");
  });

  test("Use with flags and argument text: only its first word names the subcommand", () => {
    const listen = 'return http.ListenAndServe(":8080", nil)';
    assert.equal(sub(root, serve("serve [flags]", listen))?.name, "serve");
    assert.equal(sub(root, serve("http-server --addr ADDR [flags]", listen))?.name, "http-server");
    assert.equal(sub(root, serve("", listen)), undefined);
  });
});

describe("version variables", () => {
  test("package-level string vars named like version, commit, date; not consts, locals or other types", () => {
    const files = go(
      "package main",
      "var version = \"dev\"", // 2
      "var (",
      "\tcommit, buildTime string", // 4
      '\tbuiltBy          = "unknown"', // 5
      "\trelease int = 3",
      "\tdate = time.Now()",
      ")",
      'const revision = "x"',
      "func main() {",
      '\tvar gitCommit = "local"',
      "}",
    );
    assert.deepEqual(
      versionVariables(files).map((v) => [v.symbol, v.role, v.evidence.line]),
      [
        ["main.version", "version", 2],
        ["main.commit", "commit", 4],
        ["main.buildTime", "date", 4],
        ["main.builtBy", "other", 5],
      ],
    );
  });

  const dir = mkdtempSync(path.join(tmpdir(), "slimgo-buildcfg-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("-X flags and the timetzdata tag in .goreleaser.yaml", () => {
    writeFileSync(
      path.join(dir, ".goreleaser.yaml"),
      "builds:\n  - ldflags:\n      - -s -w -X main.version={{.Version}} -X github.com/acme/app/internal/build.Commit={{.Commit}}\n      - -X=main.date={{.Date}}\n    tags:\n      - netgo\n      - timetzdata\n",
    );
    const configLines = readBuildConfigLines(dir);
    assert.deepEqual(timetzdataTagEvidence(configLines).map((e) => `${e.file}:${e.line}`), [".goreleaser.yaml:7"]);
    assert.deepEqual(
      buildConfigVersionVariables(configLines).map((v) => [v.symbol, v.role, `${v.evidence.file}:${v.evidence.line}`]),
      [
        ["main.version", "version", ".goreleaser.yaml:3"],
        ["github.com/acme/app/internal/build.Commit", "commit", ".goreleaser.yaml:3"],
        ["main.date", "date", ".goreleaser.yaml:4"],
      ],
    );
  });
});

describe("embeds and data directories", () => {
  test("disk reads not covered by an embed are data directories", () => {
    const files = go(
      "package main",
      'import (\n\t"html/template"\n\t"net/http"\n\t"os"\n\t"path/filepath"\n)', // 2-7
      "//go:embed assets/* all:migrations", // 8
      "var content embed.FS",
      "func main() {",
      '\tos.ReadFile("assets/logo.png")',
      '\tos.ReadDir("./migrations")',
      '\thttp.Dir("public")', // 13
      '\ttemplate.ParseGlob(filepath.Join("views", "*.tmpl"))', // 14
      '\tos.Open("/etc/app.conf")',
      "\tos.Open(name)",
      "}",
    );
    const embeds = embedDirectives(files);
    assert.deepEqual(embeds.map((e) => [e.patterns, e.evidence.line]), [[["assets/*", "all:migrations"], 8]]);
    assert.deepEqual(dataDirectories(files, embeds).map((d) => [d.path, d.evidence.line]), [["public", 13], ["views", 14]]);
  });

  test("a read of a string flag is a read of the flag's default, with the flag's line as evidence", () => {
    const files = go(
      "package main",
      'import (\n\t"flag"\n\t"os"\n)', // 2-5
      "var rules string",
      "func main() {",
      '\tconfigPath := flag.String("config", "config/app.json", "configuration")', // 8
      '\tflag.StringVar(&rules, "rules", "rules", "rule directory")', // 9
      '\tlogPath := flag.String("log", "/var/log/app.log", "log file")',
      '\tout := flag.String("out", "", "output")',
      '\tin := flag.String("in", "-", "input, - for standard input")',
      "\tflag.Parse()",
      "\tos.ReadFile(*configPath)",
      "\tos.ReadDir(rules)",
      "\tos.Open(*logPath)",
      "\tos.Open(*out)",
      "\tos.Open(*in)",
      "\tos.Open(*other)",
      "}",
    );
    assert.deepEqual(dataDirectories(files, []).map((d) => [d.path, d.evidence.line]), [["config/app.json", 8], ["rules", 9]]);
  });

  test("a flag declared in another file of the package, into a struct field, is read at its default", () => {
    const files = [
      scanGoSource("cmd/gw/flags.go", ["package main", 'import "flag"', "var cfg struct{ ConfigPath string }", "func init() {", '\tflag.StringVar(&cfg.ConfigPath, "config", "gateway.yaml", "configuration")', "}"].join("\n")),
      scanGoSource("cmd/gw/main.go", ["package main", 'import "os"', "func main() {", "\tos.ReadFile(cfg.ConfigPath)", "}"].join("\n")),
      scanGoSource("internal/other/other.go", ["package other", 'import "flag"', "var cfg struct{ ConfigPath string }", 'func init() { flag.StringVar(&cfg.ConfigPath, "x", "elsewhere.yaml", "") }'].join("\n")),
    ];
    assert.deepEqual(dataDirectories(files, []).map((d) => [d.path, `${d.evidence.file}:${d.evidence.line}`]), [["gateway.yaml", "cmd/gw/flags.go:5"]]);
  });

  test("a read of a variable set from the environment is a read of its default, with the default's line as evidence", () => {
    const files = go(
      "package main",
      'import "os"',
      "func main() {",
      '	settings := getenv("SETTINGS_FILE", "settings.json")', // 4
      '	routes := os.Getenv("ROUTES")',
      '	if routes == "" {',
      '		routes = "config/routes.txt"', // 7
      "	}",
      '	secret := os.Getenv("SECRET_FILE")',
      "	os.ReadFile(settings)",
      "	os.Open(routes)",
      "	os.Open(secret)",
      "}",
    );
    assert.deepEqual(dataDirectories(files, []).map((d) => [d.path, d.evidence.line]), [["settings.json", 4], ["config/routes.txt", 7]]);
  });
});

describe("cgo", () => {
  test("a known cgo module counts only when required and imported", () => {
    const files = go("package main", 'import (\n\t_ "github.com/mattn/go-sqlite3"\n\t"github.com/DataDog/zstd"\n)');
    const facts = cgoFacts(files, new Set(["github.com/mattn/go-sqlite3"]));
    assert.equal(facts.required, true);
    assert.deepEqual(facts.evidence, []);
    assert.deepEqual(facts.dependencies.map((d) => [d.module, d.alternative, d.evidence.line]), [["github.com/mattn/go-sqlite3", "modernc.org/sqlite", 3]]);
    assert.equal(cgoFacts(files, new Set()).required, false);
  });
});
