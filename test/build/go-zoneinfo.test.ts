/**
 * slimgo's base layer carries the building toolchain's zoneinfo.zip. Debian's and Ubuntu's Go
 * ship it only as the string constant of src/time/tzdata/zipdata.go (src/build/go-zoneinfo.ts
 * decodes it); the decoded bytes must be the very zip Go's own generator started from.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findGoZoneinfo, goStringBytes, zipFromZipdataGo } from "../../src/build/go-zoneinfo.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();

describe("goStringBytes", () => {
  const cases: { body: string; hex: string }[] = [
    { body: "PK", hex: "504b" },
    { body: "\\x00\\xff\\xFe", hex: "00fffe" },
    { body: "\\377\\000\\101", hex: "ff0041" },
    { body: "\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\'", hex: "07080c0a0d090b5c2227" },
    { body: "\\u00e9é", hex: "c3a9c3a9" },
    { body: "\\U0001F600", hex: "f09f9880" },
  ];
  for (const c of cases) test(JSON.stringify(c.body), () => assert.equal(goStringBytes(c.body).toString("hex"), c.hex));
  test("an escape Go does not have is an error", () => assert.throws(() => goStringBytes("\\q"), /unknown escape \\q/));
});

function goroot(): string {
  return execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
}

describe("findGoZoneinfo", () => {
  test("a toolchain's own lib/time/zoneinfo.zip is used as it is", async () => {
    const root = await temp.make("slimgo-goroot-");
    await mkdir(join(root, "lib/time"), { recursive: true });
    await writeFile(join(root, "lib/time/zoneinfo.zip"), "zip");
    const found = findGoZoneinfo(root)!;
    assert.equal(await found.zip(), join(root, "lib/time/zoneinfo.zip"));
  });

  test("a toolchain with neither the zip nor zipdata.go has none", async () => {
    assert.equal(findGoZoneinfo(await temp.make("slimgo-goroot-")), undefined);
  });

  test("a zipdata.go without a zip in it is an error naming the file", async () => {
    const root = await temp.make("slimgo-goroot-");
    await mkdir(join(root, "src/time/tzdata"), { recursive: true });
    await writeFile(join(root, "src/time/tzdata/zipdata.go"), 'package tzdata\n\nconst zipdata = "not a zip"\n');
    process.env.SLIMGO_CACHE_DIR = await temp.make("slimgo-cache-");
    await assert.rejects(findGoZoneinfo(root)!.zip(), (err: Error) => err.message.includes(join(root, "src/time/tzdata/zipdata.go")) && /no zoneinfo\.zip/.test(err.message));
  });

  const source = () => join(goroot(), "src/time/tzdata/zipdata.go");
  test("Go's zipdata.go decodes to the zip Go generated it from, kept in slimgo's cache", { skip: skipUnless("go") || (!existsSync(source()) && "this Go has no src/time/tzdata/zipdata.go") }, async () => {
    const root = await temp.make("slimgo-goroot-");
    await mkdir(join(root, "src/time/tzdata"), { recursive: true });
    await copyFile(source(), join(root, "src/time/tzdata/zipdata.go"));
    const cache = await temp.make("slimgo-cache-");
    process.env.SLIMGO_CACHE_DIR = cache;
    const zip = await findGoZoneinfo(root)!.zip();
    assert.ok(zip.startsWith(join(cache, "zoneinfo")), zip);
    assert.equal(await findGoZoneinfo(root)!.zip(), zip, "decoded once, then found");

    // Go's own generator, run on the decoded zip, writes back the very same zipdata.go.
    const tree = await temp.make("slimgo-regenerate-");
    await mkdir(join(tree, "lib/time"), { recursive: true });
    await mkdir(join(tree, "src/time/tzdata"), { recursive: true });
    await copyFile(zip, join(tree, "lib/time/zoneinfo.zip"));
    execFileSync("go", ["run", join(goroot(), "src/time/tzdata/generate_zipdata.go")], { cwd: join(tree, "src/time/tzdata"), env: { ...process.env, GOFLAGS: "" } });
    assert.ok((await readFile(join(tree, "src/time/tzdata/zipdata.go"))).equals(await readFile(source())));
    assert.ok(zipFromZipdataGo(await readFile(source(), "utf8"))!.equals(await readFile(zip)));
  });
});
