import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isElf, linkedRuntimeNeeds, packageOf, parseModinfo } from "../../src/gobinary/index.js";
import { unquoteGo } from "../../src/gobinary/modinfo.js";

describe("parseModinfo", () => {
  test("quoted keys and values, settings in order, and the known settings picked out", () => {
    const text = [
      "path\texample.com/app",
      "mod\texample.com/app\tv1.2.3\th1:abc=",
      "build\t-buildmode=exe",
      "build\t-compiler=gc",
      'build\t-gcflags="all=-N -l"',
      'build\t"weird key=x"=`raw value`',
      "build\t-trimpath=true",
      "build\tCGO_ENABLED=1",
      "build\tvcs=git",
      "build\tvcs.revision=0123abcd",
      "build\tvcs.time=2024-05-01T10:00:00Z",
      "build\tvcs.modified=true",
      "",
    ].join("\n");
    const warnings: string[] = [];
    const info = parseModinfo("go1.22.1", text, warnings);
    assert.deepEqual(warnings, []);
    assert.equal(info.path, "example.com/app");
    assert.deepEqual(info.main, { path: "example.com/app", version: "v1.2.3", sum: "h1:abc=" });
    assert.deepEqual(info.settings.slice(2, 4), [
      { key: "-gcflags", value: "all=-N -l" },
      { key: "weird key=x", value: "raw value" },
    ]);
    assert.deepEqual(info.known, {
      buildmode: "exe",
      compiler: "gc",
      trimpath: true,
      cgoEnabled: true,
      vcs: "git",
      vcsRevision: "0123abcd",
      vcsTime: "2024-05-01T10:00:00Z",
      vcsModified: true,
    });
  });

  test("malformed lines become warnings and the rest still parses", () => {
    const warnings: string[] = [];
    const info = parseModinfo("go1.20", "mod\tonly-path\ndep\ta\tv1\nbuild\tnoequals\n=>\tx\tv2\nbogus line\nbuild\tGOOS=linux\n", warnings);
    assert.equal(info.main, undefined);
    assert.deepEqual(info.deps, [{ path: "a", version: "v1", replace: { path: "x", version: "v2" } }]);
    assert.deepEqual(info.settings, [{ key: "GOOS", value: "linux" }]);
    assert.equal(warnings.length, 3);
    assert.match(warnings[0] ?? "", /^build info line 1 is malformed: "mod\\tonly-path"$/);
  });

  test("unquoteGo follows Go's escapes and rejects broken quoting", () => {
    assert.equal(unquoteGo('"\\x41\\u00e9\\t\\101\\"\\\\"'), 'Aé\tA"\\');
    assert.equal(unquoteGo("`a\\nb`"), "a\\nb");
    assert.equal(unquoteGo('"unterminated'), undefined);
    assert.equal(unquoteGo('"bad \\q escape"'), undefined);
    assert.equal(unquoteGo('"two" "strings"'), undefined);
  });
});

describe("packageOf", () => {
  for (const [name, pkg] of [
    ["crypto/tls.(*Conn).clientHandshake", "crypto/tls"],
    ["main.main.func1", "main"],
    ["gopkg.in/yaml%2ev3.(*decoder).unmarshal", "gopkg.in/yaml.v3"],
    ["example.com/m/pkg.Map[go.shape.*net/http.Request_0]", "example.com/m/pkg"],
    ["vendor/golang.org/x/net/http2/hpack.NewEncoder", "vendor/golang.org/x/net/http2/hpack"],
    ["type..eq.[2]string", undefined],
    ["type:.hash.main.T", undefined],
    ["go.buildid", undefined],
    ["_rt0_amd64_linux", undefined],
  ] as const) {
    test(`${name} → ${pkg ?? "no package"}`, () => assert.equal(packageOf(name), pkg));
  }
});

describe("linkedRuntimeNeeds", () => {
  test("a TLS server links root loading and the client handshake, but is not a TLS client", () => {
    const needs = linkedRuntimeNeeds(["crypto/x509.loadSystemRoots", "crypto/tls.(*Conn).clientHandshake", "net/http.(*Server).Serve"]);
    assert.equal(needs.x509Roots.linked, true);
    assert.equal(needs.tlsClient.linked, false);
  });

  test("tls.Client's method value marks a TLS client", () => {
    const needs = linkedRuntimeNeeds(["crypto/tls.(*Conn).clientHandshake", "crypto/tls.(*Conn).clientHandshake-fm"]);
    assert.deepEqual(needs.tlsClient, {
      linked: true,
      evidence: ["crypto/tls.(*Conn).clientHandshake", "crypto/tls.(*Conn).clientHandshake-fm"],
    });
  });

  test("local time alone is not zone loading", () => {
    const needs = linkedRuntimeNeeds(["time.initLocal", "time.loadLocation", "log.Println"]);
    assert.equal(needs.zoneinfo.linked, false);
    assert.equal(needs.zoneinfo.localTime, true);
  });

  test("pure-Go os/user and no cgo resolver", () => {
    const needs = linkedRuntimeNeeds(["os/user.Current", "os/user.readColonFile", "net.cgoLookupHost"]);
    assert.equal(needs.osUser.lookup, "pure");
    assert.deepEqual(needs.osUser.evidence, ["os/user.readColonFile"]);
    assert.equal(needs.cgoResolver.linked, false, "net.cgoLookupHost alone is the stub in pure-Go builds");
  });
});

test("isElf looks only at the magic", () => {
  assert.equal(isElf(Buffer.from("\x7fELF\x02\x01", "latin1")), true);
  assert.equal(isElf(Buffer.from("#!/bin/sh")), false);
  assert.equal(isElf(new Uint8Array([0x7f, 0x45])), false);
});
