import { test } from "node:test";
import assert from "node:assert/strict";
import { programReport } from "../../src/inspect/report.js";
import { fakeView, goBinary } from "../verify/fake-view.js";

const windowsHead = (() => {
  const b = Buffer.alloc(0x100);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x80, 0x3c);
  b.write("PE\0\0", 0x80, "latin1");
  b.writeUInt16LE(0x8664, 0x84);
  return b;
})();

test("inspect says the entrypoint is a Windows PE executable the image's platform cannot exec", async () => {
  const view = fakeView({ config: { Entrypoint: ["/app"] }, files: { "/app": { content: windowsHead, mode: 0o755 } } });
  assert.deepEqual(await programReport(view), { path: "/app", format: "Windows PE executable (x86-64)", problem: 'linux/amd64 cannot exec it ("exec format error")' });
});

test("inspect names a Go entrypoint as a Go binary, with no problem", async () => {
  const elf = Buffer.alloc(64);
  elf.write("\x7fELF", 0, "latin1");
  elf[4] = 2;
  elf[5] = 1;
  elf.writeUInt16LE(62, 18);
  const view = fakeView({ config: { Entrypoint: ["/app"] }, files: { "/app": { content: elf, mode: 0o755 } }, goBinaries: [goBinary("/app")] });
  assert.deepEqual(await programReport(view), { path: "/app", format: "Go binary, ELF program (x86_64)" });
});

test("shell form names no program", async () => {
  assert.equal(await programReport(fakeView({ config: { Entrypoint: ["/bin/sh", "-c", "/app"] }, files: { "/bin/sh": { content: "\x7fELF", mode: 0o755 } } })), undefined);
});

test("a dynamically linked (cgo) binary needs its loader and libraries from the image, not nothing", async () => {
  const { goBinaryReport } = await import("../../src/inspect/report.js");
  const { formatImageText } = await import("../../src/inspect/text.js");
  const dynamic = goBinary("/app", { interpreter: "/lib64/ld-linux-x86-64.so.2", needed: ["libc.so.6"] });
  const report = goBinaryReport("/app", dynamic.info);
  assert.deepEqual(report.runtimeNeeds, ["dynamic loader and libraries (/lib64/ld-linux-x86-64.so.2, libc.so.6)"]);
  const text = formatImageText({
    reference: "test", digest: "sha256:0", mediaType: "m", platform: "linux/amd64", annotations: {},
    size: { compressed: 0, stored: 0, storedCompression: "gzip", layersFiles: 0, final: 0, wasted: 0 }, layerCount: 0, layers: [],
    config: { env: [], exposedPorts: [], volumes: [], labels: {} }, goBinaries: [report],
    directories: { path: "/", bytes: 0, files: 0, children: [] }, warnings: [],
  });
  assert.match(text, /needs at run time: dynamic loader and libraries \(\/lib64\/ld-linux-x86-64\.so\.2, libc\.so\.6\)/);
  assert.doesNotMatch(text, /nothing from the image/);
});
