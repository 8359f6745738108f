import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SlimgoError } from "../../src/errors.js";
import { bufferSource, readGoBinary, type LinkedCode } from "../../src/gobinary/index.js";
import { BASE_ADDRESS, sectionOffsets, syntheticElf, Writer } from "./synthetic-elf.js";

type Endian = "little" | "big";

/** Go frames module info with these 16-byte sentinels (cmd/go's infoStart and infoEnd). */
const INFO_START = Buffer.from("3077af0c9274080241e1c107e6d618e6", "hex");
const INFO_END = Buffer.from("f932433186182072008242104116d8f2", "hex");
const MAGIC = "\xff Go buildinf:";

const MODINFO = [
  "path\texample.com/old/cmd/tool",
  "mod\texample.com/old\tv1.4.0\th1:mainsum=",
  "dep\tgolang.org/x/text\tv0.3.7\th1:textsum=",
  "dep\tgopkg.in/yaml.v3\tv3.0.1",
  "=>\tgithub.com/fork/yaml\tv3.0.2\th1:forksum=",
  "build\t-ldflags=\"-X \\\"main.msg=hello world\\\" -s\"",
  "build\tCGO_ENABLED=0",
  "",
].join("\n");

function framed(text: string): Buffer {
  return Buffer.concat([INFO_START, Buffer.from(text), INFO_END]);
}

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

/** Go 1.18+ build info: header with flag 2, then two varint-prefixed strings. */
function inlineBuildInfo(version: string, mod: Buffer): Buffer {
  const w = new Writer("little").bytes(MAGIC).u8(8).u8(2).padTo(32);
  return w.bytes(uvarint(version.length)).bytes(version).bytes(uvarint(mod.length)).bytes(mod).done();
}

/** Pre-1.18 build info at file offset `at`: two pointers to Go string headers. */
function pointerBuildInfo(at: number, endianness: Endian, ptrSize: number, version: string, mod: Buffer): Buffer {
  const address = BASE_ADDRESS + at;
  const headers = 32;
  const versionData = headers + 4 * ptrSize;
  const modData = versionData + version.length;
  const w = new Writer(endianness).bytes(MAGIC).u8(ptrSize).u8(endianness === "big" ? 1 : 0);
  w.word(address + headers, ptrSize).word(address + headers + 2 * ptrSize, ptrSize).padTo(headers);
  w.word(address + versionData, ptrSize).word(version.length, ptrSize);
  w.word(address + modData, ptrSize).word(mod.length, ptrSize);
  return w.bytes(version).bytes(mod).done();
}

const MAGICS = { "1.2": 0xfffffffb, "1.16": 0xfffffffa, "1.18": 0xfffffff0, "1.20": 0xfffffff1 };

