import { test } from "node:test";
import assert from "node:assert/strict";
import { scanGoSource } from "../../src/analysis/go-source.js";
import { stateDirectories } from "../../src/analysis/state-directories.js";

const program = (body: string, imports = ['"flag"', '"os"', '"path/filepath"']) => `package main\n\nimport (\n${imports.map((i) => `\t${i}`).join("\n")}\n)\n\nfunc main() {\n${body}\n}\n`;
const found = (body: string, imports?: string[]) => stateDirectories([scanGoSource("main.go", program(body, imports))]).map((d) => `${d.path} ${d.source}${d.name ? ` ${d.name}` : ""} @ ${d.evidence.line}`);

test("an absolute directory the program creates or writes files in", () => {
  assert.deepEqual(found('\t_ = os.MkdirAll("/var/lib/app", 0o755)'), ["/var/lib/app literal @ 10"]);
  assert.deepEqual(found('\t_ = os.WriteFile("/data/out.json", nil, 0o600)'), ["/data literal @ 10"]);
  assert.deepEqual(found('\t_, _ = os.Create(filepath.Join("/srv/cache", "x"))'), ["/srv/cache literal @ 10"]);
  assert.deepEqual(found('\t_, _ = os.CreateTemp("/var/cache/app", "x-*")'), ["/var/cache/app literal @ 10"]);
});

test("the absolute default of a data flag or variable, in a program that writes files", () => {
  const writes = '\n\t_ = os.MkdirAll(dir, 0o755)';
  assert.deepEqual(found(`\tdir := *flag.String("data", "/var/lib/app", "data directory")${writes}`), ["/var/lib/app flag data @ 10"]);
  assert.deepEqual(found(`\tvar dir string\n\tflag.StringVar(&dir, "db", "/data/app.db", "database file")${writes}`), ["/data flag db @ 11"]);
  assert.deepEqual(found(`\tc := flag.String("cache-dir", "/var/cache/app", "cache")${writes.replace("(dir", "(*c")}`), ["/var/cache/app flag cache-dir @ 10"]);
  assert.deepEqual(found(`\tvar dir string\n\tflag.StringVar(&dir, "dataDir", "/srv/app", "data")${writes}`), ["/srv/app flag dataDir @ 11"]);
  assert.deepEqual(found(`\tdir := os.Getenv("STORAGE_DIR")\n\tif dir == "" {\n\t\tdir = "/var/lib/app/storage"\n\t}${writes}`), ["/var/lib/app/storage env STORAGE_DIR @ 12"]);
});

test("not a state directory: relative paths, /tmp, OS and config paths, config flags, a program that writes nothing", () => {
  assert.deepEqual(found('\t_ = os.MkdirAll("data", 0o755)'), []);
  assert.deepEqual(found('\t_ = os.WriteFile("/tmp/x", nil, 0o600)'), []);
  assert.deepEqual(found('\t_ = os.WriteFile("/etc/app.conf", nil, 0o600)\n\t_, _ = os.Create("/var/run/app.pid")'), []);
  assert.deepEqual(found('\tc := flag.String("config", "/var/lib/app/config.yaml", "config file")\n\t_ = os.MkdirAll(*c, 0o755)'), []);
  assert.deepEqual(found('\tc := flag.String("tls-key-file", "/srv/tls/key.pem", "key")\n\t_ = flag.String("log-dir", "/var/log/app", "logs")\n\t_ = os.MkdirAll(*c, 0o755)'), []);
  assert.deepEqual(found('\t_ = flag.String("data", "/var/lib/app", "data directory")\n\t_, _ = os.ReadFile("/var/lib/app/x")'), []);
  assert.deepEqual(found('\t_ = flag.String("data", "/", "data directory")\n\t_ = os.MkdirAll("x", 0o755)'), []);
});
