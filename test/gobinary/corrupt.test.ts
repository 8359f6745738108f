import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SlimgoError } from "../../src/errors.js";
import { bufferSource, readElf, readGoBinary, type GoBinaryInfo } from "../../src/gobinary/index.js";
import { skipUnless } from "../support/tools.js";
import { GoWorkspace, goMod } from "./go-build.js";

const NAME = "app.bin";

/** A result, or the SlimgoError a user would see; anything else fails the test. */
async function readOrError(bytes: Buffer): Promise<GoBinaryInfo | undefined | SlimgoError> {
  try {
    return await readGoBinary(bufferSource(bytes, NAME));
  } catch (error) {
    assert.ok(error instanceof SlimgoError, `expected a SlimgoError, got ${String(error)}`);
    assert.doesNotMatch(error.message, /unexpected parse failure/, "a failure the reader did not foresee");
    assert.ok(error.message.startsWith(`${NAME}: `), error.message);
    assert.ok(!error.message.includes("\n"), "one line");
    return error;
  }
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("non-Go and non-ELF files", () => {
  const elfFiles = ["/bin/busybox", "/bin/ls"].filter((f) => existsSync(f));

  test("ELF files that are not Go give undefined, and readElf still reads them", { skip: elfFiles.length === 0 ? "no /bin/busybox or /bin/ls" : false }, async () => {
    for (const file of elfFiles) {
      assert.equal(await readGoBinary(file), undefined, file);
      const elf = await readElf(file);
      assert.equal(elf.machine, "x86_64");
      if (elf.linking === "dynamic") assert.ok(elf.needed.includes("libc.so.6"), file);
    }
  });

  test("busybox-static is static", { skip: existsSync("/bin/busybox") ? false : "no /bin/busybox" }, async () => {
    const elf = await readElf("/bin/busybox");
    assert.equal(elf.linking, "static");
    assert.equal(elf.interpreter, undefined);
  });

  test("a text file is not a Go binary, and readElf says it is not ELF", async () => {
    const text = Buffer.from("#!/bin/sh\necho hello\n");
    assert.equal(await readGoBinary(text), undefined);
    await assert.rejects(readElf(bufferSource(text, "entrypoint.sh")), (error: unknown) => {
      assert.ok(error instanceof SlimgoError);
      assert.equal(error.message, "entrypoint.sh: not an ELF binary; pass a Linux executable");
      return true;
    });
    assert.equal(await readGoBinary(Buffer.alloc(0)), undefined);
  });

  test("a missing path is a one-line error naming it", async () => {
    await assert.rejects(readGoBinary("/nonexistent/slimgo/app"), /^SlimgoError: \/nonexistent\/slimgo\/app: cannot open \(ENOENT\)/);
  });
});

describe("damaged Go binaries", { skip: skipUnless("go") }, () => {
  let workspace: GoWorkspace;
  let original: Buffer;
  let reference: GoBinaryInfo;

  before(async () => {
    workspace = await GoWorkspace.create();
    const path = await workspace.build("app", {
      files: { "go.mod": goMod("example.com/app"), "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' },
      args: ["-ldflags=-s -w"],
      env: { CGO_ENABLED: "0" },
    });
    original = await readFile(path);
    const info = await readGoBinary(bufferSource(original, NAME));
    assert.ok(info);
    reference = info;
  });
  after(async () => {
    await workspace?.cleanup();
  });

  test("truncated copies give a one-line error, never a crash", async () => {
    // The last byte any section or loadable segment needs; the file may have padding after it.
    const used = Math.max(
      ...reference.elf.sections.filter((s) => s.type !== 8).map((s) => s.offset + s.size),
      ...reference.elf.segments.filter((s) => s.type === 1).map((s) => s.offset + s.fileSize),
    );
    const cuts = [0, 3, 4, 15, 20, 63, 64, 200, 1000, 4096, used >> 2, used >> 1, used - 4096, used - 1];
    let errors = 0;
    for (const cut of cuts) {
      const result = await readOrError(original.subarray(0, cut));
      if (result instanceof SlimgoError) {
        errors++;
        assert.match(result.message, /truncated or corrupt ELF binary/);
      } else if (cut >= 4) {
        assert.fail(`cut at ${cut} of ${original.length} read as ${result === undefined ? "not Go" : "complete"}`);
      }
    }
    assert.equal(errors, cuts.length - 2, "only the cuts shorter than the ELF magic read as 'not Go'");
  });

  test("a truncated file on disk gives the same clean error", async () => {
    const path = join(workspace.root, "truncated.bin");
    await writeFile(path, original.subarray(0, original.length >> 1));
    await assert.rejects(readGoBinary(path), (error: unknown) => {
      assert.ok(error instanceof SlimgoError);
      assert.ok(error.message.startsWith(`${path}: truncated or corrupt ELF binary (`), error.message);
      return true;
    });
  });

  test("500 random byte flips in the headers and Go tables: a result or a SlimgoError", async () => {
    const next = random(0x5eed);
    const section = (name: string) => reference.elf.sections.find((s) => s.name === name);
    const buildinfo = section(".go.buildinfo");
    const pclntab = section(".gopclntab");
    assert.ok(buildinfo && pclntab);
    const headerEnd = 64 + reference.elf.segments.length * 56 + reference.elf.sections.length * 64 + 0x200;
    const regions: [number, number][] = [
      [0, headerEnd],
      [buildinfo.offset, 96],
      [pclntab.offset, 128],
    ];
    const outcomes = { error: 0, result: 0 };
    for (let i = 0; i < 500; i++) {
      const damaged = Buffer.from(original);
      const flips = 1 + Math.floor(next() * 4);
      for (let f = 0; f < flips; f++) {
        const [start, length] = regions[Math.floor(next() * regions.length)] as [number, number];
        const at = start + Math.floor(next() * length);
        damaged[at] = Math.floor(next() * 256);
      }
      const result = await readOrError(damaged);
      outcomes[result instanceof SlimgoError ? "error" : "result"]++;
    }
    assert.equal(outcomes.error + outcomes.result, 500);
    assert.ok(outcomes.error > 0 && outcomes.result > 0, JSON.stringify(outcomes));
  });

  test("without section headers the build info and function table are found by their magic", async () => {
    const sectionless = Buffer.from(original);
    sectionless.writeBigUInt64LE(0n, 40); // e_shoff
    sectionless.writeUInt32LE(0, 60); // e_shnum, e_shstrndx
    const info = await readGoBinary(bufferSource(sectionless, NAME));
    assert.ok(info);
    assert.deepEqual(info.elf.sections, []);
    assert.equal(info.goVersion, reference.goVersion);
    assert.deepEqual(info.buildInfo, reference.buildInfo);
    assert.deepEqual(info.linked, reference.linked);
  });

  test("a Go 1.20+ table magic reads the same way", async () => {
    const pclntab = reference.elf.sections.find((s) => s.name === ".gopclntab");
    assert.ok(pclntab);
    const patched = Buffer.from(original);
    assert.equal(patched.readUInt32LE(pclntab.offset), 0xfffffff0);
    patched.writeUInt32LE(0xfffffff1, pclntab.offset);
    const info = await readGoBinary(bufferSource(patched, NAME));
    assert.equal(info?.linked?.tableVersion, "1.20");
    assert.deepEqual(info?.linked?.packages, reference.linked?.packages);
  });
});