/** A function table in the given format naming `names`, laid out as the Go runtime reads it. */
function functionTable(version: LinkedCode["tableVersion"], endianness: Endian, ptrSize: number, names: string[]): Buffer {
  const nfunc = names.length;
  const w = new Writer(endianness).u32(MAGICS[version]).u8(0).u8(0).u8(1).u8(ptrSize);
  const nameBlob = Buffer.from(names.map((n) => `${n}\0`).join(""));
  const nameOffsets = names.map((_, i) => Buffer.byteLength(names.slice(0, i).map((n) => `${n}\0`).join("")));
  if (version === "1.2") {
    // Everything is relative to the table start: index, then records, then names.
    const indexAt = 8 + ptrSize;
    const recordSize = ptrSize + 4;
    const recordsAt = indexAt + (nfunc + 1) * 2 * ptrSize;
    const namesAt = recordsAt + nfunc * recordSize;
    w.word(nfunc, ptrSize);
    for (let i = 0; i <= nfunc; i++) w.word(0x1000 + i * 16, ptrSize).word(recordsAt + Math.min(i, nfunc - 1) * recordSize, ptrSize);
    names.forEach((_, i) => w.word(0x1000 + i * 16, ptrSize).u32(namesAt + (nameOffsets[i] as number)));
    return w.bytes(nameBlob).done();
  }
  const words = version === "1.16" ? 7 : 8;
  const namesAt = 8 + words * ptrSize;
  const pclnAt = Math.ceil((namesAt + nameBlob.length) / 8) * 8;
  const wide = version === "1.16";
  const entrySize = wide ? 2 * ptrSize : 8;
  const recordSize = wide ? ptrSize + 4 : 8;
  const recordsAt = (nfunc + 1) * entrySize;
  w.word(nfunc, ptrSize).word(0, ptrSize);
  if (!wide) w.word(0x1000, ptrSize); // textStart
  const afterNames = namesAt + nameBlob.length;
  w.word(namesAt, ptrSize).word(afterNames, ptrSize).word(afterNames, ptrSize).word(afterNames, ptrSize).word(pclnAt, ptrSize);
  w.bytes(nameBlob).padTo(pclnAt);
  for (let i = 0; i <= nfunc; i++) {
    const funcoff = recordsAt + Math.min(i, nfunc - 1) * recordSize;
    if (wide) w.word(0x1000 + i * 16, ptrSize).word(funcoff, ptrSize);
    else w.u32(i * 16).u32(funcoff);
  }
  names.forEach((_, i) => (wide ? w.word(0x1000 + i * 16, ptrSize) : w.u32(i * 16)).u32(nameOffsets[i] as number));
  return w.done();
}

const FUNCTIONS = [
  "runtime.main",
  "main.main",
  "main.main.func1",
  "crypto/x509.loadSystemRoots",
  "gopkg.in/yaml%2ev3.Unmarshal",
  "type..eq.main.T",
  "os/user._Cfunc_mygetpwuid_r",
  "os/user.lookupUser",
];
const PACKAGES = ["crypto/x509", "gopkg.in/yaml.v3", "main", "os/user", "runtime"];

