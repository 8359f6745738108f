import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readElf, readGoBinary, bufferSource, type GoBinaryInfo, type GoBuildInfo, type GoModule } from "../../src/gobinary/index.js";
import { skipUnless } from "../support/tools.js";
import { GoWorkspace, goMod, goVersionM, type GoProgram } from "./go-build.js";

const NEEDS_MAIN = `package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	resp, err := http.Get("https://example.com/")
	if err == nil {
		resp.Body.Close()
	}
	loc, _ := time.LoadLocation("Europe/Paris")
	f, _ := os.CreateTemp("", "x")
	fmt.Println(loc, f)
}
`;

const FMT_MAIN = `package main

import "fmt"

func main() { fmt.Println("hello") }
`;

const CGO_MAIN = `package main

// int answer(void) { return 42; }
import "C"

import (
	"fmt"
	"net"
	"os/user"
)

func main() {
	u, _ := user.Current()
	addrs, _ := net.LookupHost("localhost")
	fmt.Println(C.answer(), u, addrs)
}
`;

const TZDATA_MAIN = `package main

import (
	"fmt"
	"time"
	_ "time/tzdata"
)

func main() {
	loc, err := time.LoadLocation("America/New_York")
	fmt.Println(loc, err)
}
`;

const VERSIONED_MAIN = `package main

import (
	"fmt"
	"os/user"

	"example.com/lib"
)

var version = "dev"

func main() {
	u, _ := user.Lookup("nobody")
	fmt.Println(version, lib.Name(), u)
}
`;

const PROGRAMS = {
  needs: {
    files: { "go.mod": goMod("example.com/needs"), "main.go": NEEDS_MAIN },
    args: ["-trimpath", "-ldflags=-s -w"],
    env: { CGO_ENABLED: "0" },
  },
  fmtonly: { files: { "go.mod": goMod("example.com/fmtonly"), "main.go": FMT_MAIN } },
  cgo: { files: { "go.mod": goMod("example.com/cgo"), "main.go": CGO_MAIN }, env: { CGO_ENABLED: "1" } },
  tzdata: { files: { "go.mod": goMod("example.com/tzdata"), "main.go": TZDATA_MAIN }, env: { CGO_ENABLED: "0" } },
  arm64: { files: { "go.mod": goMod("example.com/arm"), "main.go": FMT_MAIN }, env: { CGO_ENABLED: "0", GOARCH: "arm64" } },
  versioned: {
    files: {
      "go.mod": goMod("example.com/versioned", "\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./lib\n"),
      "main.go": VERSIONED_MAIN,
      "lib/go.mod": goMod("example.com/lib"),
      "lib/lib.go": "package lib\n\nfunc Name() string { return \"lib\" }\n",
    },
    args: ["-tags=netgo,osusergo", "-ldflags=-X main.version=1.2.3"],
    env: { CGO_ENABLED: "0" },
    git: true,
  },
} satisfies Record<string, GoProgram>;

type ProgramName = keyof typeof PROGRAMS;

let workspace: GoWorkspace | undefined;
const built = new Map<ProgramName, Promise<string>>();
after(async () => {
  await workspace?.cleanup();
});

/** Builds each program once per test file, one at a time (the machine has few cores). */
let queue: Promise<unknown> = Promise.resolve();
function binary(name: ProgramName): Promise<string> {
  let path = built.get(name);
  if (path === undefined) {
    path = queue.then(async () => {
      workspace ??= await GoWorkspace.create();
      return workspace.build(name, PROGRAMS[name]);
    });
    queue = path.catch(() => undefined);
    built.set(name, path);
  }
  return path;
}

async function goBinary(name: ProgramName): Promise<GoBinaryInfo> {
  const info = await readGoBinary(await binary(name));
  assert.ok(info, `${name} should read as a Go binary`);
  return info;
}

/** Quotes like Go's strconv.Quote for the ASCII text these tests produce. */
function quoteIf(text: string, pattern: RegExp): string {
  return pattern.test(text) ? JSON.stringify(text) : text;
}

