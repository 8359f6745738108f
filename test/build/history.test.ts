/**
 * The binary layer's history entry is the go build that made it: a reader of `skopeo inspect
 * --config` or `slimgo inspect` sees the platform, the version variables and the user's flags, and
 * nothing that differs between machines or holds a login.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readOciLayout } from "../../src/transports/oci-layout.js";
import { isImageIndex } from "../../src/image/types.js";
import { moduleCopies, runSlimgo } from "../support/cli.js";
import { skipUnless } from "../support/tools.js";
import { tempDirs } from "../support/temp-dirs.js";

const temp = tempDirs();
const fixture = moduleCopies();

test("the binary layer's history is the go build that made it, per platform, without the output path, GC settings or module proxy login", { skip: skipUnless("go") }, async () => {
  const dir = await fixture("notes", "examples");
  await writeFile(join(dir, "slimgo.yaml"), 'build:\n  flags: ["-tags=netgo"]\n  ldflags: ["-X main.edition=oss"]\n  go-env:\n    GOPROXY: https://builder:s3cret@proxy.example.com\n    GOFLAGS: -mod=mod\n');
  const out = await temp.make("slimgo-history-");
  const layout = join(out, "layout");
  const r = await runSlimgo(["build", dir, "--platform", "linux/amd64,linux/arm64", "--version", "1.2.3", "--oci-layout", layout, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const index = await readOciLayout(layout, "localhost/notes:latest");
  assert.ok(isImageIndex(index));
  const lines = index.manifests.map((m) => m.image.config.history?.at(-1)?.created_by ?? "");
  for (const [i, arch] of ["amd64", "arm64"].entries()) {
    const line = lines[i]!;
    assert.match(line, new RegExp(`^CGO_ENABLED=0 GOFLAGS=-mod=mod GOOS=linux GOARCH=${arch} go build -trimpath '-ldflags=-s -w [^']*-X=main\\.version=1\\.2\\.3[^']* -X main\\.edition=oss' -tags=netgo \\.$`), line);
    assert.doesNotMatch(line, /s3cret|GOPROXY|GOGC|GOMEMLIMIT|GOTOOLCHAIN| -o |\/tmp\//, line);
  }
});