describe("layouts Go 1.19 does not write here", () => {
  test("32-bit big-endian MIPS: pointer build info, Go 1.16 table, interpreter and needed libraries", async () => {
    const endianness = "big";
    const interp = Buffer.from("/lib/ld.so.1\0");
    const dynstr = Buffer.from("\0libc.so.6\0libpthread.so.0\0");
    const dynamicSize = 5 * 8;
    const version = "go1.17.13";
    const mod = framed(MODINFO);
    const buildinfoSize = pointerBuildInfo(0, endianness, 4, version, mod).length;
    const table = functionTable("1.16", endianness, 4, FUNCTIONS);
    const [, dynstrAt, , buildinfoAt] = sectionOffsets([interp.length, dynstr.length, dynamicSize, buildinfoSize, table.length]) as number[];
    const dynamic = new Writer(endianness).u32(1).u32(1).u32(1).u32(11).u32(5).u32(BASE_ADDRESS + (dynstrAt as number)).u32(10).u32(dynstr.length).u32(0).u32(0).done();
    const file = syntheticElf({
      elfClass: 32,
      endianness,
      machine: 8,
      sections: [
        { name: ".interp", data: interp },
        { name: ".dynstr", data: dynstr },
        { name: ".dynamic", data: dynamic },
        { name: ".go.buildinfo", data: pointerBuildInfo(buildinfoAt as number, endianness, 4, version, mod) },
        { name: ".gopclntab", data: table },
      ],
      segments: [
        { type: 3, section: ".interp" },
        { type: 2, section: ".dynamic" },
      ],
    });
    const info = await readGoBinary(bufferSource(file, "mips.bin"));
    assert.ok(info);
    assert.equal(info.elf.class, 32);
    assert.equal(info.elf.endianness, "big");
    assert.equal(info.elf.machine, "mips");
    assert.equal(info.elf.goarch, "mips");
    assert.equal(info.elf.linking, "dynamic");
    assert.equal(info.elf.interpreter, "/lib/ld.so.1");
    assert.deepEqual(info.elf.needed, ["libc.so.6", "libpthread.so.0"]);
    assert.equal(info.goVersion, "go1.17.13");
    assert.equal(info.buildInfo?.path, "example.com/old/cmd/tool");
    assert.deepEqual(info.buildInfo?.main, { path: "example.com/old", version: "v1.4.0", sum: "h1:mainsum=" });
    assert.deepEqual(info.buildInfo?.deps, [
      { path: "golang.org/x/text", version: "v0.3.7", sum: "h1:textsum=" },
      { path: "gopkg.in/yaml.v3", version: "v3.0.1", replace: { path: "github.com/fork/yaml", version: "v3.0.2", sum: "h1:forksum=" } },
    ]);
    assert.equal(info.buildInfo?.known.ldflags, '-X "main.msg=hello world" -s');
    assert.equal(info.buildInfo?.known.cgoEnabled, false);
    assert.equal(info.linked?.tableVersion, "1.16");
    assert.equal(info.linked?.functionCount, FUNCTIONS.length);
    assert.deepEqual(info.linked?.packages, PACKAGES);
    assert.equal(info.runtime.x509Roots.linked, true);
    assert.equal(info.runtime.osUser.lookup, "cgo");
  });

  for (const [label, machine, endianness, version, goarch] of [
    ["64-bit little-endian riscv64 with a Go 1.2 table", 243, "little", "1.2", "riscv64"],
    ["64-bit big-endian s390x with a Go 1.18 table", 22, "big", "1.18", "s390x"],
    ["64-bit little-endian ppc64le with a Go 1.16 table", 21, "little", "1.16", "ppc64le"],
  ] as const) {
    test(`${label}: inline build info and linked packages`, async () => {
      const file = syntheticElf({
        elfClass: 64,
        endianness,
        machine,
        sections: [
          { name: ".go.buildinfo", data: inlineBuildInfo("go1.21.0", framed("path\texample.com/x\nmod\texample.com/x\t(devel)\t\n")) },
          { name: ".gopclntab", data: functionTable(version, endianness, 8, FUNCTIONS) },
        ],
      });
      const info = await readGoBinary(bufferSource(file, "synthetic.bin"));
      assert.ok(info);
      assert.equal(info.elf.goarch, goarch);
      assert.equal(info.elf.linking, "static");
      assert.equal(info.goVersion, "go1.21.0");
      assert.deepEqual(info.buildInfo?.main, { path: "example.com/x", version: "(devel)" });
      assert.equal(info.linked?.tableVersion, version);
      assert.deepEqual(info.linked?.packages, PACKAGES);
    });
  }

  test("build info without module framing keeps the version and reports no modules", async () => {
    const file = syntheticElf({
      elfClass: 64,
      endianness: "little",
      machine: 62,
      sections: [{ name: ".go.buildinfo", data: inlineBuildInfo("go1.18", Buffer.from("")) }],
    });
    const info = await readGoBinary(bufferSource(file, "nomod.bin"));
    assert.equal(info?.goVersion, "go1.18");
    assert.equal(info?.buildInfo?.main, undefined);
    assert.equal(info?.linked, undefined);
    assert.ok(info?.warnings.some((w) => w.includes("no Go function table")));
  });

  test("a build info string length past the section is a clean error", async () => {
    const broken = new Writer("little").bytes(MAGIC).u8(8).u8(2).padTo(32).bytes(uvarint(1_000_000)).bytes("go1.20").done();
    const file = syntheticElf({ elfClass: 64, endianness: "little", machine: 62, sections: [{ name: ".go.buildinfo", data: broken }] });
    await assert.rejects(readGoBinary(bufferSource(file, "broken.bin")), (error: unknown) => {
      assert.ok(error instanceof SlimgoError);
      assert.match(error.message, /^broken\.bin: truncated or corrupt ELF binary \(build info ends before offset \d+\)/);
      return true;
    });
  });
});