/** Our parsed build info printed the way `go version -m` prints it. */
function formatLikeGoVersionM(file: string, info: GoBuildInfo): string {
  const lines = [`${file}: ${info.goVersion}`];
  if (info.path !== undefined) lines.push(`\tpath\t${info.path}`);
  const module = (word: string, m: GoModule) => {
    if (m.replace === undefined) lines.push(`\t${word}\t${m.path}\t${m.version}\t${m.sum ?? ""}`);
    else {
      lines.push(`\t${word}\t${m.path}\t${m.version}`);
      lines.push(`\t=>\t${m.replace.path}\t${m.replace.version}\t${m.replace.sum ?? ""}`);
      // Go 1.19's BuildInfo.String ends a replacement with two newlines, so it prints an empty line.
      lines.push("\t");
    }
  };
  if (info.main !== undefined) module("mod", info.main);
  info.deps.forEach((d) => module("dep", d));
  for (const { key, value } of info.settings) {
    lines.push(`\tbuild\t${quoteIf(key, /[= \t\r\n"`]/)}=${quoteIf(value, /[ \t\r\n"`]/)}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("readGoBinary on real Go 1.19 builds", { skip: skipUnless("go") }, () => {
  test("static -trimpath -s -w binary: static, stripped, and the TLS, zoneinfo and temp-file needs are found", async () => {
    const info = await goBinary("needs");
    assert.equal(info.elf.machine, "x86_64");
    assert.equal(info.elf.goarch, "amd64");
    assert.equal(info.elf.linking, "static");
    assert.equal(info.elf.interpreter, undefined);
    assert.deepEqual(info.elf.needed, []);
    assert.equal(info.elf.stripped, true);
    assert.equal(info.elf.debugInfo, false);
    assert.equal(info.goVersion, info.buildInfo?.goVersion);
    assert.match(info.goVersion ?? "", /^go1\.\d+/);
    assert.equal(info.buildInfo?.known.cgoEnabled, false);
    assert.equal(info.buildInfo?.known.trimpath, true);
    assert.equal(info.buildInfo?.known.ldflags, undefined, "Go 1.19 does not record -ldflags with -trimpath");
    assert.equal(info.runtime.tlsClient.linked, true);
    assert.ok(info.runtime.tlsClient.evidence.includes("net/http.(*Transport).RoundTrip"));
    assert.equal(info.runtime.x509Roots.linked, true);
    assert.equal(info.runtime.zoneinfo.linked, true);
    assert.ok(info.runtime.zoneinfo.evidence.includes("time.LoadLocation"));
    assert.equal(info.runtime.zoneinfo.embeddedTzdata, false);
    assert.equal(info.runtime.tempFiles.linked, true);
    assert.ok(info.runtime.tempFiles.evidence.includes("os.CreateTemp"));
    assert.equal(info.runtime.osUser.linked, false);
    assert.equal(info.runtime.cgoResolver.linked, false);
    for (const pkg of ["main", "net/http", "crypto/tls", "time", "os", "runtime"]) {
      assert.ok(info.linked?.packages.includes(pkg), `${pkg} linked`);
    }
    assert.ok(info.linked?.packages.every((p) => !p.startsWith("type.") && !p.startsWith("go.")));
    assert.deepEqual(info.warnings, []);
  });

  test("default build of a fmt-only program: not stripped, none of the run-time needs", async () => {
    const info = await goBinary("fmtonly");
    assert.equal(info.elf.stripped, false);
    assert.equal(info.elf.debugInfo, true);
    assert.equal(info.elf.linking, "static", "CGO_ENABLED=1 without cgo packages still links statically");
    assert.equal(info.buildInfo?.known.trimpath, false);
    for (const [need, value] of Object.entries(info.runtime)) assert.equal(value.linked, false, `${need} not linked`);
    assert.ok(info.linked?.packages.includes("fmt"));
    assert.ok(!info.linked?.packages.includes("net/http"));
  });

  test("cgo binary: dynamic with the glibc interpreter and libc.so.6; cgo user lookup and resolver", { skip: skipUnless("go", "gcc") }, async () => {
    const info = await goBinary("cgo");
    assert.equal(info.elf.linking, "dynamic");
    assert.equal(info.elf.interpreter, "/lib64/ld-linux-x86-64.so.2");
    assert.ok(info.elf.needed.includes("libc.so.6"), `needed: ${info.elf.needed.join(", ")}`);
    assert.equal(info.buildInfo?.known.cgoEnabled, true);
    assert.equal(info.runtime.osUser.linked, true);
    assert.equal(info.runtime.osUser.lookup, "cgo");
    assert.ok(info.runtime.osUser.evidence.every((n) => n.startsWith("os/user._C")));
    assert.equal(info.runtime.cgoResolver.linked, true);
    assert.ok(info.runtime.cgoResolver.evidence.some((n) => n.startsWith("net._C")));
    // The same answer from readElf alone.
    const elf = await readElf(await binary("cgo"));
    assert.deepEqual(elf.needed, info.elf.needed);
  });

  test("importing time/tzdata: zone loading with embedded tzdata", async () => {
    const info = await goBinary("tzdata");
    assert.equal(info.runtime.zoneinfo.linked, true);
    assert.equal(info.runtime.zoneinfo.embeddedTzdata, true);
    assert.ok(info.runtime.zoneinfo.tzdataEvidence.length > 0);
    assert.ok(info.linked?.packages.includes("time/tzdata"));
  });

  test("GOARCH=arm64 cross build reads as aarch64", async () => {
    const info = await goBinary("arm64");
    assert.equal(info.elf.machine, "aarch64");
    assert.equal(info.elf.goarch, "arm64");
    assert.equal(info.elf.class, 64);
    assert.equal(info.elf.endianness, "little");
    assert.equal(info.buildInfo?.known.goarch, "arm64");
    assert.ok(info.linked?.packages.includes("fmt"));
  });

  test("module info: main module, replaced dependency, -ldflags -X, tags and vcs settings", { skip: skipUnless("go", "git") }, async () => {
    const path = await binary("versioned");
    const info = await goBinary("versioned");
    const build = info.buildInfo;
    assert.ok(build);
    assert.equal(build.path, "example.com/versioned");
    assert.deepEqual(build.main, { path: "example.com/versioned", version: "(devel)" });
    assert.deepEqual(build.deps, [
      { path: "example.com/lib", version: "v0.0.0", replace: { path: "./lib", version: "(devel)" } },
    ]);
    assert.equal(build.known.ldflags, "-X main.version=1.2.3");
    assert.equal(build.known.tags, "netgo,osusergo");
    assert.equal(build.known.vcs, "git");
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: join(path, "..", "versioned") }).toString().trim();
    assert.equal(build.known.vcsRevision, head);
    assert.match(build.known.vcsTime ?? "", /^\d{4}-\d\d-\d\dT/);
    assert.equal(build.known.vcsModified, false);
    assert.equal(info.runtime.osUser.lookup, "pure");
    assert.ok(info.runtime.osUser.evidence.includes("os/user.readColonFile"));
  });

  test("parsed build info prints exactly like `go version -m` for every binary", { skip: skipUnless("go", "gcc", "git") }, async () => {
    for (const name of Object.keys(PROGRAMS) as ProgramName[]) {
      const path = await binary(name);
      const info = await goBinary(name);
      assert.ok(info.buildInfo);
      assert.equal(formatLikeGoVersionM(path, info.buildInfo), await goVersionM(path), name);
    }
  });

  test("a Buffer or a ByteSource gives the same result as the path", async () => {
    const path = await binary("needs");
    const fromPath = await readGoBinary(path);
    const bytes = await readFile(path);
    const fromBuffer = await readGoBinary(bufferSource(bytes, path));
    assert.deepEqual(fromBuffer, fromPath);
    const fromRawBuffer = await readGoBinary(bytes);
    assert.equal(fromRawBuffer?.file, "<buffer>");
    assert.deepEqual(fromRawBuffer?.linked, fromPath?.linked);
  });
});
