import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { directoryBytes, isSecretEnv, maskEnvLine, squarify } from "../../src/inspect/index.js";
import { directoryTreemap } from "../../src/inspect/html.js";

describe("squarify", () => {
  const bounds = { x: 10, y: 20, width: 600, height: 300 };
  const values = [500, 300, 120, 60, 15, 5, 0];
  const placed = squarify(values.map((v, i) => ({ value: v, data: i })), bounds);

  test("every positive item gets a rectangle whose area is its share of the bounds", () => {
    assert.equal(placed.length, 6);
    const total = values.reduce((a, b) => a + b, 0);
    for (const p of placed) {
      const expected = (p.value / total) * bounds.width * bounds.height;
      assert.ok(Math.abs(p.width * p.height - expected) < 1e-6 * expected + 1e-6, `item ${p.data}`);
    }
  });

  test("rectangles stay inside the bounds and do not overlap", () => {
    const eps = 1e-6;
    for (const p of placed) {
      assert.ok(p.x >= bounds.x - eps && p.y >= bounds.y - eps, `item ${p.data} starts inside`);
      assert.ok(p.x + p.width <= bounds.x + bounds.width + eps && p.y + p.height <= bounds.y + bounds.height + eps, `item ${p.data} ends inside`);
    }
    for (const a of placed) {
      for (const b of placed) {
        if (a === b) continue;
        const overlapX = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const overlapY = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        assert.ok(overlapX <= eps || overlapY <= eps, `items ${a.data} and ${b.data} overlap`);
      }
    }
  });

  test("rectangles are not slivers when the values allow squares", () => {
    const four = squarify([1, 1, 1, 1].map((v, i) => ({ value: v, data: i })), { x: 0, y: 0, width: 100, height: 100 });
    for (const p of four) assert.ok(Math.max(p.width / p.height, p.height / p.width) <= 1.0001, JSON.stringify(p));
  });

  test("nothing to draw gives no rectangles", () => {
    assert.deepEqual(squarify([{ value: 0, data: 0 }], bounds), []);
  });
});

test("directoryBytes sums files into their directories, biggest first", () => {
  const node = (path: string, size: number) => ({ path, type: "file" as const, size, mode: 0o644, uid: 0, gid: 0, layer: 0 });
  const root = directoryBytes([node("usr/bin/a", 10), node("usr/lib/b", 30), node("etc/passwd", 5), node("app", 100)]);
  assert.equal(root.bytes, 145);
  assert.deepEqual(root.children.map((c) => [c.path, c.bytes]), [["/usr", 40], ["/etc", 5]]);
  assert.deepEqual(root.children[0]!.children.map((c) => [c.path, c.bytes]), [["/usr/lib", 30], ["/usr/bin", 10]]);
});

test("the directory treemap gives files directly in / one box with their count, not divided again", () => {
  const node = (path: string, size: number) => ({ path, type: "file" as const, size, mode: 0o644, uid: 0, gid: 0, layer: 0 });
  const svg = directoryTreemap(directoryBytes([node("app", 5_000_000), node("etc/passwd", 4000), node("etc/group", 100)]));
  const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  assert.ok(titles.some((t) => /^\/ \(files\): .* in 1 file$/.test(t!)), titles.join(" | "));
  assert.ok(titles.some((t) => /^\/etc: .* in 2 files$/.test(t!)), titles.join(" | "));
  assert.ok(!titles.some((t) => t!.includes("(files) (files)")), titles.join(" | "));
});

test("env values that look like secrets are masked, by name or by shape", () => {
  assert.equal(maskEnvLine("API_TOKEN=abc"), "API_TOKEN=****");
  assert.equal(maskEnvLine("DB_PASSWORD=hunter2"), "DB_PASSWORD=****");
  assert.equal(maskEnvLine("PATH=/usr/bin:/bin"), "PATH=/usr/bin:/bin");
  assert.equal(maskEnvLine("GITHUB=ghp_0123456789abcdefghijABCDEFGHIJ"), "GITHUB=****");
  assert.equal(maskEnvLine("DATABASE_URL=postgres://app:pa55@db:5432/app"), "DATABASE_URL=****");
  assert.equal(maskEnvLine("DATABASE_URL=postgres://db:5432/app"), "DATABASE_URL=postgres://db:5432/app");
  assert.equal(isSecretEnv("PUBLIC_KEY", "abc"), false);
  assert.equal(maskEnvLine("TOKEN="), "TOKEN=");
});

test("inspect and verify agree on CA certificates: a binary with embedded roots is not told it needs them", async () => {
  const { goBinaryReport } = await import("../../src/inspect/report.js");
  const { goBinary } = await import("../verify/fake-view.js");
  const { verifyImage } = await import("../../src/verify/index.js");
  const { fakeView } = await import("../verify/fake-view.js");
  const plain = goBinary("/app", { tlsClient: true });
  const embedded = goBinary("/app", { tlsClient: true, packages: ["golang.org/x/crypto/x509roots/fallback"] });
  assert.ok(goBinaryReport("/app", plain.info).runtimeNeeds.includes("TLS client (needs CA certificates)"));
  assert.deepEqual(goBinaryReport("/app", embedded.info).runtimeNeeds, ["TLS client (CA roots embedded: x509roots/fallback)"]);
  const report = await verifyImage(fakeView({ goBinaries: [embedded] }), { reference: "test" });
  assert.equal(report.checks.find((c) => c.name === "ca-certificates")?.status, "skip");
});
